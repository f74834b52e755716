package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.ratelimit.Decision;
import org.phonepass.core.ratelimit.Limit;
import org.phonepass.core.ratelimit.RateLimiter;
import org.phonepass.core.ratelimit.RateLimiter.Reset;
import org.phonepass.core.ratelimit.RateLimiter.Step;
import org.phonepass.testkit.MutableClock;

/**
 * The {@link RateLimiter} contract. Every implementation (embedded, PostgreSQL, Redis) extends this class and
 * supplies a limiter that takes its time from the given clock.
 */
public abstract class RateLimiterContract {
    protected static final Limit FIVE_PER_HOUR = new Limit("contract_five", 5, Duration.ofHours(1));
    protected MutableClock clock;
    protected RateLimiter limiter;

    /** A fresh, empty limiter reading time from {@code clock}. */
    protected abstract RateLimiter newLimiter(MutableClock clock);

    /**
     * An empty counter (one-hour window) from the same storage as the limiter of the last {@link #newLimiter} call,
     * as the server pairs them: {@link RateLimiter#resetAndCount} writes to both in one round trip.
     */
    protected abstract SlidingWindowCounter newSiblingCounter(MutableClock clock);

    @BeforeEach
    void setUpLimiter() {
        clock = MutableClock.atEpochSecond(1_700_000_000L);
        limiter = newLimiter(clock);
    }

    @Test
    void peekWhenKeyUnknownThenFullAndAllowed() {
        Decision d = limiter.peek("k", FIVE_PER_HOUR);
        assertThat(d.allowed()).isTrue();
        assertThat(d.remaining()).isEqualTo(5);
        assertThat(d.resetAt()).isEqualTo(clock.instant());
    }

    @Test
    void tryAcquireWhenCapacitySpentThenRefusedWithTimeToNextToken() {
        for (int i = 4; i >= 0; i--) {
            Decision d = limiter.tryAcquire("k", FIVE_PER_HOUR);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(i);
            assertThat(d.retryAfter()).isZero();
        }
        Decision refused = limiter.tryAcquire("k", FIVE_PER_HOUR);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMinutes(12));
        assertThat(refused.retryAfterSeconds()).isEqualTo(720);
        assertThat(refused.resetAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    }

