package org.phonepass.testkit;

import org.phonepass.core.token.RefreshTokenStore;

/** The in-memory refresh-token store passes the contract every RefreshTokenStore implementation runs. */
class InMemoryRefreshTokenStoreTest extends RefreshTokenStoreContract {
    private final InMemoryRefreshTokenStore store = new InMemoryRefreshTokenStore();

    @Override
    protected RefreshTokenStore store() {
        return store;
    }
}
