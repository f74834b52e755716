package org.phonepass.sms.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.sms.support.Fixtures.FR;
import static org.phonepass.sms.support.Fixtures.IN;
import static org.phonepass.sms.support.Fixtures.US;
import static org.phonepass.sms.support.Fixtures.await;
import static org.phonepass.sms.support.Fixtures.failure;
import static org.phonepass.sms.support.Fixtures.message;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsDeliveryException.Kind;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;
import org.phonepass.sms.support.ScriptedProvider;
import org.phonepass.testkit.MutableClock;

class ResilientSmsProviderTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final RetryPolicy retry =
            new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20), 2.0, 0.5, Duration.ofSeconds(15));

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private ResilientSmsProvider policy(Routing routing, RetryPolicy policy, int breakerThreshold) {
        return new ResilientSmsProvider(
                routing,
                policy,
                id -> new CircuitBreaker(breakerThreshold, Duration.ofSeconds(30), clock),
                scheduler,
                clock,
                new SmsMetrics(registry),
                () -> 0.5);
    }

    private double count(String name, String provider) {
        return registry.find(name).tag("provider", provider).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void transientFailureIsRetriedOnTheSameProviderThenSucceeds() {
        ScriptedProvider twilio = new ScriptedProvider("twilio", null).then(Kind.TRANSIENT, Kind.TRANSIENT);

        SmsReceipt receipt = await(policy(Routing.of(twilio), retry, 5).send(message(US)));

        assertThat(receipt.providerId()).isEqualTo("twilio");
        assertThat(twilio.received()).hasSize(3);
        assertThat(count(SmsMetrics.RETRIED, "twilio")).isEqualTo(2);
        assertThat(count(SmsMetrics.SENT, "twilio")).isEqualTo(1);
        assertThat(registry.find(SmsMetrics.FAILED)
                        .tags("provider", "twilio", "region", "US", "kind", "transient")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.find(SmsMetrics.LATENCY)
                        .tags("provider", "twilio", "outcome", "success")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void everyAttemptIsToldToTheListenerWithItsProviderAndOutcome() {
        java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        ScriptedProvider twilio = new ScriptedProvider("twilio", Kind.TRANSIENT);
        ScriptedProvider vonage = new ScriptedProvider("vonage", null);
        ResilientSmsProvider provider = new ResilientSmsProvider(
                Routing.of(twilio, vonage),
                retry,
                id -> new CircuitBreaker(10, Duration.ofSeconds(30), clock),
                scheduler,
                clock,
                new SmsMetrics(registry, (id, outcome, latency) -> told.add(id + " " + outcome)),
                () -> 0.5);

        await(provider.send(message(US)));

        // Three tries at Twilio, then Vonage: the dashboard's tally counts each attempt where it was made.
        assertThat(told).containsExactly("twilio transient", "twilio transient", "twilio transient", "vonage sent");
    }

    @Test
    void whenThePrimaryStaysDownTheNextProviderDelivers() {
        ScriptedProvider twilio = new ScriptedProvider("twilio", Kind.TRANSIENT);
        ScriptedProvider vonage = new ScriptedProvider("vonage", null);

        SmsReceipt receipt = await(policy(Routing.of(twilio, vonage), retry, 10).send(message(US)));

        assertThat(receipt.providerId()).isEqualTo("vonage");
        assertThat(twilio.received()).hasSize(3);
        assertThat(vonage.received()).hasSize(1);
        assertThat(count(SmsMetrics.FAILED_OVER, "twilio")).isEqualTo(1);
    }

    @Test
    void aConfigurationFailureFailsOverWithoutRetrying() {
        ScriptedProvider twilio = new ScriptedProvider("twilio", Kind.CONFIGURATION);
        ScriptedProvider vonage = new ScriptedProvider("vonage", null);

        SmsReceipt receipt = await(policy(Routing.of(twilio, vonage), retry, 10).send(message(US)));

        assertThat(receipt.providerId()).isEqualTo("vonage");
        assertThat(twilio.received()).hasSize(1);
        assertThat(count(SmsMetrics.RETRIED, "twilio")).isZero();
    }

    @Test
    void aRejectedNumberEndsDeliveryAtOnceWithTheProvidersCode() {
        ScriptedProvider twilio = new ScriptedProvider("twilio", Kind.REJECTED_NUMBER);
        ScriptedProvider vonage = new ScriptedProvider("vonage", null);

        SmsDeliveryException e =
                failure(policy(Routing.of(twilio, vonage), retry, 10).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED_NUMBER);
        assertThat(e.providerCode()).isEqualTo("21211");
        assertThat(twilio.received()).hasSize(1);
        assertThat(vonage.received()).isEmpty();
    }

    @Test
    void whenEveryProviderFailsTheLastFailureIsReported() {
        ScriptedProvider twilio = new ScriptedProvider("twilio", Kind.CONFIGURATION);
        ScriptedProvider vonage = new ScriptedProvider("vonage", Kind.TRANSIENT);

        SmsDeliveryException e =
                failure(policy(Routing.of(twilio, vonage), retry, 10).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.providerId()).isEqualTo("vonage");
        assertThat(vonage.received()).hasSize(3);
    }

    @Test
    void destinationsAreRoutedByCountryCallingCode() {
        ScriptedProvider twilio = new ScriptedProvider("twilio", null);
        ScriptedProvider gateway = new ScriptedProvider("http_gateway", null);
        Routing routing = new Routing(List.of(twilio), Map.of(91, List.of(gateway, twilio)));
        ResilientSmsProvider policy = policy(routing, retry, 10);

        assertThat(await(policy.send(message(IN))).providerId()).isEqualTo("http_gateway");
        assertThat(await(policy.send(message(US))).providerId()).isEqualTo("twilio");
        assertThat(await(policy.send(message(FR))).providerId()).isEqualTo("twilio");
        assertThat(gateway.received()).extracting(m -> m.to().e164()).containsExactly("+919876543210");
        assertThat(registry.find(SmsMetrics.SENT)
                        .tags("provider", "http_gateway", "region", "IN")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void theBreakerOpensAfterRepeatedFailuresSkipsTheProviderAndClosesAfterASuccessfulProbe() {
        ScriptedProvider twilio = new ScriptedProvider("twilio", Kind.TRANSIENT);
        ScriptedProvider vonage = new ScriptedProvider("vonage", null);
        RetryPolicy noRetry = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0, Duration.ofSeconds(15));
        ResilientSmsProvider policy = policy(Routing.of(twilio, vonage), noRetry, 3);

        for (int i = 0; i < 3; i++) {
            assertThat(await(policy.send(message(US))).providerId()).isEqualTo("vonage");
        }
        assertThat(policy.breakerState("twilio")).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(registry.find(SmsMetrics.BREAKER_STATE)
                        .tag("provider", "twilio")
                        .gauge()
                        .value())
                .isEqualTo(1.0);

        // Open: twilio is not even asked.
        assertThat(await(policy.send(message(US))).providerId()).isEqualTo("vonage");
        assertThat(twilio.received()).hasSize(3);
        assertThat(count(SmsMetrics.SKIPPED, "twilio")).isEqualTo(1);

        // After the open period one probe goes through; twilio has recovered, so the circuit closes.
        twilio.otherwise(null);
        clock.advance(Duration.ofSeconds(31));
        assertThat(policy.breakerState("twilio")).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(await(policy.send(message(US))).providerId()).isEqualTo("twilio");
        assertThat(policy.breakerState("twilio")).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(registry.find(SmsMetrics.BREAKER_STATE)
                        .tag("provider", "twilio")
                        .gauge()
                        .value())
                .isZero();
    }

    @Test
    void aFailedProbeReopensTheBreaker() {
        ScriptedProvider twilio = new ScriptedProvider("twilio", Kind.TRANSIENT);
        ScriptedProvider vonage = new ScriptedProvider("vonage", null);
        RetryPolicy noRetry = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0, Duration.ofSeconds(15));
        ResilientSmsProvider policy = policy(Routing.of(twilio, vonage), noRetry, 1);

        await(policy.send(message(US)));
        clock.advance(Duration.ofSeconds(31));
        await(policy.send(message(US)));

        assertThat(twilio.received()).hasSize(2);
        assertThat(policy.breakerState("twilio")).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void whenEveryCircuitIsOpenDeliveryFailsAsTransientWithoutCallingAnyone() {
        ScriptedProvider twilio = new ScriptedProvider("twilio", Kind.TRANSIENT);
        RetryPolicy noRetry = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0, Duration.ofSeconds(15));
        ResilientSmsProvider policy = policy(Routing.of(twilio), noRetry, 1);
        failure(policy.send(message(US)));

        SmsDeliveryException e = failure(policy.send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(twilio.received()).hasSize(1);
    }

    @Test
    void noRetryStartsWhenItsWaitWouldPassTheDeadline() {
        ScriptedProvider twilio = new ScriptedProvider("twilio", Kind.TRANSIENT);
        RetryPolicy tight =
                new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofSeconds(4), 2.0, 0, Duration.ofSeconds(1));

        SmsDeliveryException e = failure(policy(Routing.of(twilio), tight, 10).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(twilio.received()).hasSize(1);
    }

    @Test
    void aProviderThatThrowsInsteadOfFailingTheStageIsTreatedAsTransient() {
        SmsProvider broken = new SmsProvider() {
            @Override
            public String id() {
                return "broken";
            }

            @Override
            public java.util.concurrent.CompletionStage<SmsReceipt> send(org.phonepass.core.sms.SmsMessage m) {
                throw new IllegalStateException("bug");
            }
        };
        ScriptedProvider vonage = new ScriptedProvider("vonage", null);

        assertThat(await(policy(Routing.of(broken, vonage), retry, 10).send(message(US)))
                        .providerId())
                .isEqualTo("vonage");
    }

    @Test
    void metricsAreTaggedByProviderAndRegionOnly() {
        ScriptedProvider twilio = new ScriptedProvider("twilio", null).then(Kind.TRANSIENT);
        await(policy(Routing.of(twilio), retry, 10).send(message(US)));

        for (Meter meter : registry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                assertThat(tag.getKey()).isIn("provider", "region", "kind", "outcome");
                assertThat(tag.getValue()).doesNotContain("2015550123").doesNotContain("0123");
            }
        }
    }

    @Test
    void backoffGrowsIsCappedAndJittered() {
        RetryPolicy p =
                new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(300), 2.0, 0.5, Duration.ofSeconds(10));

        assertThat(p.backoff(1, () -> 0.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoff(2, () -> 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.backoff(3, () -> 0.0)).isEqualTo(Duration.ofMillis(300));
        assertThat(p.backoff(2, () -> 1.0)).isEqualTo(Duration.ofMillis(100));
    }
}
