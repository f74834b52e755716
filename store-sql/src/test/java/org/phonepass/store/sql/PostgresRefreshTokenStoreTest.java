package org.phonepass.store.sql;

import org.phonepass.core.token.RefreshTokenStore;
import org.phonepass.testkit.RefreshTokenStoreContract;

class PostgresRefreshTokenStoreTest extends RefreshTokenStoreContract {
    // Opened here, on the test's own thread: a skip (no PostgreSQL) thrown from a contract's worker thread would
    // surface as an error instead.
    private final RefreshTokenStore store = PostgresDatabase.get().refreshTokens();

    @Override
    protected RefreshTokenStore store() {
        return store;
    }
}
