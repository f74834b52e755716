package org.phonepass.sms.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.sms.SmsDeliveryException;

/**
 * The delivery meters, tagged by provider id and the destination's ISO region code only: a phone number, even
 * masked, would make every number its own time series and leak who logs in.
 */
public final class SmsMetrics {
    public static final String SENT = "phonepass.sms.sent";
    public static final String FAILED = "phonepass.sms.failed";
    public static final String RETRIED = "phonepass.sms.retried";
    public static final String FAILED_OVER = "phonepass.sms.failed_over";
    public static final String SKIPPED = "phonepass.sms.circuit_open_skips";
    public static final String LATENCY = "phonepass.sms.latency";
    public static final String BREAKER_STATE = "phonepass.sms.circuit_breaker.state";
    private static final Pattern REGION = Pattern.compile("^[A-Z]{2}$");

    private final MeterRegistry registry;
    private final AttemptListener attempts;

    /**
     * Told of every send attempt besides the meters, which only this server sees: the server keeps a tally of them
     * in the database so that the admin console's dashboard counts every node's attempts
     * (docs/management.md#console).
     */
    @FunctionalInterface
    public interface AttemptListener {
        /** Nobody listens. */
        AttemptListener NONE = (provider, outcome, latency) -> {};

        /**
         * @param provider the provider's id
         * @param outcome  {@code sent}, or the failure's kind in lower case ({@code transient}, {@code
         *                 rejected_number}, {@code configuration})
         * @param latency  how long the provider took to answer
         */
        void attempt(String provider, String outcome, Duration latency);
    }

    public SmsMetrics(MeterRegistry registry) {
        this(registry, AttemptListener.NONE);
    }

    public SmsMetrics(MeterRegistry registry, AttemptListener attempts) {
        this.registry = Objects.requireNonNull(registry, "registry cannot be null");
        this.attempts = Objects.requireNonNull(attempts, "attempts cannot be null");
    }

    private void tell(String provider, String outcome, Duration latency) {
        try {
            attempts.attempt(provider, outcome, latency);
        } catch (RuntimeException e) {
            // A tally is not worth a message: the meters above still have the attempt.
        }
    }

    /** The region tag: ISO 3166 alpha-2, or {@code ZZ} when the number's region is unknown. */
    public static String region(PhoneNumber to) {
        String region = to.regionCode();
        return region != null && REGION.matcher(region).matches() ? region : "ZZ";
    }

    void sent(String provider, String region, Duration latency) {
        Counter.builder(SENT)
                .description("Messages accepted by a provider")
                .tag("provider", provider)
                .tag("region", region)
                .register(registry)
                .increment();
        latency(provider, region, "success", latency);
        tell(provider, "sent", latency);
    }

    void failed(String provider, String region, SmsDeliveryException.Kind kind, Duration latency) {
        String outcome = kind.name().toLowerCase(Locale.ROOT);
        Counter.builder(FAILED)
                .description("Send attempts a provider did not accept")
                .tag("provider", provider)
                .tag("region", region)
                .tag("kind", outcome)
                .register(registry)
                .increment();
        latency(provider, region, outcome, latency);
        tell(provider, outcome, latency);
    }

    void retried(String provider, String region) {
        Counter.builder(RETRIED)
                .description("Send attempts repeated on the same provider after a transient failure")
                .tag("provider", provider)
                .tag("region", region)
                .register(registry)
                .increment();
    }

    void failedOver(String provider, String region) {
        Counter.builder(FAILED_OVER)
                .description("Messages handed from this provider to the next one of the route")
                .tag("provider", provider)
                .tag("region", region)
                .register(registry)
                .increment();
    }

    void skipped(String provider, String region) {
        Counter.builder(SKIPPED)
                .description("Messages that skipped a provider because its circuit was open")
                .tag("provider", provider)
                .tag("region", region)
                .register(registry)
                .increment();
    }

    void breakerGauge(String provider, CircuitBreaker breaker) {
        Gauge.builder(BREAKER_STATE, breaker, b -> switch (b.state()) {
                    case CLOSED -> 0.0;
                    case HALF_OPEN -> 0.5;
                    case OPEN -> 1.0;
                })
                .description("Circuit breaker per provider: 0 closed, 0.5 half-open, 1 open")
                .tag("provider", provider)
                .register(registry);
    }

    private void latency(String provider, String region, String outcome, Duration latency) {
        Timer.builder(LATENCY)
                .description("Time a provider took to answer one send attempt")
                .tag("provider", provider)
                .tag("region", region)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(latency);
    }
}
