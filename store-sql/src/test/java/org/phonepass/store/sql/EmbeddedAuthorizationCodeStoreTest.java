package org.phonepass.store.sql;

import org.phonepass.core.authorize.AuthorizationCodeStore;
import org.phonepass.testkit.AuthorizationCodeStoreContract;

class EmbeddedAuthorizationCodeStoreTest extends AuthorizationCodeStoreContract {
    @Override
    protected AuthorizationCodeStore store() {
        return EmbeddedDatabase.get().authorizationCodes();
    }
}
