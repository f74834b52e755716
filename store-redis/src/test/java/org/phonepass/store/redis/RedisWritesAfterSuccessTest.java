package org.phonepass.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.ratelimit.Limit;
import org.phonepass.core.ratelimit.RateLimiter;
import org.phonepass.core.ratelimit.RateLimiter.Reset;
import org.phonepass.testkit.MutableClock;

/**
 * The writes after an accepted code ({@link RedisRateLimiter#resetAndCount}) are sent without waiting: the request
 * does not wait for them, the node's next command still finds them done, and when Redis does not take them they are
 * counted and logged, never thrown at a login that has already succeeded. The node talks to Redis through a
 * {@link GatedProxy} so that its writes can be held back or cut off.
 */
class RedisWritesAfterSuccessTest {
    private static final Limit WRONG_CODES = new Limit("wrong_codes_test", 3, Duration.ofHours(1));
    private static final String NUMBER_AND_NETWORK = "+447700900123|203.0.113.0";

    private TestRedis redis;
    private GatedProxy proxy;
    private RedisStorage node;
    private RateLimiter limiter;
    private SlidingWindowCounter counter;

    @BeforeEach
    void connectThroughTheProxy() throws Exception {
        redis = TestRedis.open();
        proxy = new GatedProxy(redis.url());
        node = RedisStorage.connect(GatedProxy.through(redis.url(), proxy), redis.keyPrefix());
        MutableClock clock = MutableClock.atEpochSecond(1_700_000_000L);
        limiter = node.rateLimiter(clock);
        counter = node.slidingWindowCounter(clock, Duration.ofHours(1), 12);
        // Three wrong codes spend the bucket; the count also makes Redis cache the counter's script, so that the
        // writes below are EVALSHA alone (see LuaScript#runAsync for the call after Redis forgot its scripts).
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire(NUMBER_AND_NETWORK, WRONG_CODES);
        }
        assertThat(limiter.peek(NUMBER_AND_NETWORK, WRONG_CODES).allowed()).isFalse();
        assertThat(counter.count("verified")).isZero();
    }

    @AfterEach
    void close() {
        proxy.close();
        node.close();
        redis.close();
    }

    @Test
    void whenRedisIsSlowThenTheRequestDoesNotWaitAndTheNodesNextCheckSeesTheWrites() throws Exception {
        String bucket = ((RedisRateLimiter) limiter).redisKey(NUMBER_AND_NETWORK, WRONG_CODES);
        proxy.hold();

        long start = System.nanoTime();
        limiter.resetAndCount(List.of(new Reset(NUMBER_AND_NETWORK, WRONG_CODES)), counter, List.of("verified"));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // Waiting would have taken the 2-s command timeout: nothing reaches Redis while the proxy holds.
        assertThat(tookMillis)
                .as("resetAndCount returned without Redis's answer")
                .isLessThan(1_000);
        // Late, the reset has not happened yet: another node still finds the number locked (stricter, not looser).
        assertThat(bucketsStored(bucket)).isEqualTo(1L);

        // This node's next check, sent while the write is still held, reaches Redis after it.
        CompletableFuture<Long> nextCheck = CompletableFuture.supplyAsync(
                () -> limiter.peek(NUMBER_AND_NETWORK, WRONG_CODES).remaining());
        Thread.sleep(100);
        proxy.release();

        assertThat(nextCheck.get(5, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(counter.count("verified")).isEqualTo(1);
        assertThat(node.failedWritesAfterSuccess()).isZero();
    }

    @Test
    void whenRedisIsUnreachableThenTheWritesAreCountedAsFailedAndNotThrown() {
        proxy.close();
        awaitTrue(() -> !node.isHealthy());

        assertThatCode(() -> limiter.resetAndCount(
                        List.of(new Reset(NUMBER_AND_NETWORK, WRONG_CODES)), counter, List.of("verified")))
                .doesNotThrowAnyException();

        awaitTrue(() -> node.failedWritesAfterSuccess() == 1);
    }

    @Test
    void whenRedisNeverAnswersThenTheWritesTimeOutAndAreCountedAsFailed() {
        proxy.hold();
        limiter.resetAndCount(List.of(new Reset(NUMBER_AND_NETWORK, WRONG_CODES)), counter, List.of("verified"));
        assertThat(node.failedWritesAfterSuccess())
                .as("not failed before the command timeout")
                .isZero();

        awaitTrue(() -> node.failedWritesAfterSuccess() == 1);
        // No reset reached Redis: the number stays locked on that network, the stricter side.
        assertThat(bucketsStored(((RedisRateLimiter) limiter).redisKey(NUMBER_AND_NETWORK, WRONG_CODES)))
                .isEqualTo(1L);
    }

    /** Whether Redis holds {@code key}, looked at directly (another node's view), not through the proxy. */
    private long bucketsStored(String key) {
        Long n = redis.inspect(r -> r.exists(key));
        return n;
    }

    /** Waits up to twice the command timeout plus a second for {@code condition}. */
    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime()
                + RedisStorage.COMMAND_TIMEOUT.multipliedBy(2).plusSeconds(1).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
