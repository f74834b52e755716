package org.phonepass.store.sql;

import org.phonepass.core.user.UserStore;
import org.phonepass.testkit.UserStoreContract;

class PostgresUserStoreTest extends UserStoreContract {
    // Opened here, on the test's own thread: a skip (no PostgreSQL) thrown from a contract's worker thread would
    // surface as an error instead.
    private final UserStore store = PostgresDatabase.get().users();

    @Override
    protected UserStore store() {
        return store;
    }
}
