package org.phonepass.core.token;

import java.time.Instant;

/**
 * What an opaque access token grants. The token itself is not stored, only its SHA-256.
 *
 * @param userId    the Auth0-style user id ({@code sms|...})
 * @param clientId  the client it was issued to
 * @param scope     space-separated scopes
 * @param expiresAt end of validity
 * @param familyId  the refresh-token family it was issued with (by the login that started the family or by a
 *                  refresh of it), or null when no refresh token was issued; revoking the family ends it too
 */
public record AccessTokenRecord(String userId, String clientId, String scope, Instant expiresAt, String familyId) {
    /** A token issued without a refresh token. */
    public AccessTokenRecord(String userId, String clientId, String scope, Instant expiresAt) {
        this(userId, clientId, scope, expiresAt, null);
    }
}
