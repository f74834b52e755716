package org.phonepass.store.sql;

import org.phonepass.core.authorize.AuthorizationCodeStore;
import org.phonepass.testkit.AuthorizationCodeStoreContract;

class PostgresAuthorizationCodeStoreTest extends AuthorizationCodeStoreContract {
    // Opened here, on the test's own thread: a skip (no PostgreSQL) thrown from a contract's worker thread would
    // surface as an error instead.
    private final AuthorizationCodeStore store = PostgresDatabase.get().authorizationCodes();

    @Override
    protected AuthorizationCodeStore store() {
        return store;
    }
}
