package org.phonepass.store.sql;

import org.phonepass.core.session.SessionStore;
import org.phonepass.testkit.SessionStoreContract;

class PostgresSessionStoreTest extends SessionStoreContract {
    // Opened here, on the test's own thread: a skip (no PostgreSQL) thrown from a contract's worker thread would
    // surface as an error instead.
    private final SessionStore store = PostgresDatabase.get().sessions();

    @Override
    protected SessionStore store() {
        return store;
    }
}
