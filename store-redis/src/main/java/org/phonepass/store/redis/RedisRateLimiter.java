package org.phonepass.store.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.error.AsyncFailures;
import org.phonepass.core.ratelimit.Decision;
import org.phonepass.core.ratelimit.Limit;
import org.phonepass.core.ratelimit.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets in Redis, shared by every node: the limits hold across the cluster, not per node.
 *
 * <p>Each operation is one Lua script (token-bucket.lua) that reads and writes the bucket in a single atomic step,
 * so concurrent requests on any number of nodes never take more than the capacity; {@link #acquireAll} runs a
 * request's every limit in one such call. A bucket is one string key
 * holding the instant it will be full again, with a TTL that ends exactly then: Redis forgets full buckets by
 * itself, and memory is bounded by the keys that were refused or spent recently.
 *
 * <p><b>Time comes from the node's clock</b>, passed into the script, not from Redis's {@code TIME}: the limiter
 * must agree with the injected {@link Clock} the rest of the node uses (the contract tests drive refills with a
 * settable clock), and script arguments keep the script deterministic for replication. The cost is that nodes
 * must keep their clocks in step (NTP): a node whose clock runs {@code s} ahead sees buckets refill {@code s}
 * sooner, which for limits measured in minutes and hours is nothing at the skews NTP keeps (milliseconds).
 * Expiry uses relative TTLs, so Redis's own clock never matters.
 *
 * <p>Losing Redis data (restart without persistence, failover to a lagging replica) refills the buckets that were
 * lost: limits fail open for one period, never closed. While Redis is unreachable, every operation throws
 * {@link RedisStoreException}, which the server answers with 503: requests that would need a limit fail rather
 * than pass unchecked.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final LuaScript BUCKET = LuaScript.load("token-bucket.lua");
    private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);

    private final RedisCommands<String, String> redis;
    private final String keyPrefix;
    private final Clock clock;
    private final LongAdder failedAfterSuccess;

    RedisRateLimiter(RedisCommands<String, String> redis, String keyPrefix, Clock clock) {
        this(redis, keyPrefix, clock, new LongAdder());
    }

    /** {@code failedAfterSuccess} counts the {@link #resetAndCount} writes Redis did not take (see there). */
    RedisRateLimiter(RedisCommands<String, String> redis, String keyPrefix, Clock clock, LongAdder failedAfterSuccess) {
        this.redis = Objects.requireNonNull(redis, "redis cannot be null");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix cannot be null") + "rl:";
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.failedAfterSuccess = Objects.requireNonNull(failedAfterSuccess, "failedAfterSuccess cannot be null");
    }

    @Override
    public Decision tryAcquire(String key, Limit limit) {
        return run("acquire", key, limit, 0);
    }

    @Override
    public Decision peek(String key, Limit limit) {
        return run("peek", key, limit, 0);
    }

    @Override
    public void refund(String key, Limit limit, long tokens) {
        if (tokens < 1) {
            return;
        }
        run("refund", key, limit, Math.min(tokens, limit.capacity()));
    }

    @Override
    public void reset(String key, Limit limit) {
        String k = redisKey(key, limit);
        call(() -> redis.del(k));
    }

    /**
     * One script call when the counter is this storage's own (sliding-window.lua deletes the buckets, then counts),
     * <b>sent without waiting for its answer</b>: the request that accepted the code does not wait a round trip for
     * writes whose answer it never uses (docs/benchmarks.md, "PostgreSQL + Redis, the application node's CPU"). Any
     * other counter gets the calls one after the other, waited for.
     *
     * <p>Why not waiting keeps the limits (docs/security.md#wrong-code-limit): the script is on this node's one
     * connection when this returns, and Redis runs one connection's commands in order, so every later check this
     * node makes sees the reset and the counts, as if it had waited. A command of another node can land between the
     * answer to the person and the write, as it could land between the write and the answer before; what it can
     * see there is the wrong-code bucket not yet reset (stricter: the owner's earlier typos still count) and the
     * breaker's conversions not yet counted (stricter: sends look less converted). When Redis does not take the
     * write (it is unreachable, or the 2-s command timeout passes), the same holds for good: the failure is logged
     * and counted ({@link RedisStorage#failedWritesAfterSuccess()}), never thrown, because the person's login has
     * already succeeded and its tokens are stored; before, it turned that login into a 503.
     */
    @Override
    public void resetAndCount(List<Reset> resets, SlidingWindowCounter counter, List<String> counts) {
        if (!sharesScriptWith(counter)) {
            RateLimiter.super.resetAndCount(resets, counter, counts);
            return;
        }
        List<String> keys = new ArrayList<>(resets.size());
        for (Reset bucket : resets) {
            keys.add(redisKey(bucket.key(), bucket.limit()));
        }
        if (keys.isEmpty() && counts.isEmpty()) {
            return;
        }
        try {
            ((RedisSlidingWindowCounter) counter)
                    .deleteThenIncrementAsync(keys, counts)
                    .whenComplete((count, error) -> {
                        if (error != null) {
                            failedAfterSuccess(resets.size(), counts.size(), AsyncFailures.unwrap(error));
                        }
                    });
        } catch (RuntimeException e) {
            // Lettuce refuses some commands before sending them (a closed connection) by throwing.
            failedAfterSuccess(resets.size(), counts.size(), e);
        }
    }

    private void failedAfterSuccess(int resets, int counts, Throwable error) {
        failedAfterSuccess.increment();
        // Neither the keys nor the number: the log would otherwise hold phone numbers.
        LOG.warn(
                "The writes after an accepted code failed or went unanswered ({} wrong-code bucket reset(s), {}"
                        + " breaker count(s)); where they did not land, the limits stay stricter until those buckets"
                        + " refill: {}",
                resets,
                counts,
                error.toString());
    }

    /** Whether {@code counter} talks to the same Redis connection, so that one script can write to both. */
    boolean sharesScriptWith(SlidingWindowCounter counter) {
        return counter instanceof RedisSlidingWindowCounter sibling && sibling.uses(redis);
    }

    /** All the steps in one script call: one round trip, atomic as a whole. */
    @Override
    public List<Decision> acquireAll(List<Step> steps) {
        if (steps.isEmpty()) {
            return List.of();
        }
        String[] keys = new String[steps.size()];
        String[] ops = new String[steps.size()];
        Limit[] limits = new Limit[steps.size()];
        for (int i = 0; i < keys.length; i++) {
            Step step = steps.get(i);
            keys[i] = redisKey(step.key(), step.limit());
            ops[i] = step.take() ? "acquire" : "peek";
            limits[i] = step.limit();
        }
        return run(keys, ops, limits, 0);
    }

    private Decision run(String op, String key, Limit limit, long tokens) {
        return run(new String[] {redisKey(key, limit)}, new String[] {op}, new Limit[] {limit}, tokens)
                .get(0);
    }

    private List<Decision> run(String[] keys, String[] ops, Limit[] limits, long tokens) {
        Instant now = clock.instant();
        String[] args = new String[1 + 4 * keys.length];
        args[0] = Long.toString(BucketMath.epochMicros(now));
        for (int i = 0; i < keys.length; i++) {
            args[1 + 4 * i] = ops[i];
            args[2 + 4 * i] = Long.toString(BucketMath.microsPerToken(limits[i]));
            args[3 + 4 * i] = Long.toString(limits[i].capacity());
            args[4 + 4 * i] = Long.toString(tokens);
        }
        List<Object> reply = call(() -> BUCKET.run(redis, ScriptOutputType.MULTI, keys, args));
        List<Decision> decisions = new ArrayList<>(reply.size() / 2);
        for (int i = 0; i < reply.size() / 2; i++) {
            boolean granted = ((Long) reply.get(2 * i)) == 1L;
            long deficit = (Long) reply.get(2 * i + 1);
            decisions.add(BucketMath.decision(limits[i], now, granted, deficit));
        }
        return decisions;
    }

    /**
     * One key per limit (name, capacity and period: a changed setting is a new bucket, as the contract requires)
     * and caller key. The caller key is hashed because it is often a phone number or an address, which should not
     * show in {@code MONITOR} or a key listing; the limit's name stays readable for operators.
     */
    String redisKey(String key, Limit limit) {
        Objects.requireNonNull(key, "key cannot be null");
        Objects.requireNonNull(limit, "limit cannot be null");
        return keyPrefix + limit.name() + ":" + limit.capacity() + ":"
                + limit.period().toMillis() + ":" + sha256Hex(key);
    }

    static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private static <T> T call(java.util.function.Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw new RedisStoreException("redis error", e);
        }
    }
}
