package org.phonepass.testkit;

import org.phonepass.core.login.LoginTicketStore;

/** The in-memory login-ticket store passes the contract every LoginTicketStore implementation runs. */
class InMemoryLoginTicketStoreTest extends LoginTicketStoreContract {
    private final InMemoryLoginTicketStore store = new InMemoryLoginTicketStore();

    @Override
    protected LoginTicketStore store() {
        return store;
    }
}
