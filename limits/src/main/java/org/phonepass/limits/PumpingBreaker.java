package org.phonepass.limits;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.phonepass.core.abuse.AbuseMetrics;
import org.phonepass.core.abuse.AbuseMetrics.Scope;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.limits.LimitsSettings.Pumping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adaptive SMS-pumping breaker. Pumping traffic asks for codes nobody types back: its conversion (codes
 * verified ÷ codes sent) is near zero, while real people convert well above half. Over a rolling window this tracks
 * sends and verifications per country calling code and per IP; a scope with at least the minimum sends whose
 * conversion is below the threshold is <em>tripped</em>, and the policy then throttles its sends to a small budget
 * rather than stopping them, so that real users there still get some codes through and, by verifying them, lift
 * the conversion and clear the breaker.
 *
 * <p>Each trip and each clearing is logged at WARN, written to the audit log and reported to the metrics hook,
 * once per transition per node.
 */
final class PumpingBreaker {
    /** Scopes whose tripped state is remembered for transition events; beyond it, stale ones are re-checked. */
    private static final int MAX_TRACKED = 10_000;

    private static final Logger log = LoggerFactory.getLogger(PumpingBreaker.class);

    private final Pumping settings;
    private final SlidingWindowCounter counter;
    private final AuditLog audit;
    private final AbuseMetrics metrics;
    private final Clock clock;
    private final ConcurrentHashMap<String, Boolean> tripped = new ConcurrentHashMap<>();

    PumpingBreaker(Pumping settings, SlidingWindowCounter counter, AuditLog audit, AbuseMetrics metrics, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        this.counter = Objects.requireNonNull(counter, "counter cannot be null");
        this.audit = Objects.requireNonNull(audit, "audit cannot be null");
        this.metrics = Objects.requireNonNull(metrics, "metrics cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
    }

    boolean enabled() {
        return Boolean.TRUE.equals(settings.enabled());
    }

    void recordSend(String callingCode, String ipKey) {
        if (enabled()) {
            counter.incrementAll(List.of(sentKey(Scope.COUNTRY, callingCode), sentKey(Scope.IP, ipKey)));
        }
    }

    /** The counter keys a verification increments; empty when the breaker is off. */
    List<String> verifiedKeys(String callingCode, String ipKey) {
        if (!enabled()) {
            return List.of();
        }
        return ipKey == null
                ? List.of(verifiedKey(Scope.COUNTRY, callingCode))
                : List.of(verifiedKey(Scope.COUNTRY, callingCode), verifiedKey(Scope.IP, ipKey));
    }

    /** Where the breaker counts: the limiter's {@code resetAndCount} writes the verifications to it. */
    SlidingWindowCounter counter() {
        return counter;
    }

    /** Whether sends for this scope are throttled now; raises the trip and clear events on a change. */
    boolean isTripped(Scope scope, String key) {
        if (!enabled()) {
            return false;
        }
        long sent = counter.count(sentKey(scope, key));
        long minSends = scope == Scope.COUNTRY ? settings.minSendsPerCountry() : settings.minSendsPerIp();
        long verified = sent < minSends ? 0 : counter.count(verifiedKey(scope, key));
        boolean now = sent >= minSends && (double) verified / sent < settings.minConversion();
        String id = scope + ":" + key;
        if (now) {
            if (tripped.size() >= MAX_TRACKED) {
                tripped.keySet().removeIf(k -> !k.equals(id) && !stillTripped(k));
            }
            if (tripped.size() < MAX_TRACKED && tripped.putIfAbsent(id, Boolean.TRUE) == null) {
                log.warn(
                        "pumping breaker tripped: {}={} sent={} verified={} window={}; throttling sends",
                        scope.name().toLowerCase(Locale.ROOT),
                        display(scope, key),
                        sent,
                        verified,
                        settings.window());
                metrics.breakerTripped(scope, key, sent, verified);
                audit.record(event(
                        scope, key, AuditEvent.Outcome.REFUSED, "tripped sent=" + sent + " verified=" + verified));
            }
        } else if (tripped.remove(id) != null) {
            log.warn(
                    "pumping breaker cleared: {}={} sent={} verified={}",
                    scope.name().toLowerCase(Locale.ROOT),
                    display(scope, key),
                    sent,
                    verified);
            metrics.breakerCleared(scope, key);
            audit.record(
                    event(scope, key, AuditEvent.Outcome.SUCCESS, "cleared sent=" + sent + " verified=" + verified));
        }
        return now;
    }

    private boolean stillTripped(String id) {
        int colon = id.indexOf(':');
        Scope scope = Scope.valueOf(id.substring(0, colon));
        String key = id.substring(colon + 1);
        long sent = counter.count(sentKey(scope, key));
        long minSends = scope == Scope.COUNTRY ? settings.minSendsPerCountry() : settings.minSendsPerIp();
        return sent >= minSends && (double) counter.count(verifiedKey(scope, key)) / sent < settings.minConversion();
    }

    private AuditEvent event(Scope scope, String key, AuditEvent.Outcome outcome, String detail) {
        String where = scope == Scope.COUNTRY ? "calling_code=+" + key : "ip=" + key;
        return new AuditEvent(
                clock.instant(),
                AuditEvent.Type.PUMPING_BREAKER,
                null,
                null,
                scope == Scope.IP ? key : null,
                null,
                outcome,
                where + " " + detail);
    }

    private static String display(Scope scope, String key) {
        return scope == Scope.COUNTRY ? "+" + key : key;
    }

    private static String sentKey(Scope scope, String key) {
        return "sent:" + scope.name().toLowerCase(Locale.ROOT) + ":" + key;
    }

    private static String verifiedKey(Scope scope, String key) {
        return "verified:" + scope.name().toLowerCase(Locale.ROOT) + ":" + key;
    }
}
