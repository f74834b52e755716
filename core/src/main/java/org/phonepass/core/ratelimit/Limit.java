package org.phonepass.core.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One rate limit: a token bucket holding at most {@code capacity} tokens that refills smoothly at
 * {@code capacity} tokens per {@code period} (one token every {@code period / capacity}).
 *
 * <p>Smooth refill rather than fixed windows because a fixed window lets a client spend twice the capacity across a
 * window boundary, and because a bucket that refills smoothly is exactly reproducible by the shared backends (the
 * same arithmetic runs as one SQL statement or one Redis script). A limit with {@code capacity = 1} is a cooldown or
 * a lock: after one acquisition the key is refused for exactly {@code period}.
 *
 * <p>Two limits with the same name but another capacity or period are different buckets, so a changed setting takes
 * effect at once instead of inheriting old counts.
 *
 * @param name     stable identifier, lower case ({@code start_per_ip}); also the namespace of the bucket
 * @param capacity tokens the bucket holds when full, at least 1
 * @param period   time to refill an empty bucket completely, at least one millisecond
 */
public record Limit(String name, long capacity, Duration period) {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9_.-]{1,64}$");

    public Limit {
        Objects.requireNonNull(name, "name cannot be null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("limit name must match " + NAME.pattern() + ": " + name);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("limit " + name + ": capacity must be at least 1");
        }
        Objects.requireNonNull(period, "period cannot be null");
        if (period.toMillis() < 1) {
            throw new IllegalArgumentException("limit " + name + ": period must be at least 1ms");
        }
    }

    /** Time for one token to come back. */
    public Duration refillPerToken() {
        return period.dividedBy(capacity);
    }
}
