package org.phonepass.store.sql;

import org.phonepass.core.token.RefreshTokenStore;
import org.phonepass.testkit.RefreshTokenStoreContract;

class EmbeddedRefreshTokenStoreTest extends RefreshTokenStoreContract {
    @Override
    protected RefreshTokenStore store() {
        return EmbeddedDatabase.get().refreshTokens();
    }
}
