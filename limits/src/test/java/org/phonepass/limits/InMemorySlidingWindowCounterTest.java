package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.testkit.MutableClock;

class InMemorySlidingWindowCounterTest extends SlidingWindowCounterContract {

    @Override
    protected SlidingWindowCounter newCounter(MutableClock clock) {
        return new InMemorySlidingWindowCounter(clock, WINDOW, 12, 10_000);
    }

    @Override
    protected Duration slice() {
        return Duration.ofMinutes(5);
    }

    @Test
    void evictIdleDropsKeysWithoutEventsInTheWindow() {
        InMemorySlidingWindowCounter embedded = (InMemorySlidingWindowCounter) counter;
        embedded.increment("old");
        clock.advance(Duration.ofHours(2));
        embedded.increment("new");
        assertThat(embedded.evictIdle()).isEqualTo(1);
        assertThat(embedded.size()).isEqualTo(1);
        assertThat(embedded.count("new")).isEqualTo(1);
    }

    @Test
    void keyTableStaysBounded() {
        InMemorySlidingWindowCounter small = new InMemorySlidingWindowCounter(clock, WINDOW, 12, 1_000);
        for (int i = 0; i < 10_000; i++) {
            small.increment("ip-" + i);
        }
        assertThat(small.size()).isLessThanOrEqualTo(1_001);
    }
}
