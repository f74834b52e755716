package org.phonepass.core.token;

import java.time.Instant;

/**
 * What an opaque access token grants. The token itself is not stored, only its SHA-256.
 *
 * @param userId    the Auth0-style user id ({@code sms|...})
 * @param clientId  the client it was issued to
 * @param scope     space-separated scopes
 * @param expiresAt end of validity
 */
public record AccessTokenRecord(String userId, String clientId, String scope, Instant expiresAt) {
}
