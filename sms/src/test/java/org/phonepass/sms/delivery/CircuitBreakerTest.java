package org.phonepass.sms.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.phonepass.testkit.MutableClock;

class CircuitBreakerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    private final CircuitBreaker breaker = new CircuitBreaker(2, Duration.ofSeconds(10), clock);

    @Test
    void aSuccessBetweenFailuresResetsTheCount() {
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void halfOpenLetsOneProbeThroughAtATime() {
        breaker.onFailure();
        breaker.onFailure();
        assertThat(breaker.tryAcquire()).isFalse();

        clock.advance(Duration.ofSeconds(10));

        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isFalse();
        breaker.onSuccess();
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aProbeThatNeverAnswersDoesNotWedgeTheBreaker() {
        breaker.onFailure();
        breaker.onFailure();
        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.tryAcquire()).isTrue();

        clock.advance(Duration.ofSeconds(10));

        assertThat(breaker.tryAcquire()).isTrue();
    }
}
