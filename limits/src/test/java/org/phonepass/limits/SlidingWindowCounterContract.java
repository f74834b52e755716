package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.testkit.MutableClock;

/** The {@link SlidingWindowCounter} contract, for the embedded and the shared implementations. */
public abstract class SlidingWindowCounterContract {
    protected static final Duration WINDOW = Duration.ofHours(1);
    protected MutableClock clock;
    protected SlidingWindowCounter counter;

    /** A fresh counter over {@link #WINDOW} with time slices of at most 5 minutes, reading time from clock. */
    protected abstract SlidingWindowCounter newCounter(MutableClock clock);

    /** The implementation's slice length: how much longer than the window an event may be counted. */
    protected abstract Duration slice();

    @BeforeEach
    void setUpCounter() {
        clock = MutableClock.atEpochSecond(1_700_000_000L);
        counter = newCounter(clock);
    }

    @Test
    void countWhenNothingRecordedThenZero() {
        assertThat(counter.count("nobody")).isZero();
        assertThat(counter.window()).isEqualTo(WINDOW);
    }

    @Test
    void countsEveryEventWithinTheWindowAndNeverForgetsEarly() {
        for (int i = 0; i < 60; i++) {
            counter.increment("k");
            clock.advance(Duration.ofMinutes(1));
        }
        // The first event is exactly one window old now: still counted.
        assertThat(counter.count("k")).isEqualTo(60);
        assertThat(counter.count("other")).isZero();
    }

    @Test
    void forgetsEventsOlderThanTheWindowPlusOneSlice() {
        counter.increment("k");
        counter.increment("k");
        clock.advance(WINDOW.plus(slice()).plusSeconds(1));
        counter.increment("k");
        assertThat(counter.count("k")).isEqualTo(1);
        clock.advance(WINDOW.plus(slice()).plusSeconds(1));
        assertThat(counter.count("k")).isZero();
    }

    @Test
    void incrementAllWhenSeveralKeysThenEachCountsOnceAndARepeatedKeyTwice() {
        counter.incrementAll(List.of("country:44", "ip:203.0.113.7"));
        counter.incrementAll(List.of("country:44", "country:44"));
        counter.incrementAll(List.of());
        assertThat(counter.count("country:44")).isEqualTo(3);
        assertThat(counter.count("ip:203.0.113.7")).isEqualTo(1);
        assertThat(counter.count("ip:198.51.100.1")).isZero();
    }

    @Test
    void concurrentIncrementsAreAllCounted() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int t = 0; t < 8; t++) {
                pool.submit(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        counter.increment("hot");
                    }
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(counter.count("hot")).isEqualTo(8_000);
    }
}
