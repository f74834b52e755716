package org.phonepass.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.phonepass.core.ratelimit.Decision;
import org.phonepass.core.ratelimit.Limit;
import org.phonepass.core.ratelimit.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link RateLimiter}: one Bucket4j bucket per (limit, key) in this process. Limits hold per node
 * only; several nodes need the shared PostgreSQL or Redis limiter.
 *
 * <p><b>Concurrency.</b> Every operation on a bucket runs inside {@link ConcurrentHashMap#compute} for its key, so
 * an operation and the eviction of the same bucket never interleave (a token taken from a bucket that is being
 * evicted would otherwise be lost). The buckets themselves therefore need no synchronisation of their own.
 *
 * <p><b>Bounded memory.</b> A bucket that has refilled completely behaves exactly like an unknown key, so it can
 * be dropped without changing any answer. Every {@value #SWEEP_EVERY} operations, and whenever the table holds more
 * than {@code maxKeys} buckets, one caller sweeps the table and drops the full buckets. Only if the table is still
 * over {@code maxKeys} afterwards (a flood of distinct keys faster than buckets refill) are the buckets idle the
 * longest dropped, down to 90 % of {@code maxKeys}, with a warning: those keys then start over with a full
 * budget, which is the price of a hard memory bound. A bucket costs roughly 300 bytes, so the default of 100,000
 * keys stays near 30 MB. Size {@code maxKeys} above the number of distinct phones and addresses seen in a day.
 */
public final class BucketRateLimiter implements RateLimiter {
    public static final int DEFAULT_MAX_KEYS = 100_000;
    static final int SWEEP_EVERY = 4096;
    private static final Logger log = LoggerFactory.getLogger(BucketRateLimiter.class);

    private record BucketKey(Limit limit, String key) {}

    private static final class Entry {
        final LocalBucket bucket;
        long lastUsedNanos;

        Entry(LocalBucket bucket, long now) {
            this.bucket = bucket;
            this.lastUsedNanos = now;
        }
    }

    private final ClockTimeMeter meter;
    private final Clock clock;
    private final int maxKeys;
    private final ConcurrentHashMap<BucketKey, Entry> buckets = new ConcurrentHashMap<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    public BucketRateLimiter(Clock clock, int maxKeys) {
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.meter = new ClockTimeMeter(clock);
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1");
        }
        this.maxKeys = maxKeys;
    }

    @Override
    public Decision tryAcquire(String key, Limit limit) {
        BucketKey id = id(key, limit);
        Instant now = clock.instant();
        Decision[] out = new Decision[1];
        buckets.compute(id, (k, entry) -> {
            Entry e = entry != null ? entry : new Entry(newBucket(limit), meter.currentTimeNanos());
            ConsumptionProbe probe = e.bucket.tryConsumeAndReturnRemaining(1);
            e.lastUsedNanos = meter.currentTimeNanos();
            out[0] = decision(
                    limit,
                    now,
                    probe.isConsumed(),
                    probe.getRemainingTokens(),
                    probe.getNanosToWaitForReset(),
                    probe.getNanosToWaitForRefill());
            return e;
        });
        afterOperation();
        return out[0];
    }

    @Override
    public Decision peek(String key, Limit limit) {
        BucketKey id = id(key, limit);
        Instant now = clock.instant();
        Decision[] out = {Decision.full(limit, now)};
        buckets.computeIfPresent(id, (k, e) -> {
            // Bucket4j reports the time to full only with a consumption, so take a token and give it straight
            // back; both happen under this key's lock, so nobody can observe the borrowed token.
            ConsumptionProbe probe = e.bucket.tryConsumeAndReturnRemaining(1);
            if (probe.isConsumed()) {
                e.bucket.addTokens(1);
                long beforeTaking = Math.max(
                        0,
                        probe.getNanosToWaitForReset() - limit.refillPerToken().toNanos());
                out[0] = decision(limit, now, true, probe.getRemainingTokens() + 1, beforeTaking, 0);
            } else {
                out[0] =
                        decision(limit, now, false, 0, probe.getNanosToWaitForReset(), probe.getNanosToWaitForRefill());
            }
            return e;
        });
        return out[0];
    }

    @Override
    public void refund(String key, Limit limit, long tokens) {
        if (tokens < 1) {
            return;
        }
        // An absent bucket is full already (never used, or evicted once full): nothing to give back.
        buckets.computeIfPresent(id(key, limit), (k, e) -> {
            e.bucket.addTokens(Math.min(tokens, limit.capacity()));
            return e;
        });
    }

    @Override
    public void reset(String key, Limit limit) {
        buckets.remove(id(key, limit));
    }

    /** Buckets currently held; for tests and the operations page. */
    public int size() {
        return buckets.size();
    }

    /**
     * Drops every bucket that has refilled completely and, if the table is still over {@code maxKeys}, the longest
     * idle ones. Runs on its own every {@value #SWEEP_EVERY} operations; public so a scheduler may call it too.
     *
     * @return how many buckets were dropped
     */
    public int evictIdle() {
        int dropped = 0;
        for (BucketKey id : buckets.keySet()) {
            boolean[] removed = {false};
            buckets.computeIfPresent(id, (k, e) -> {
                if (e.bucket.getAvailableTokens() >= k.limit().capacity()) {
                    removed[0] = true;
                    return null;
                }
                return e;
            });
            if (removed[0]) {
                dropped++;
            }
        }
        if (buckets.size() > maxKeys) {
            dropped += evictLongestIdle();
        }
        return dropped;
    }

    private int evictLongestIdle() {
        List<Map.Entry<BucketKey, Long>> byIdle = new ArrayList<>(buckets.size());
        buckets.forEach((k, e) -> byIdle.add(Map.entry(k, e.lastUsedNanos)));
        byIdle.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
        int target = Math.max(0, buckets.size() - (int) (maxKeys * 0.9));
        int dropped = 0;
        for (int i = 0; i < target && i < byIdle.size(); i++) {
            if (buckets.remove(byIdle.get(i).getKey()) != null) {
                dropped++;
            }
        }
        log.warn(
                "rate limiter table over {} keys: dropped the {} buckets idle the longest; raise limits.max_keys "
                        + "if this is normal traffic",
                maxKeys,
                dropped);
        return dropped;
    }

    private void afterOperation() {
        long n = operations.incrementAndGet();
        if ((n % SWEEP_EVERY == 0 || buckets.size() > maxKeys) && sweeping.compareAndSet(false, true)) {
            try {
                evictIdle();
            } finally {
                sweeping.set(false);
            }
        }
    }

    private LocalBucket newBucket(Limit limit) {
        return Bucket.builder()
                .addLimit(b -> b.capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()))
                .withCustomTimePrecision(meter)
                .withSynchronizationStrategy(SynchronizationStrategy.NONE)
                .build();
    }

    private static BucketKey id(String key, Limit limit) {
        Objects.requireNonNull(key, "key cannot be null");
        Objects.requireNonNull(limit, "limit cannot be null");
        return new BucketKey(limit, key);
    }

    private static Decision decision(
            Limit limit, Instant now, boolean allowed, long remaining, long nanosToReset, long nanosToRefill) {
        Duration retryAfter = allowed ? Duration.ZERO : Duration.ofNanos(Math.max(1, nanosToRefill));
        long clamped = Math.max(0, Math.min(limit.capacity(), remaining));
        return new Decision(allowed, limit, clamped, now.plusNanos(Math.max(0, nanosToReset)), retryAfter);
    }
}
