package org.phonepass.store.sql;

import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.testkit.SigningKeyStoreContract;

class PostgresSigningKeyStoreTest extends SigningKeyStoreContract {
    @Override
    protected SigningKeyStore store() {
        return PostgresDatabase.get().signingKeys();
    }
}
