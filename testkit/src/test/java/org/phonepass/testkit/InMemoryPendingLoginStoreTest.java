package org.phonepass.testkit;

import org.phonepass.core.authorize.PendingLoginStore;

/** The in-memory store passes the contract every PendingLoginStore implementation runs. */
class InMemoryPendingLoginStoreTest extends PendingLoginStoreContract {
    private final InMemoryPendingLoginStore store = new InMemoryPendingLoginStore();

    @Override
    protected PendingLoginStore store() {
        return store;
    }
}
