package org.phonepass.core.store;

import java.util.function.Supplier;

/**
 * Runs a block of store calls as one transaction, where the stores behind it share one database that allows it.
 * After a code is accepted, a login writes the user and its tokens: in one transaction that is one commit (one
 * fsync on the embedded database, one round trip on PostgreSQL) instead of two or three. The block holds the
 * database's writer lock while it runs, so it must only read and write: no signing, no remote calls.
 */
public interface UnitOfWork {
    /** Store calls run one by one, each as its own transaction: for stores that share no transaction. */
    UnitOfWork NONE = new UnitOfWork() {
        @Override
        public <T> T run(Supplier<T> work) {
            return work.get();
        }
    };

    /** Runs {@code work}; everything it wrote is kept if it returns, and undone if it throws. */
    <T> T run(Supplier<T> work);
}
