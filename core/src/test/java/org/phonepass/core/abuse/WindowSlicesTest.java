package org.phonepass.core.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The slicing the three sliding-window counters share: slice numbers and the slices a count covers. */
class WindowSlicesTest {
    private static Clock at(long millis) {
        return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    @Test
    void currentWhenClockMovesThenSliceNumberFromTheEpoch() {
        Duration hour = Duration.ofHours(1);
        assertThat(new WindowSlices(at(0), hour, 60).current()).isZero();
        assertThat(new WindowSlices(at(59_999), hour, 60).current()).isZero();
        assertThat(new WindowSlices(at(60_000), hour, 60).current()).isEqualTo(1);
        assertThat(new WindowSlices(at(-1), hour, 60).current()).isEqualTo(-1);
    }

    @Test
    void oldestCountedWhenSliceThenTheSlicesBeforeItToo() {
        WindowSlices slicing = new WindowSlices(at(0), Duration.ofMinutes(10), 10);
        assertThat(slicing.sliceMillis()).isEqualTo(60_000);
        assertThat(slicing.slices()).isEqualTo(10);
        assertThat(slicing.oldestCounted(100)).isEqualTo(90);
        assertThat(slicing.window()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void constructorWhenSliceShorterThanOneMillisecondThenRefused() {
        assertThatThrownBy(() -> new WindowSlices(at(0), Duration.ofMillis(5), 6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must be at least one millisecond per slice");
        assertThatThrownBy(() -> new WindowSlices(at(0), Duration.ofMinutes(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WindowSlices(null, Duration.ofMinutes(1), 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("clock cannot be null");
        assertThat(new WindowSlices(at(0), Duration.ofMillis(6), 6).sliceMillis())
                .isEqualTo(1);
    }
}
