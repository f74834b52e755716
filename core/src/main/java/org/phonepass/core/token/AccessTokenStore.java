package org.phonepass.core.token;

import java.time.Instant;
import java.util.Optional;

/** Opaque access tokens, stored by hash. */
public interface AccessTokenStore {
    void save(byte[] tokenHash, AccessTokenRecord record);

    /** The record of an unexpired, unrevoked token, or empty. */
    Optional<AccessTokenRecord> find(byte[] tokenHash, Instant now);

    /** Revokes a token; returns whether it existed. */
    boolean revoke(byte[] tokenHash);

    int deleteExpired(Instant cutoff);
}
