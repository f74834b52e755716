package org.phonepass.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.ratelimit.Limit;
import org.phonepass.core.ratelimit.RateLimiter;
import org.phonepass.limits.RateLimiterContract;
import org.phonepass.testkit.MutableClock;

/** The limiter contract against Redis, plus what only the Redis limiter promises: expiry and opaque keys. */
class RedisRateLimiterTest extends RateLimiterContract {
    private static TestRedis redis;
    private String namespace;
    private RedisStorage storage;

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
    protected RateLimiter newLimiter(MutableClock clock) {
        namespace = UUID.randomUUID() + ":";
        storage = shared().storage(namespace);
        return storage.rateLimiter(clock);
    }

    /** From the same storage (one connection), so that resetAndCount runs as one script call. */
    @Override
    protected SlidingWindowCounter newSiblingCounter(MutableClock clock) {
        return storage.slidingWindowCounter(clock, Duration.ofHours(1), 12);
    }

    @Test
    void aBucketInUseExpiresWhenItWouldBeFullAndAFullOneIsNotStored() {
        Limit lock = new Limit("contract_ttl", 1, Duration.ofSeconds(30));
        limiter.tryAcquire("+447700900123", lock);
        limiter.tryAcquire("untouched-then-refunded", FIVE_PER_HOUR);
        limiter.refund("untouched-then-refunded", FIVE_PER_HOUR, 1);

        var keys = redis.keys().stream().filter(k -> k.contains(namespace)).toList();
        assertThat(keys).hasSize(1);
        String key = keys.get(0);
        // The caller's key (a phone number here) never appears in Redis; the limit's name does, for operators.
        assertThat(key).doesNotContain("447700900123").contains("contract_ttl");
        long ttl = redis.inspect(r -> r.pttl(key));
        assertThat(ttl).isBetween(25_000L, 31_000L);
    }

    @Test
    void twoNodesWithTheirOwnConnectionsShareOneBucket() {
        RateLimiter otherNode = redis.storage(namespace).rateLimiter(clock);
        Limit three = new Limit("contract_three", 3, Duration.ofHours(1));
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            RateLimiter node = i % 2 == 0 ? limiter : otherNode;
            if (node.tryAcquire("spread", three).allowed()) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(3);
    }

    @Test
    void resetAndCountWhenCounterIsFromTheSameStorageThenOneScriptWritesBoth() {
        RedisRateLimiter own = (RedisRateLimiter) limiter;
        assertThat(own.sharesScriptWith(newSiblingCounter(clock))).isTrue();
        // A counter on another connection gets the two calls one after the other.
        assertThat(own.sharesScriptWith(redis.storage(namespace).slidingWindowCounter(clock, Duration.ofHours(1), 12)))
                .isFalse();
    }
}
