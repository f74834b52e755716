package org.phonepass.store.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.abuse.WindowSlices;

/**
 * Event counts over a rolling window in Redis, shared by every node: the sends and verifications the pumping
 * breaker compares add up over the whole cluster.
 *
 * <p>Per key, one hash from time-slice number to count, with the same slicing as the embedded counter
 * ({@link WindowSlices}: the window is cut in {@code slices} slices; a count covers the current slice and the
 * {@code slices} before it). Each operation is one Lua script (sliding-window.lua), so concurrent increments are
 * never lost; {@link #incrementAll} increments several keys in one script call. The key expires a window and two
 * slices after its last increment, so idle keys vanish by themselves; slices that left the window are deleted on the
 * next increment. Time slices come from the node's clock, for the reasons given in {@link RedisRateLimiter}.
 */
public final class RedisSlidingWindowCounter implements SlidingWindowCounter {
    private static final LuaScript WINDOW = LuaScript.load("sliding-window.lua");

    private final RedisCommands<String, String> redis;
    private final String keyPrefix;
    private final WindowSlices slicing;
    private final String ttlMillis;

    RedisSlidingWindowCounter(
            RedisCommands<String, String> redis, String keyPrefix, Clock clock, Duration window, int slices) {
        this.redis = Objects.requireNonNull(redis, "redis cannot be null");
        this.slicing = new WindowSlices(clock, window, slices);
        this.ttlMillis = Long.toString(window.toMillis() + 2 * slicing.sliceMillis());
        // The window is part of the key: two counters with different windows slice time differently.
        this.keyPrefix =
                Objects.requireNonNull(keyPrefix, "keyPrefix cannot be null") + "sw:" + window.toMillis() + ":";
    }

    @Override
    public Duration window() {
        return slicing.window();
    }

    @Override
    public void increment(String key) {
        run("incr", Collections.singletonList(key));
    }

    /** One script call for all the keys: one round trip. */
    @Override
    public void incrementAll(List<String> keys) {
        if (!keys.isEmpty()) {
            run("incr", keys);
        }
    }

    @Override
    public long count(String key) {
        return run("count", Collections.singletonList(key));
    }

    /** Whether this counter talks to Redis over {@code commands}: then a limiter on it may share its script call. */
    boolean uses(RedisCommands<String, String> commands) {
        return redis == commands;
    }

    /**
     * Deletes {@code redisKeys} (full Redis key names, the rate limiter's buckets) and increments {@code keys}, in
     * one script call: the writes after an accepted code in one round trip.
     */
    void deleteThenIncrement(List<String> redisKeys, List<String> keys) {
        if (redisKeys.isEmpty() && keys.isEmpty()) {
            return;
        }
        run("incr", redisKeys, keys);
    }

    /**
     * {@link #deleteThenIncrement} without waiting for Redis's answer: the script call is on the connection when this
     * returns (see {@link LuaScript#runAsync}); the stage completes with the count, or fails with Redis's error.
     */
    CompletionStage<Long> deleteThenIncrementAsync(List<String> redisKeys, List<String> keys) {
        String[] k = keys(redisKeys, keys);
        return WINDOW.runAsync(redis, ScriptOutputType.INTEGER, k, args("incr", redisKeys));
    }

    private long run(String op, List<String> keys) {
        return run(op, List.of(), keys);
    }

    private long run(String op, List<String> deletes, List<String> keys) {
        try {
            Long n = WINDOW.run(redis, ScriptOutputType.INTEGER, keys(deletes, keys), args(op, deletes));
            return n;
        } catch (RedisException e) {
            throw new RedisStoreException("redis error", e);
        }
    }

    private String[] args(String op, List<String> deletes) {
        return new String[] {
            op,
            Long.toString(slicing.current()),
            Integer.toString(slicing.slices()),
            ttlMillis,
            Integer.toString(deletes.size())
        };
    }

    private String[] keys(List<String> deletes, List<String> keys) {
        String[] k = new String[deletes.size() + keys.size()];
        for (int i = 0; i < deletes.size(); i++) {
            k[i] = Objects.requireNonNull(deletes.get(i), "key cannot be null");
        }
        for (int i = 0; i < keys.size(); i++) {
            k[deletes.size() + i] =
                    keyPrefix + RedisRateLimiter.sha256Hex(Objects.requireNonNull(keys.get(i), "key cannot be null"));
        }
        return k;
    }
}
