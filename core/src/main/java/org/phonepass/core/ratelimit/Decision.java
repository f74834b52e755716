package org.phonepass.core.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link RateLimiter} answered for one key and one {@link Limit}.
 *
 * @param allowed    whether the request may proceed (for {@code tryAcquire}: a token was taken)
 * @param limit      the limit that was asked
 * @param remaining  tokens left after this call, 0..capacity
 * @param resetAt    when the bucket will be full again if nothing else is taken; this is {@code x-ratelimit-reset}
 * @param retryAfter zero when allowed; otherwise how long until one token is back, which is {@code Retry-After}
 */
public record Decision(boolean allowed, Limit limit, long remaining, Instant resetAt, Duration retryAfter) {
    public Decision {
        Objects.requireNonNull(limit, "limit cannot be null");
        Objects.requireNonNull(resetAt, "resetAt cannot be null");
        Objects.requireNonNull(retryAfter, "retryAfter cannot be null");
        if (remaining < 0 || remaining > limit.capacity()) {
            throw new IllegalArgumentException("remaining must be within 0.." + limit.capacity());
        }
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter cannot be negative");
        }
        if (allowed && !retryAfter.isZero()) {
            throw new IllegalArgumentException("an allowed decision has no retryAfter");
        }
    }

    /** A full bucket, as seen for a key that was never used or whose bucket was evicted once full. */
    public static Decision full(Limit limit, Instant now) {
        return new Decision(true, limit, limit.capacity(), now, Duration.ZERO);
    }

    /**
     * Whole seconds for {@code Retry-After}: rounded up, and at least 1 for a refusal, because a client told to
     * retry after 0 seconds retries at once and is refused again.
     */
    public long retryAfterSeconds() {
        if (allowed) {
            return 0;
        }
        long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    /** {@code x-ratelimit-reset}: epoch seconds, rounded up so that a client waiting until then finds it full. */
    public long resetEpochSeconds() {
        return resetAt.getEpochSecond() + (resetAt.getNano() > 0 ? 1 : 0);
    }
}
