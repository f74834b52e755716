package org.phonepass.sms.delivery;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter inside a deadline.
 *
 * @param maxAttempts    attempts per provider, the first included (1 disables retries)
 * @param initialBackoff wait before the first retry
 * @param maxBackoff     the longest wait
 * @param multiplier     growth of the wait per retry
 * @param jitter         share of each wait drawn at random, 0 to 1: with 0.5 a 400 ms wait becomes 200 to 400 ms,
 *                       so that clients failing together do not retry together
 * @param deadline       the whole delivery, every provider included, starts no new attempt after this
 */
public record RetryPolicy(
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        double multiplier,
        double jitter,
        Duration deadline) {
    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff cannot be null");
        Objects.requireNonNull(maxBackoff, "maxBackoff cannot be null");
        Objects.requireNonNull(deadline, "deadline cannot be null");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be between 0 and 1");
        }
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration backoff(int retry, DoubleSupplier random) {
        double base = initialBackoff.toNanos() * Math.pow(multiplier, retry - 1);
        double capped = Math.min(base, maxBackoff.toNanos());
        double jittered = capped * (1.0 - jitter * random.getAsDouble());
        return Duration.ofNanos((long) Math.max(0, jittered));
    }
}
