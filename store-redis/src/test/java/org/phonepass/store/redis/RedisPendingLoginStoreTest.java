package org.phonepass.store.redis;

import org.junit.jupiter.api.AfterAll;
import org.phonepass.core.authorize.PendingLoginStore;
import org.phonepass.testkit.PendingLoginStoreContract;

/** The shared PendingLoginStore contract, against Redis: the same rules as the SQL stores. */
class RedisPendingLoginStoreTest extends PendingLoginStoreContract {
    private static TestRedis redis;

    // Opened on the test's own thread: "no Redis" is then a skip of each test (a failure under CI=true), not an
    // error thrown from a contract's worker thread.
    private final PendingLoginStore store = shared().storage().pendingLogins();

    private static synchronized TestRedis shared() {
        if (redis == null) {
            redis = TestRedis.open();
        }
        return redis;
    }

    @AfterAll
    static synchronized void deleteKeys() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Override
    protected PendingLoginStore store() {
        return store;
    }
}
