package org.phonepass.store.keys;

import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.testkit.InMemorySigningKeyStore;
import org.phonepass.testkit.SigningKeyStoreContract;

/** The decorator keeps every promise of the seam it wraps. */
class EncryptedInMemorySigningKeyStoreTest extends SigningKeyStoreContract {
    private final SigningKeyStore store = new EncryptingSigningKeyStore(
            new InMemorySigningKeyStore(), MasterKeyRing.parse(TestKeys.newMasterKey()), TestKeys.random());

    @Override
    protected SigningKeyStore store() {
        return store;
    }
}
