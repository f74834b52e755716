package org.phonepass.store.sql;

import java.security.SecureRandom;
import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.store.keys.EncryptingSigningKeyStore;
import org.phonepass.store.keys.MasterKeyRing;
import org.phonepass.testkit.SigningKeyStoreContract;

/** Encrypted JWKs are longer than plain ones and must fit the column and round-trip through the driver. */
class EmbeddedEncryptedSigningKeyStoreTest extends SigningKeyStoreContract {
    private static final MasterKeyRing RING = MasterKeyRing.parse("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");

    @Override
    protected SigningKeyStore store() {
        return new EncryptingSigningKeyStore(
                EmbeddedDatabase.get("encrypted-keys").signingKeys(), RING, new SecureRandom());
    }
}
