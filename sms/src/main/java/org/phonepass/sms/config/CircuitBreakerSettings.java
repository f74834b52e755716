package org.phonepass.sms.config;

import java.time.Duration;

/**
 * {@code sms.circuit_breaker}: when to stop sending through a failing provider.
 *
 * @param failureThreshold transient or configuration failures in a row that open the circuit; default 5
 * @param openDuration     how long an open circuit skips the provider before one probe; default 30s
 */
public record CircuitBreakerSettings(Integer failureThreshold, Duration openDuration) {
    public static final CircuitBreakerSettings DEFAULTS = new CircuitBreakerSettings(null, null);

    public CircuitBreakerSettings {
        failureThreshold = failureThreshold == null ? 5 : failureThreshold;
        openDuration = openDuration == null ? Duration.ofSeconds(30) : openDuration;
    }

    /** Throws an IllegalArgumentException naming the key when a value is out of range. */
    public void validate(String prefix) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException(prefix + ".failure_threshold must be at least 1");
        }
        if (openDuration.isZero() || openDuration.isNegative()) {
            throw new IllegalArgumentException(prefix + ".open_duration must be positive");
        }
    }
}
