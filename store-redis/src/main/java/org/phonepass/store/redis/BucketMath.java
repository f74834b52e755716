package org.phonepass.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.phonepass.core.ratelimit.Decision;
import org.phonepass.core.ratelimit.Limit;

/**
 * Turns the deficit a token-bucket script returns into a {@link Decision}. The bucket is "full at" an instant; its
 * deficit is how far that instant lies ahead, and each token is worth {@code T = period / capacity} of deficit
 * (see token-bucket.lua).
 */
final class BucketMath {
    private BucketMath() {}

    /** Microseconds of deficit per token, at least 1 so that a very fine limit still counts. */
    static long microsPerToken(Limit limit) {
        return Math.max(1, toMicros(limit.period()) / limit.capacity());
    }

    static long toMicros(Duration d) {
        return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1_000);
    }

    static long epochMicros(Instant now) {
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    }

    /**
     * @param granted whether the operation was allowed (for a peek: whether a token is available)
     * @param deficit microseconds until the bucket is full, after the operation
     */
    static Decision decision(Limit limit, Instant now, boolean granted, long deficit) {
        long t = microsPerToken(limit);
        long capacityMicros = limit.capacity() * t;
        long remaining = Math.max(0, Math.min(limit.capacity(), (capacityMicros - deficit) / t));
        Instant truncated = now.truncatedTo(ChronoUnit.MICROS);
        Instant resetAt = truncated.plus(deficit, ChronoUnit.MICROS);
        if (granted) {
            return new Decision(true, limit, remaining, resetAt, Duration.ZERO);
        }
        // A token is back once the deficit has fallen to (capacity - 1) tokens' worth.
        long wait = Math.max(1, deficit - (limit.capacity() - 1) * t);
        return new Decision(false, limit, remaining, resetAt, Duration.of(wait, ChronoUnit.MICROS));
    }
}
