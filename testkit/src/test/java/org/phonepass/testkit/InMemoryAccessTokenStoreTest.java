package org.phonepass.testkit;

import org.phonepass.core.token.AccessTokenStore;
import org.phonepass.core.token.RefreshTokenStore;

/** The in-memory access-token store passes the contract every AccessTokenStore implementation runs. */
class InMemoryAccessTokenStoreTest extends AccessTokenStoreContract {
    private final InMemoryRefreshTokenStore refreshTokens = new InMemoryRefreshTokenStore();
    private final InMemoryAccessTokenStore store = new InMemoryAccessTokenStore(refreshTokens);

    @Override
    protected AccessTokenStore store() {
        return store;
    }

    @Override
    protected RefreshTokenStore refreshTokens() {
        return refreshTokens;
    }
}
