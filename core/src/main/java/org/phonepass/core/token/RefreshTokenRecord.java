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
 */
public record RefreshTokenRecord(
        String familyId,
        String userId,
        String clientId,
        String scope,
        String audience,
        Instant createdAt,
        Instant expiresAt) {}
