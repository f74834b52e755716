package org.phonepass.sms.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.phonepass.core.error.AsyncFailures;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsDeliveryException.Kind;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery policy in front of the real providers: route by calling code, skip providers whose circuit is
 * open, retry transient failures with backoff on the same provider, then fail over to the next provider of the
 * route, all within one deadline.
 *
 * <ul>
 *   <li>A definite rejection of the number ends delivery at once: another provider would refuse it too, and the
 *       person should hear about a typo now, not after every provider was tried.</li>
 *   <li>A configuration failure is not retried on the same provider (nothing changes until an operator acts)
 *       but fails over.</li>
 *   <li>Waits between retries are scheduled on a {@link ScheduledExecutorService}; no thread sleeps.</li>
 * </ul>
 *
 * <p>The deadline is checked before every retry and failover; an attempt already under way ends within its
 * provider's own timeout. A timed-out attempt may still have been delivered, so a retry can occasionally send a
 * second SMS with the same code; that beats sending none.
 */
public final class ResilientSmsProvider implements SmsProvider {
    public static final String ID = "delivery";
    private static final Logger log = LoggerFactory.getLogger(ResilientSmsProvider.class);

    private final Routing routing;
    private final RetryPolicy retry;
    private final Map<String, CircuitBreaker> breakers;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final SmsMetrics metrics;
    private final DoubleSupplier random;

    /**
     * @param breakerFactory makes one breaker per provider id
     * @param random         uniform values in [0, 1) for the jitter
     */
    public ResilientSmsProvider(
            Routing routing,
            RetryPolicy retry,
            java.util.function.Function<String, CircuitBreaker> breakerFactory,
            ScheduledExecutorService scheduler,
            Clock clock,
            SmsMetrics metrics,
            DoubleSupplier random) {
        this.routing = Objects.requireNonNull(routing, "routing cannot be null");
        this.retry = Objects.requireNonNull(retry, "retry cannot be null");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.metrics = Objects.requireNonNull(metrics, "metrics cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
        Map<String, CircuitBreaker> byId = new LinkedHashMap<>();
        for (SmsProvider p : allProviders(routing)) {
            byId.computeIfAbsent(p.id(), id -> {
                CircuitBreaker breaker = breakerFactory.apply(id);
                metrics.breakerGauge(id, breaker);
                return breaker;
            });
        }
        this.breakers = Map.copyOf(byId);
    }

    private static List<SmsProvider> allProviders(Routing routing) {
        List<SmsProvider> all = new java.util.ArrayList<>(routing.defaultRoute());
        routing.byCallingCode().values().forEach(all::addAll);
        return all;
    }

    @Override
    public String id() {
        return ID;
    }

    /** The breaker of a provider, for health pages and tests. */
    public CircuitBreaker.State breakerState(String providerId) {
        CircuitBreaker breaker = breakers.get(providerId);
        if (breaker == null) {
            throw new IllegalArgumentException("no provider " + providerId);
        }
        return breaker.state();
    }

    @Override
    public CompletionStage<SmsReceipt> send(SmsMessage message) {
        Objects.requireNonNull(message, "message cannot be null");
        Delivery delivery = new Delivery(
                message,
                routing.routeFor(message.to()),
                clock.instant().plus(retry.deadline()),
                SmsMetrics.region(message.to()));
        delivery.attempt(0, 1);
        return delivery.result;
    }

    /** One message's way through its route. */
    private final class Delivery {
        final SmsMessage message;
        final List<SmsProvider> route;
        final Instant deadline;
        final String region;
        final CompletableFuture<SmsReceipt> result = new CompletableFuture<>();
        volatile SmsDeliveryException lastFailure;

        Delivery(SmsMessage message, List<SmsProvider> route, Instant deadline, String region) {
            this.message = message;
            this.route = route;
            this.deadline = deadline;
            this.region = region;
        }

        void attempt(int index, int attemptNo) {
            if (index >= route.size()) {
                giveUp();
                return;
            }
            SmsProvider provider = route.get(index);
            CircuitBreaker breaker = breakers.get(provider.id());
            if (!breaker.tryAcquire()) {
                metrics.skipped(provider.id(), region);
                if (lastFailure == null) {
                    lastFailure = new SmsDeliveryException(
                            provider.id(),
                            Kind.TRANSIENT,
                            null,
                            provider.id() + " is paused by its circuit breaker",
                            null);
                }
                next(index, provider);
                return;
            }
            long started = System.nanoTime();
            CompletionStage<SmsReceipt> stage;
            try {
                stage = provider.send(message);
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((receipt, error) -> {
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                if (error == null) {
                    breaker.onSuccess();
                    metrics.sent(provider.id(), region, took);
                    result.complete(receipt);
                    return;
                }
                SmsDeliveryException failure = asDeliveryFailure(provider, error);
                lastFailure = failure;
                metrics.failed(provider.id(), region, failure.kind(), took);
                switch (failure.kind()) {
                    case REJECTED_NUMBER -> {
                        // The provider works; the number does not.
                        breaker.onSuccess();
                        result.completeExceptionally(failure);
                    }
                    case CONFIGURATION -> {
                        breaker.onFailure();
                        log.error("SMS provider {} is misconfigured: {}", provider.id(), failure.getMessage());
                        next(index, provider);
                    }
                    case TRANSIENT -> {
                        breaker.onFailure();
                        retryOrNext(index, attemptNo, provider, breaker);
                    }
                }
            });
        }

        private void retryOrNext(int index, int attemptNo, SmsProvider provider, CircuitBreaker breaker) {
            if (attemptNo < retry.maxAttempts() && breaker.state() == CircuitBreaker.State.CLOSED) {
                Duration wait = retry.backoff(attemptNo, random);
                if (clock.instant().plus(wait).isBefore(deadline)) {
                    metrics.retried(provider.id(), region);
                    log.debug(
                            "retrying {} to {} in {} ms",
                            provider.id(),
                            message.to().masked(),
                            wait.toMillis());
                    try {
                        scheduler.schedule(() -> attempt(index, attemptNo + 1), wait.toNanos(), TimeUnit.NANOSECONDS);
                    } catch (RejectedExecutionException e) {
                        result.completeExceptionally(lastFailure);
                    }
                    return;
                }
            }
            next(index, provider);
        }

        private void next(int index, SmsProvider from) {
            if (index + 1 >= route.size()) {
                giveUp();
                return;
            }
            if (!clock.instant().isBefore(deadline)) {
                log.warn(
                        "SMS to {} gave up: delivery deadline of {} passed",
                        message.to().masked(),
                        retry.deadline());
                giveUp();
                return;
            }
            metrics.failedOver(from.id(), region);
            log.info(
                    "SMS to {} fails over from {} to {}",
                    message.to().masked(),
                    from.id(),
                    route.get(index + 1).id());
            attempt(index + 1, 1);
        }

        private void giveUp() {
            result.completeExceptionally(
                    lastFailure != null
                            ? lastFailure
                            : new SmsDeliveryException(
                                    ID, Kind.TRANSIENT, null, "no SMS provider could be tried", null));
        }
    }

    private static SmsDeliveryException asDeliveryFailure(SmsProvider provider, Throwable error) {
        Throwable t = AsyncFailures.unwrap(error);
        if (t instanceof SmsDeliveryException sde) {
            return sde;
        }
        // A provider broke its contract; count it as transient so that another provider gets the message.
        return new SmsDeliveryException(
                provider.id(),
                Kind.TRANSIENT,
                null,
                provider.id() + " failed unexpectedly (" + t.getClass().getSimpleName() + ")",
                t);
    }
}
