package org.phonepass.store.keys;

import java.security.SecureRandom;
import java.util.Base64;

/** Fresh master keys for tests. */
final class TestKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestKeys() {}

    static String newMasterKey() {
        byte[] key = new byte[MasterKeyRing.KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static SecureRandom random() {
        return RANDOM;
    }
}
