package org.phonepass.sms.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A per-provider circuit breaker: after {@code failureThreshold} failures in a row the provider is skipped for
 * {@code openDuration}; then one probe message is let through, and its outcome closes or re-opens the circuit.
 *
 * <p>Hand-written rather than taken from a library because the whole rule is these forty lines, it must read the
 * injected {@link Clock} so tests can open and close it without sleeping, and the delivery policy needs "skip to
 * the next provider", not the exceptions and decorators a general-purpose breaker brings.
 */
public final class CircuitBreaker {
    /** Where the breaker stands. */
    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final int failureThreshold;
    private final Duration openDuration;
    private final Clock clock;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant openedAt = Instant.MIN;
    private Instant probeStartedAt = Instant.MIN;

    public CircuitBreaker(int failureThreshold, Duration openDuration, Clock clock) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1");
        }
        this.failureThreshold = failureThreshold;
        this.openDuration = Objects.requireNonNull(openDuration, "openDuration cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
    }

    /** Whether a message may be sent through the provider now; in half-open state only one probe at a time. */
    public synchronized boolean tryAcquire() {
        Instant now = clock.instant();
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (now.isBefore(openedAt.plus(openDuration))) {
                    return false;
                }
                state = State.HALF_OPEN;
                probeStartedAt = now;
                return true;
            default:
                // A probe whose answer never came (it would have timed out long ago) must not wedge the breaker.
                if (now.isBefore(probeStartedAt.plus(openDuration))) {
                    return false;
                }
                probeStartedAt = now;
                return true;
        }
    }

    /** The provider answered: a delivered message, or a definite verdict on the number. */
    public synchronized void onSuccess() {
        state = State.CLOSED;
        consecutiveFailures = 0;
    }

    /** The provider failed (transient or configuration failure). */
    public synchronized void onFailure() {
        consecutiveFailures++;
        if (state == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
            state = State.OPEN;
            openedAt = clock.instant();
        }
    }

    /** The state now, with an elapsed open period reported as half-open. */
    public synchronized State state() {
        if (state == State.OPEN && !clock.instant().isBefore(openedAt.plus(openDuration))) {
            return State.HALF_OPEN;
        }
        return state;
    }
}
