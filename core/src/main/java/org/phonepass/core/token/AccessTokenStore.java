package org.phonepass.core.token;

import java.time.Instant;
import java.util.Optional;

/** Opaque access tokens, stored by key ({@link OpaqueTokens#key}: never the token itself). */
public interface AccessTokenStore {
    void save(byte[] tokenKey, AccessTokenRecord record);

    /**
     * The record of an unexpired, unrevoked token, or empty. A token saved with a {@code familyId} is revoked too
     * once its refresh-token family is revoked (by {@code /oauth/revoke} or by reuse detection), so the store must
     * see the families of {@link RefreshTokenStore} (the SQL store keeps both in one database).
     */
    Optional<AccessTokenRecord> find(byte[] tokenKey, Instant now);

    /** Revokes a token; returns whether it existed. */
    boolean revoke(byte[] tokenKey);

    int deleteExpired(Instant cutoff);
}
