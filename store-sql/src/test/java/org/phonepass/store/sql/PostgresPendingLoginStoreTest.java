package org.phonepass.store.sql;

import org.phonepass.core.authorize.PendingLoginStore;
import org.phonepass.testkit.PendingLoginStoreContract;

class PostgresPendingLoginStoreTest extends PendingLoginStoreContract {
    // Opened here, on the test's own thread: a skip (no PostgreSQL) thrown from a contract's worker thread would
    // surface as an error instead.
    private final PendingLoginStore store = PostgresDatabase.get().pendingLogins();

    @Override
    protected PendingLoginStore store() {
        return store;
    }
}
