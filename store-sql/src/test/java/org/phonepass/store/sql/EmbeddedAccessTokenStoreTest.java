package org.phonepass.store.sql;

import org.phonepass.core.token.AccessTokenStore;
import org.phonepass.testkit.AccessTokenStoreContract;

class EmbeddedAccessTokenStoreTest extends AccessTokenStoreContract {
    @Override
    protected AccessTokenStore store() {
        return EmbeddedDatabase.get().accessTokens();
    }
}
