package org.phonepass.testkit;

import org.phonepass.core.user.UserStore;

/** The in-memory user store passes the contract every UserStore implementation runs. */
class InMemoryUserStoreTest extends UserStoreContract {
    private final InMemoryUserStore store = new InMemoryUserStore();

    @Override
    protected UserStore store() {
        return store;
    }
}
