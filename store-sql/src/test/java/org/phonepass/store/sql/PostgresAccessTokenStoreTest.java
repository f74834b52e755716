package org.phonepass.store.sql;

import org.phonepass.core.token.AccessTokenStore;
import org.phonepass.testkit.AccessTokenStoreContract;

class PostgresAccessTokenStoreTest extends AccessTokenStoreContract {
    @Override
    protected AccessTokenStore store() {
        return PostgresDatabase.get().accessTokens();
    }
}
