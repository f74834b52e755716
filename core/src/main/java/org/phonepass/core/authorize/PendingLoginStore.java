package org.phonepass.core.authorize;

import java.time.Instant;
import java.util.Optional;

/** Login transactions, stored by their id's key ({@code OpaqueTokens.key}). Safe for concurrent use across nodes. */
public interface PendingLoginStore {
    void save(byte[] idKey, PendingLogin login);

    /** The unexpired transaction, left in place. */
    Optional<PendingLogin> find(byte[] idKey, Instant now);

    /** Atomically removes the transaction and answers it when it was unexpired: of two concurrent takes, one wins. */
    Optional<PendingLogin> take(byte[] idKey, Instant now);

    int deleteExpired(Instant cutoff);
}
