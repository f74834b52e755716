package org.phonepass.store.sql;

import org.phonepass.core.login.LoginTicketStore;
import org.phonepass.testkit.LoginTicketStoreContract;

class EmbeddedLoginTicketStoreTest extends LoginTicketStoreContract {
    @Override
    protected LoginTicketStore store() {
        return EmbeddedDatabase.get().loginTickets();
    }
}
