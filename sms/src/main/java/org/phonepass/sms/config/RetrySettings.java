package org.phonepass.sms.config;

import java.time.Duration;
import org.phonepass.sms.delivery.RetryPolicy;

/**
 * {@code sms.retry}: retries of transient failures ({@link RetryPolicy} explains each value).
 *
 * @param maxAttempts    attempts per provider, first included; default 3
 * @param initialBackoff default 250ms
 * @param maxBackoff     default 2s
 * @param multiplier     default 2.0
 * @param jitter         default 0.5
 * @param deadline       the whole delivery across providers; default 15s
 */
public record RetrySettings(
        Integer maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Double multiplier,
        Double jitter,
        Duration deadline) {
    public static final RetrySettings DEFAULTS = new RetrySettings(null, null, null, null, null, null);

    public RetrySettings {
        maxAttempts = maxAttempts == null ? 3 : maxAttempts;
        initialBackoff = initialBackoff == null ? Duration.ofMillis(250) : initialBackoff;
        maxBackoff = maxBackoff == null ? Duration.ofSeconds(2) : maxBackoff;
        multiplier = multiplier == null ? 2.0 : multiplier;
        jitter = jitter == null ? 0.5 : jitter;
        deadline = deadline == null ? Duration.ofSeconds(15) : deadline;
    }

    /** The policy, or an IllegalArgumentException naming the key. */
    public RetryPolicy toPolicy(String prefix) {
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException(prefix + ".max_attempts must be 1 to 10");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    prefix + ".max_backoff must be at least " + prefix + ".initial_backoff, and neither negative");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException(prefix + ".multiplier must be at least 1.0");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException(prefix + ".jitter must be between 0 and 1");
        }
        if (deadline.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException(prefix + ".deadline must be positive");
        }
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, deadline);
    }
}
