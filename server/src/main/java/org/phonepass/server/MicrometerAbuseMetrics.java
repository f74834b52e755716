package org.phonepass.server;

import io.micrometer.core.instrument.MeterRegistry;
import org.phonepass.core.abuse.AbuseMetrics;

/**
 * Abuse counters in Prometheus: {@code phonepass_abuse_refused_total{reason}} and
 * {@code phonepass_pumping_breaker_total{scope,event}}. Keys (calling codes, IP prefixes) are not labels: their number
 * is unbounded, and the log line of each trip names them.
 */
final class MicrometerAbuseMetrics implements AbuseMetrics {
    private final MeterRegistry registry;

    MicrometerAbuseMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void refused(String reason) {
        registry.counter("phonepass.abuse.refused", "reason", reason).increment();
    }

    @Override
    public void breakerTripped(Scope scope, String key, long sent, long verified) {
        registry.counter("phonepass.pumping.breaker", "scope", scope.name().toLowerCase(), "event", "tripped")
                .increment();
    }

    @Override
    public void breakerCleared(Scope scope, String key) {
        registry.counter("phonepass.pumping.breaker", "scope", scope.name().toLowerCase(), "event", "cleared")
                .increment();
    }
}
