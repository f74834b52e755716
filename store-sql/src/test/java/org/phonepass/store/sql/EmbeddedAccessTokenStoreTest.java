package org.phonepass.store.sql;

import org.phonepass.core.token.AccessTokenStore;
import org.phonepass.core.token.RefreshTokenStore;
import org.phonepass.testkit.AccessTokenStoreContract;

class EmbeddedAccessTokenStoreTest extends AccessTokenStoreContract {
    @Override
    protected AccessTokenStore store() {
        return EmbeddedDatabase.get().accessTokens();
    }

    @Override
    protected RefreshTokenStore refreshTokens() {
        return EmbeddedDatabase.get().refreshTokens();
    }
}
