package org.phonepass.testkit;

import org.phonepass.core.token.AccessTokenStore;

/** The in-memory access-token store passes the contract every AccessTokenStore implementation runs. */
class InMemoryAccessTokenStoreTest extends AccessTokenStoreContract {
    private final InMemoryAccessTokenStore store = new InMemoryAccessTokenStore();

    @Override
    protected AccessTokenStore store() {
        return store;
    }
}
