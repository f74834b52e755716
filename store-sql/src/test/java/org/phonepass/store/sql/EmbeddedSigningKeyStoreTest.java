package org.phonepass.store.sql;

import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.testkit.SigningKeyStoreContract;

class EmbeddedSigningKeyStoreTest extends SigningKeyStoreContract {
    @Override
    protected SigningKeyStore store() {
        return EmbeddedDatabase.get().signingKeys();
    }
}
