package org.phonepass.store.sql;

import org.phonepass.core.token.AccessTokenStore;
import org.phonepass.core.token.RefreshTokenStore;
import org.phonepass.testkit.AccessTokenStoreContract;

class PostgresAccessTokenStoreTest extends AccessTokenStoreContract {
    // Opened here, on the test's own thread: a skip (no PostgreSQL) thrown from a contract's worker thread would
    // surface as an error instead.
    private final AccessTokenStore store = PostgresDatabase.get().accessTokens();

    @Override
    protected AccessTokenStore store() {
        return store;
    }

    @Override
    protected RefreshTokenStore refreshTokens() {
        return PostgresDatabase.get().refreshTokens();
    }
}
