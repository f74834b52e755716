package org.phonepass.core.abuse;

import java.time.Duration;
import java.util.List;

/**
 * Event counts per key over a rolling window: the sends and verifications the pumping breaker compares. Like
 * {@code RateLimiter}, a shared backend makes the counts hold across nodes.
 *
 * <p>Contract: {@link #count} returns the number of {@link #increment}s of the key within the last
 * {@link #window()}, to the resolution of the implementation's time slices (an event may be counted up to one
 * slice longer than the window, never shorter). Safe for concurrent use. Keys with no event in the window may be
 * forgotten.
 */
public interface SlidingWindowCounter {

    Duration window();

    void increment(String key);

    /**
     * Increments each of {@code keys} once (a key listed twice counts twice). Shared backends do it in one round
     * trip: the pumping breaker counts every send and every verification under two keys.
     */
    default void incrementAll(List<String> keys) {
        keys.forEach(this::increment);
    }

    long count(String key);
}
