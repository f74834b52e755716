package org.phonepass.store.redis;

import org.junit.jupiter.api.AfterAll;
import org.phonepass.core.authorize.AuthorizationCodeStore;
import org.phonepass.testkit.AuthorizationCodeStoreContract;

/** The shared AuthorizationCodeStore contract, against Redis: the same rules as the SQL stores. */
class RedisAuthorizationCodeStoreTest extends AuthorizationCodeStoreContract {
    private static TestRedis redis;

    // Opened on the test's own thread: "no Redis" is then a skip of each test (a failure under CI=true), not an
    // error thrown from a contract's worker thread.
    private final AuthorizationCodeStore store = shared().storage().authorizationCodes();

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
    protected AuthorizationCodeStore store() {
        return store;
    }
}
