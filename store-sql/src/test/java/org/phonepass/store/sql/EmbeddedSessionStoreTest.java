package org.phonepass.store.sql;

import org.phonepass.core.session.SessionStore;
import org.phonepass.testkit.SessionStoreContract;

class EmbeddedSessionStoreTest extends SessionStoreContract {
    @Override
    protected SessionStore store() {
        return EmbeddedDatabase.get().sessions();
    }
}
