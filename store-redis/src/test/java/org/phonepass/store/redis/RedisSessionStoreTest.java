package org.phonepass.store.redis;

import org.junit.jupiter.api.AfterAll;
import org.phonepass.core.session.SessionStore;
import org.phonepass.testkit.SessionStoreContract;

/** The shared SessionStore contract, against Redis: the same rules as the SQL stores. */
class RedisSessionStoreTest extends SessionStoreContract {
    private static TestRedis redis;

    // Opened on the test's own thread: "no Redis" is then a skip of each test (a failure under CI=true), not an
    // error thrown from a contract's worker thread.
    private final SessionStore store = shared().storage().sessions();

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
    protected SessionStore store() {
        return store;
    }
}
