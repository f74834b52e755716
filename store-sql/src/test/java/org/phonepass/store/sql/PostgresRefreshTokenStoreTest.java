package org.phonepass.store.sql;

import org.phonepass.core.token.RefreshTokenStore;
import org.phonepass.testkit.RefreshTokenStoreContract;

class PostgresRefreshTokenStoreTest extends RefreshTokenStoreContract {
    @Override
    protected RefreshTokenStore store() {
        return PostgresDatabase.get().refreshTokens();
    }
}
