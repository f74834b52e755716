package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.ratelimit.Limit;
import org.phonepass.core.ratelimit.RateLimiter;
import org.phonepass.testkit.MutableClock;

class BucketRateLimiterTest extends RateLimiterContract {

    @Override
    protected RateLimiter newLimiter(MutableClock clock) {
        return new BucketRateLimiter(clock, 10_000);
    }

    @Override
    protected SlidingWindowCounter newSiblingCounter(MutableClock clock) {
        return new InMemorySlidingWindowCounter(clock, Duration.ofHours(1), 12, 10_000);
    }

    @Test
    void evictIdleDropsOnlyBucketsThatRefilledCompletely() {
        BucketRateLimiter embedded = (BucketRateLimiter) limiter;
        embedded.tryAcquire("used-long-ago", FIVE_PER_HOUR);
        clock.advance(Duration.ofMinutes(30));
        embedded.tryAcquire("used-now", FIVE_PER_HOUR);
        drain("drained", FIVE_PER_HOUR);

        assertThat(embedded.evictIdle()).isEqualTo(1);
        assertThat(embedded.size()).isEqualTo(2);
        // Nothing observable changed: the evicted key is full, the others kept their counts.
        assertThat(embedded.peek("used-long-ago", FIVE_PER_HOUR).remaining()).isEqualTo(5);
        assertThat(embedded.peek("used-now", FIVE_PER_HOUR).remaining()).isEqualTo(4);
        assertThat(embedded.peek("drained", FIVE_PER_HOUR).remaining()).isZero();
    }

    @Test
    void tableNeverGrowsFarBeyondMaxKeysUnderAKeyFlood() {
        BucketRateLimiter small = new BucketRateLimiter(clock, 1_000);
        Limit lock = new Limit("flood", 1, Duration.ofDays(1));
        for (int i = 0; i < 20_000; i++) {
            clock.advance(Duration.ofMillis(1));
            small.tryAcquire("key-" + i, lock);
        }
        assertThat(small.size()).isLessThanOrEqualTo(1_001);
        // The newest keys, the ones under attack right now, are kept.
        assertThat(small.peek("key-19999", lock).allowed()).isFalse();
    }

    @Test
    void periodicSweepForgetsIdleKeysWithoutBeingAsked() {
        BucketRateLimiter embedded = new BucketRateLimiter(clock, 100_000);
        for (int i = 0; i < 2_000; i++) {
            embedded.tryAcquire("old-" + i, FIVE_PER_HOUR);
        }
        clock.advance(Duration.ofHours(2));
        for (int i = 0; i < BucketRateLimiter.SWEEP_EVERY; i++) {
            embedded.tryAcquire("new-" + (i % 10), FIVE_PER_HOUR);
        }
        assertThat(embedded.size()).isLessThanOrEqualTo(10);
    }
}
