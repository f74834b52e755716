package org.phonepass.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.limits.SlidingWindowCounterContract;
import org.phonepass.testkit.MutableClock;

/** The counter contract against Redis, plus its bounded size and native expiry. */
class RedisSlidingWindowCounterTest extends SlidingWindowCounterContract {
    private static TestRedis redis;
    private String namespace;

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
    protected SlidingWindowCounter newCounter(MutableClock clock) {
        namespace = UUID.randomUUID() + ":";
        return shared().storage(namespace).slidingWindowCounter(clock, WINDOW, 12);
    }

    @Override
    protected Duration slice() {
        return Duration.ofMinutes(5);
    }

    @Test
    void aKeyBusyForDaysHoldsAtMostOneWindowOfSlicesAndExpiresWhenIdle() {
        for (int i = 0; i < 48 * 12; i++) {
            counter.increment("busy");
            clock.advance(Duration.ofMinutes(5));
        }
        var keys = redis.keys().stream().filter(k -> k.contains(namespace)).toList();
        assertThat(keys).hasSize(1);
        long fields = redis.inspect(r -> r.hlen(keys.get(0)));
        assertThat(fields).isLessThanOrEqualTo(13);
        long ttl = redis.inspect(r -> r.pttl(keys.get(0)));
        // A window and two slices: 70 minutes.
        assertThat(ttl)
                .isBetween(
                        Duration.ofMinutes(69).toMillis(),
                        Duration.ofMinutes(70).toMillis());
        assertThat(counter.count("busy")).isEqualTo(12);
    }
}
