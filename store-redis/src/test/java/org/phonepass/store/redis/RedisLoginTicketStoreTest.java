package org.phonepass.store.redis;

import org.junit.jupiter.api.AfterAll;
import org.phonepass.core.login.LoginTicketStore;
import org.phonepass.testkit.LoginTicketStoreContract;

/** The shared login-ticket contract, against Redis. */
class RedisLoginTicketStoreTest extends LoginTicketStoreContract {
    private static TestRedis redis;

    // Opened on the test's own thread, so that "no Redis" is a skip and not an error in a worker thread.
    private final LoginTicketStore store = shared().storage().loginTickets();

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
    protected LoginTicketStore store() {
        return store;
    }
}
