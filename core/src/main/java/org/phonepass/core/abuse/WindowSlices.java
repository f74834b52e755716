package org.phonepass.core.abuse;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The time slicing every {@link SlidingWindowCounter} shares, so that the embedded, SQL and Redis counters count the
 * same events: the window is cut into {@code slices} slices of {@code window / slices} milliseconds, numbered from
 * the epoch on the node's clock, and a count covers the current slice and the {@code slices} before it (between one
 * window and one window plus a slice: an event is never forgotten early).
 */
public final class WindowSlices {
    private final Clock clock;
    private final Duration window;
    private final int slices;
    private final long sliceMillis;

    /** @throws IllegalArgumentException when a slice would be shorter than one millisecond */
    public WindowSlices(Clock clock, Duration window, int slices) {
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.window = Objects.requireNonNull(window, "window cannot be null");
        if (slices < 1 || window.toMillis() < slices) {
            throw new IllegalArgumentException("window must be at least one millisecond per slice");
        }
        this.slices = slices;
        this.sliceMillis = window.toMillis() / slices;
    }

    public Duration window() {
        return window;
    }

    /** How many slices make the window; a count spans this many plus the current one. */
    public int slices() {
        return slices;
    }

    public long sliceMillis() {
        return sliceMillis;
    }

    public Clock clock() {
        return clock;
    }

    /** The number of the slice the clock is in now. */
    public long current() {
        return Math.floorDiv(clock.millis(), sliceMillis);
    }

    /** The oldest slice a count made during {@code slice} includes. */
    public long oldestCounted(long slice) {
        return slice - slices;
    }
}
