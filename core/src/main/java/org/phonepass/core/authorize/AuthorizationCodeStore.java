package org.phonepass.core.authorize;

import java.time.Instant;

/**
 * Authorization codes, stored by their key ({@code OpaqueTokens.key}). Single use: the first redemption wins, and a
 * later one learns what the first issued so that it can be revoked (RFC 6749 §4.1.2). Safe for concurrent use across
 * nodes.
 */
public interface AuthorizationCodeStore {
    void save(byte[] codeKey, AuthorizationCodeRecord record);

    /** The outcome of presenting a code. */
    sealed interface Redemption {
        /** The code was live and unused; it is now used. */
        record Redeemed(AuthorizationCodeRecord record) implements Redemption {}

        /**
         * The code had been redeemed before: it is now marked replayed, and these are the keys of the tokens the
         * first redemption issued ({@code OpaqueTokens#key}; each may be null: none issued, or not recorded yet).
         */
        record Replayed(AuthorizationCodeRecord record, byte[] refreshTokenKey, byte[] accessTokenKey)
                implements Redemption {}

        /** Unknown, or expired before it was used. */
        record Invalid() implements Redemption {}
    }

    /** Atomically: redeems a live code, or reports (and marks) a replay. Two concurrent redemptions: one wins. */
    Redemption redeem(byte[] codeKey, Instant now);

    /**
     * Records the keys of the tokens the redemption issued (either may be null), so a replay can revoke them.
     *
     * @return false when the code was replayed in between: the caller must revoke what it just issued itself
     */
    boolean recordIssued(byte[] codeKey, byte[] refreshTokenKey, byte[] accessTokenKey);

    /** Deletes codes that expired before {@code cutoff}, used or not. */
    int deleteExpired(Instant cutoff);
}
