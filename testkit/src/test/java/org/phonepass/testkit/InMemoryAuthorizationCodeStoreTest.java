package org.phonepass.testkit;

import org.phonepass.core.authorize.AuthorizationCodeStore;

/** The in-memory store passes the contract every AuthorizationCodeStore implementation runs. */
class InMemoryAuthorizationCodeStoreTest extends AuthorizationCodeStoreContract {
    private final InMemoryAuthorizationCodeStore store = new InMemoryAuthorizationCodeStore();

    @Override
    protected AuthorizationCodeStore store() {
        return store;
    }
}
