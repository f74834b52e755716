package org.phonepass.store.redis;

import org.junit.jupiter.api.AfterAll;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.testkit.ChallengeStoreContract;

/** The shared challenge contract, against Redis: the same rules as the SQL stores. */
class RedisChallengeStoreTest extends ChallengeStoreContract {
    private static TestRedis redis;

    @Override
    protected ChallengeStore store() {
        synchronized (RedisChallengeStoreTest.class) {
            if (redis == null) {
                redis = TestRedis.open();
            }
            return redis.storage().challenges();
        }
    }

    @AfterAll
    static void deleteKeys() {
        if (redis != null) {
            redis.close();
        }
    }
}
