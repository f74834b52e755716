package org.phonepass.store.sql;

import org.phonepass.core.login.LoginTicketStore;
import org.phonepass.testkit.LoginTicketStoreContract;

class PostgresLoginTicketStoreTest extends LoginTicketStoreContract {
    // Opened on the test's own thread: a skip (no PostgreSQL) thrown from the race check's workers would surface as
    // an error instead.
    private final LoginTicketStore store = PostgresDatabase.get().loginTickets();

    @Override
    protected LoginTicketStore store() {
        return store;
    }
}
