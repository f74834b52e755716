package org.phonepass.store.sql;

import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.testkit.SigningKeyStoreContract;

class PostgresSigningKeyStoreTest extends SigningKeyStoreContract {
    // Opened here, on the test's own thread: a skip (no PostgreSQL) thrown from a contract's worker thread would
    // surface as an error instead.
    private final SigningKeyStore store = PostgresDatabase.get().signingKeys();

    @Override
    protected SigningKeyStore store() {
        return store;
    }
}
