package org.phonepass.core.token;

import java.time.Instant;

/**
 * A refresh token as stored (by hash). Tokens issued by rotation share a family; replaying a used token revokes
 * the whole family (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
 *
 * @param familyId  the family; the first token's id
 * @param userId    Auth0-style user id
 * @param clientId  the client it was issued to
 * @param scope     scopes granted
 * @param audience  API audience, or null
 * @param createdAt issue time
 * @param expiresAt absolute end of the family
 * @param authTime  when the person proved the number, for the {@code auth_time} of refreshed id_tokens (an app that
 *                  sends {@code max_age} checks it on every id_token); null when unknown
 * @param sid       the server session the family came from (hosted login), for the {@code sid} claim; null for none
 */
public record RefreshTokenRecord(
        String familyId,
        String userId,
        String clientId,
        String scope,
        String audience,
        Instant createdAt,
        Instant expiresAt,
        Instant authTime,
        String sid) {
    /** A family without a session behind it (the API's code exchanges). */
    public RefreshTokenRecord(
            String familyId,
            String userId,
            String clientId,
            String scope,
            String audience,
            Instant createdAt,
            Instant expiresAt) {
        this(familyId, userId, clientId, scope, audience, createdAt, expiresAt, null, null);
    }

    /** The next token of the family, issued at {@code now}. */
    public RefreshTokenRecord rotated(Instant now) {
        return new RefreshTokenRecord(familyId, userId, clientId, scope, audience, now, expiresAt, authTime, sid);
    }
}
