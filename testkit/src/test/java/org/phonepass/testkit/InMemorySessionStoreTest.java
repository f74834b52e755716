package org.phonepass.testkit;

import org.phonepass.core.session.SessionStore;

/** The in-memory store passes the contract every SessionStore implementation runs. */
class InMemorySessionStoreTest extends SessionStoreContract {
    private final InMemorySessionStore store = new InMemorySessionStore();

    @Override
    protected SessionStore store() {
        return store;
    }
}