    @Test
    void tryAcquireWhenRefusedThenTakesNothing() {
        drain("k", FIVE_PER_HOUR);
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.tryAcquire("k", FIVE_PER_HOUR).allowed()).isFalse();
        }
        clock.advance(Duration.ofMinutes(12));
        assertThat(limiter.tryAcquire("k", FIVE_PER_HOUR).allowed()).isTrue();
        assertThat(limiter.tryAcquire("k", FIVE_PER_HOUR).allowed()).isFalse();
    }

    @Test
    void refillIsSmoothOverThePeriod() {
        drain("k", FIVE_PER_HOUR);
        clock.advance(Duration.ofMinutes(36));
        assertThat(limiter.peek("k", FIVE_PER_HOUR).remaining()).isEqualTo(3);
        clock.advance(Duration.ofHours(2));
        assertThat(limiter.peek("k", FIVE_PER_HOUR).remaining()).isEqualTo(5);
    }

    @Test
    void resetAtIsWhenTheBucketIsFullAgain() {
        Instant start = clock.instant();
        Decision d = limiter.tryAcquire("k", FIVE_PER_HOUR);
        assertThat(d.resetAt()).isEqualTo(start.plus(Duration.ofMinutes(12)));
        assertThat(d.resetEpochSeconds()).isEqualTo(start.getEpochSecond() + 720);
        assertThat(limiter.peek("k", FIVE_PER_HOUR).resetAt()).isEqualTo(start.plus(Duration.ofMinutes(12)));
    }

    @Test
    void peekNeverTakesATokenAndAnswersLikeTryAcquire() {
        limiter.tryAcquire("k", FIVE_PER_HOUR);
        for (int i = 0; i < 20; i++) {
            Decision p = limiter.peek("k", FIVE_PER_HOUR);
            assertThat(p.allowed()).isTrue();
            assertThat(p.remaining()).isEqualTo(4);
        }
        drain("k", FIVE_PER_HOUR);
        Decision p = limiter.peek("k", FIVE_PER_HOUR);
        assertThat(p.allowed()).isFalse();
        assertThat(p.retryAfter()).isEqualTo(Duration.ofMinutes(12));
    }

    @Test
    void refundGivesTokensBackButNeverBeyondCapacity() {
        drain("k", FIVE_PER_HOUR);
        limiter.refund("k", FIVE_PER_HOUR, 2);
        assertThat(limiter.peek("k", FIVE_PER_HOUR).remaining()).isEqualTo(2);
        limiter.refund("k", FIVE_PER_HOUR, 50);
        assertThat(limiter.peek("k", FIVE_PER_HOUR).remaining()).isEqualTo(5);
        limiter.refund("unknown", FIVE_PER_HOUR, 3);
        assertThat(limiter.peek("unknown", FIVE_PER_HOUR).remaining()).isEqualTo(5);
    }

    @Test
    void resetForgetsTheBucket() {
        drain("k", FIVE_PER_HOUR);
        limiter.reset("k", FIVE_PER_HOUR);
        assertThat(limiter.peek("k", FIVE_PER_HOUR).remaining()).isEqualTo(5);
    }

    @Test
    void keysAndLimitsAreIndependentBuckets() {
        drain("a", FIVE_PER_HOUR);
        assertThat(limiter.tryAcquire("b", FIVE_PER_HOUR).allowed()).isTrue();
        Limit other = new Limit("contract_other", 5, Duration.ofHours(1));
        assertThat(limiter.tryAcquire("a", other).allowed()).isTrue();
        Limit changed = new Limit("contract_five", 6, Duration.ofHours(1));
        assertThat(limiter.tryAcquire("a", changed).remaining()).isEqualTo(5);
    }

    @Test
    void capacityOneIsALockForExactlyThePeriod() {
        Limit lock = new Limit("contract_lock", 1, Duration.ofHours(1));
        assertThat(limiter.tryAcquire("n", lock).allowed()).isTrue();
        clock.advance(Duration.ofMinutes(59).plusSeconds(59));
        Decision stillLocked = limiter.peek("n", lock);
        assertThat(stillLocked.allowed()).isFalse();
        assertThat(stillLocked.retryAfterSeconds()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.peek("n", lock).allowed()).isTrue();
    }

    @Test
    void manyThreadsOnOneKeyNeverExceedCapacity() throws Exception {
        Limit hundred = new Limit("contract_hundred", 100, Duration.ofHours(1));
        int threads = 16;
        int perThread = 500;
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        if (limiter.tryAcquire("hot", hundred).allowed()) {
                            granted.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(granted.get()).isEqualTo(100);
        assertThat(limiter.peek("hot", hundred).remaining()).isZero();
    }

    @Test
    void acquireAllWhenEveryStepAllowsThenTakesFromEveryTakeAndNothingFromALook() {
        Limit lock = new Limit("contract_lock", 1, Duration.ofHours(1));
        Limit three = new Limit("contract_three", 3, Duration.ofHours(1));
        List<Decision> ds = limiter.acquireAll(
                List.of(Step.look("p", lock), Step.take("p", FIVE_PER_HOUR), Step.take("ip", three)));
        assertThat(ds).extracting(Decision::allowed).containsExactly(true, true, true);
        assertThat(ds).extracting(Decision::remaining).containsExactly(1L, 4L, 2L);
        assertThat(ds).extracting(Decision::limit).containsExactly(lock, FIVE_PER_HOUR, three);
        assertThat(limiter.peek("p", lock).remaining()).isEqualTo(1);
        assertThat(limiter.peek("p", FIVE_PER_HOUR).remaining()).isEqualTo(4);
        assertThat(limiter.peek("ip", three).remaining()).isEqualTo(2);
        assertThat(limiter.acquireAll(List.of())).isEmpty();
    }

    @Test
    void acquireAllWhenAStepRefusesThenEarlierTakesAreGivenBackAndLaterStepsDoNotRun() {
        Limit three = new Limit("contract_three", 3, Duration.ofHours(1));
        Limit other = new Limit("contract_other", 5, Duration.ofHours(1));
        limiter.tryAcquire("a", FIVE_PER_HOUR);
        drain("ip", three);
        List<Decision> ds = limiter.acquireAll(List.of(
                Step.take("a", FIVE_PER_HOUR), Step.take("b", other), Step.take("ip", three), Step.take("c", other)));
        assertThat(ds).extracting(Decision::allowed).containsExactly(true, true, false);
        assertThat(ds.get(2).limit()).isEqualTo(three);
        assertThat(ds.get(2).retryAfter()).isEqualTo(Duration.ofMinutes(20));
        assertThat(limiter.peek("a", FIVE_PER_HOUR).remaining()).isEqualTo(4);
        assertThat(limiter.peek("b", other).remaining()).isEqualTo(5);
        assertThat(limiter.peek("c", other).remaining()).isEqualTo(5);
        // Refused many times over, it still takes nothing.
        for (int i = 0; i < 20; i++) {
            limiter.acquireAll(List.of(Step.take("a", FIVE_PER_HOUR), Step.take("ip", three)));
        }
        assertThat(limiter.peek("a", FIVE_PER_HOUR).remaining()).isEqualTo(4);
    }

    @Test
    void acquireAllWhenALookFindsTheBucketEmptyThenRefusedBeforeAnythingIsTaken() {
        Limit lock = new Limit("contract_lock", 1, Duration.ofHours(1));
        limiter.tryAcquire("p", lock);
        List<Decision> ds = limiter.acquireAll(
                List.of(Step.take("ip", FIVE_PER_HOUR), Step.look("p", lock), Step.take("p", FIVE_PER_HOUR)));
        assertThat(ds).extracting(Decision::allowed).containsExactly(true, false);
        assertThat(ds.get(1).retryAfter()).isEqualTo(Duration.ofHours(1));
        assertThat(limiter.peek("ip", FIVE_PER_HOUR).remaining()).isEqualTo(5);
        assertThat(limiter.peek("p", FIVE_PER_HOUR).remaining()).isEqualTo(5);
        assertThat(limiter.peek("p", lock).remaining()).isZero();
    }

    @Test
    void acquireAllFromManyThreadsNeverExceedsAnyCapacity() throws Exception {
        Limit ten = new Limit("contract_ten", 10, Duration.ofDays(1));
        Limit hundred = new Limit("contract_hundred", 100, Duration.ofDays(1));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    go.await();
                    // Every request spends the shared budget and its own key's; ten keys, twenty requests each.
                    List<Decision> ds =
                            limiter.acquireAll(List.of(Step.take("global", hundred), Step.take("key" + n % 10, ten)));
                    if (ds.size() == 2 && ds.get(1).allowed()) {
                        granted.incrementAndGet();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // No more granted than the budgets hold, and every token taken for a refused request was given back: the
        // shared budget lost exactly one token per grant, and so did the keys together.
        assertThat(granted.get()).isBetween(1, 100);
        assertThat(limiter.peek("global", hundred).remaining()).isEqualTo(100L - granted.get());
        long spent = 0;
        for (int k = 0; k < 10; k++) {
            spent += 10 - limiter.peek("key" + k, ten).remaining();
        }
        assertThat(spent).isEqualTo(granted.get());
    }

    protected void drain(String key, Limit limit) {
        while (limiter.tryAcquire(key, limit).allowed()) {
            // spend every token
        }
    }

    @Test
    void resetAndCountWhenBucketSpentThenItIsFullAgainAndEveryKeyIsCounted() {
        SlidingWindowCounter counter = newSiblingCounter(clock);
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquire("spent", FIVE_PER_HOUR);
        }
        limiter.tryAcquire("other", FIVE_PER_HOUR);

        limiter.resetAndCount(List.of(new Reset("spent", FIVE_PER_HOUR)), counter, List.of("a", "b", "a"));

        assertThat(limiter.peek("spent", FIVE_PER_HOUR).remaining()).isEqualTo(5);
        assertThat(limiter.peek("other", FIVE_PER_HOUR).remaining())
                .as("other buckets keep their count")
                .isEqualTo(4);
        assertThat(counter.count("a")).as("a key listed twice counts twice").isEqualTo(2);
        assertThat(counter.count("b")).isEqualTo(1);
    }

    @Test
    void resetAndCountWhenOnlyCountsOrOnlyResetsThenOnlyThoseChange() {
        SlidingWindowCounter counter = newSiblingCounter(clock);
        limiter.tryAcquire("kept", FIVE_PER_HOUR);
        limiter.resetAndCount(List.of(), counter, List.of("c"));
        assertThat(limiter.peek("kept", FIVE_PER_HOUR).remaining()).isEqualTo(4);
        assertThat(counter.count("c")).isEqualTo(1);

        limiter.resetAndCount(List.of(new Reset("kept", FIVE_PER_HOUR)), counter, List.of());
        assertThat(limiter.peek("kept", FIVE_PER_HOUR).remaining()).isEqualTo(5);
        assertThat(counter.count("c")).isEqualTo(1);

        limiter.resetAndCount(List.of(), counter, List.of());
        assertThat(counter.count("c")).isEqualTo(1);
    }
}
