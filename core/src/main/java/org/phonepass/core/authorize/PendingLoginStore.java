package org.phonepass.core.authorize;

import java.time.Instant;
import java.util.Optional;

/** Login transactions, stored by the hash of their id. Safe for concurrent use across nodes. */
public interface PendingLoginStore {
    void save(byte[] idHash, PendingLogin login);

    /** The unexpired transaction, left in place. */
    Optional<PendingLogin> find(byte[] idHash, Instant now);

    /** Atomically removes the transaction and answers it when it was unexpired: of two concurrent takes, one wins. */
    Optional<PendingLogin> take(byte[] idHash, Instant now);

    int deleteExpired(Instant cutoff);
}
