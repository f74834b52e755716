package org.phonepass.core.token;

import java.time.Instant;
import java.util.Optional;

/**
 * Refresh tokens, stored by key ({@link OpaqueTokens#key}: never the token itself), rotated with reuse detection. Safe
 * for concurrent use across nodes.
 */
public interface RefreshTokenStore {
    void save(byte[] tokenKey, RefreshTokenRecord record);

    /** The outcome of presenting a refresh token. */
    sealed interface Rotation {
        /** The token was live and is now used; the new token is saved in the same family. */
        record Rotated(RefreshTokenRecord record) implements Rotation {}

        /** The token was already used: the family is now revoked. */
        record Reused() implements Rotation {}

        /** Unknown, expired or revoked. */
        record Invalid() implements Rotation {}
    }

    /**
     * Atomically: if {@code presentedKey} is live, mark it used and save {@code newKey} in its family; if it was
     * used before, revoke its family. Two concurrent rotations of one token: one {@code Rotated}, one {@code Reused}.
     */
    Rotation rotate(byte[] presentedKey, byte[] newKey, Instant now);

    /** The record of a live (unused, unexpired, unrevoked) token without changing it, for clients that do not rotate. */
    Optional<RefreshTokenRecord> findLive(byte[] tokenKey, Instant now);

    /**
     * The record of a known token in any state (live, used, expired or revoked), to learn whose it is before acting
     * on it ({@code /oauth/revoke} refuses another client's token, RFC 7009 §2.1).
     */
    Optional<RefreshTokenRecord> find(byte[] tokenKey);

    /** Revokes the family of the token; returns whether the token was known. */
    boolean revokeFamily(byte[] tokenKey);

    int deleteExpired(Instant cutoff);
}
