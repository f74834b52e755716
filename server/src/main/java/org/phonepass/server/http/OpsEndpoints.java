package org.phonepass.server.http;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Health checks for load balancers and the Prometheus scrape endpoint. On the public port in production, health
 * answers say up, down or stopping and nothing else; the names and states of the dependencies, and the meters, are
 * for the operator, on the management port ({@link ManagementServer}).
 *
 * <p>With sign-ups disabled and the silent answer, the public scrape (dev mode) leaves out the SMS delivery meters
 * ({@code phonepass_sms_*}): they count messages to known numbers only, so anyone who can read them could tell
 * which numbers have accounts (docs/security.md#silent-sign-up-refusal). The management port keeps them.
 */
public final class OpsEndpoints {
    /** The Prometheus names of the SMS delivery meters (SmsMetrics: {@code phonepass.sms.*}). */
    private static final String SMS_METERS = "phonepass_sms_";

    private final Map<String, BooleanSupplier> checks;
    private final PrometheusMeterRegistry metrics;
    private final Responder responder;
    private final boolean publicDetails;
    private final boolean hideSmsMeters;
    private final Runnable beforeScrape;
    private volatile boolean stopping;

    /**
     * @param checks        named readiness checks (database, Redis, ...)
     * @param publicDetails whether the public health answers name each check (dev mode)
     * @param hideSmsMeters leave the {@code phonepass_sms_*} meters out of the public scrape (silent sign-up refusal)
     * @param beforeScrape  run before every scrape: binds meters that are registered lazily (the JVM's own, which the
     *                      server binds a few seconds after it starts), so that no scrape goes without them
     */
    public OpsEndpoints(
            Map<String, BooleanSupplier> checks,
            PrometheusMeterRegistry metrics,
            Responder responder,
            boolean publicDetails,
            boolean hideSmsMeters,
            Runnable beforeScrape) {
        this.checks = Map.copyOf(checks);
        this.metrics = metrics;
        this.responder = responder;
        this.publicDetails = publicDetails;
        this.hideSmsMeters = hideSmsMeters;
        this.beforeScrape = Objects.requireNonNull(beforeScrape, "beforeScrape cannot be null");
    }

    /** Marks the node as going away: readiness fails so load balancers drain it before shutdown. */
    public void stopping() {
        stopping = true;
    }

    /** Liveness: the process answers. */
    void live(Context ctx) {
        responder.ok(ctx, null, Map.of("status", "UP"));
    }

    /** Readiness: every dependency answers, and the node is not shutting down. 503 otherwise. */
    void health(Context ctx) {
        Map<String, Object> body = readiness();
        boolean up = "UP".equals(body.get("status"));
        if (!publicDetails) {
            body = Map.of("status", body.get("status"));
        }
        ctx.header("Cache-Control", "no-store");
        responder.write(ctx, null, up ? 200 : 503, body);
    }

    /** The readiness answer with every check: {@code status} (UP, DOWN or STOPPING) and {@code checks}. */
    Map<String, Object> readiness() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean up = !stopping;
        for (Map.Entry<String, BooleanSupplier> check : checks.entrySet()) {
            boolean ok;
            try {
                ok = check.getValue().getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            details.put(check.getKey(), ok ? "UP" : "DOWN");
            up &= ok;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : (stopping ? "STOPPING" : "DOWN"));
        body.put("checks", details);
        return body;
    }

    void metrics(Context ctx) {
        String scrape = scrape();
        ctx.contentType(PROMETHEUS_TYPE).result(hideSmsMeters ? withoutSms(scrape) : scrape);
    }

    /** The scrape without the samples and the HELP/TYPE lines of the SMS meters. */
    static String withoutSms(String scrape) {
        StringBuilder kept = new StringBuilder(scrape.length());
        for (String line : scrape.split("\n", -1)) {
            String name = line.startsWith("# HELP ") || line.startsWith("# TYPE ") ? line.substring(7) : line;
            if (!name.startsWith(SMS_METERS)) {
                kept.append(line).append('\n');
            }
        }
        // split(-1) gives a last empty piece after the final newline: do not add one more.
        return kept.length() > 0 ? kept.substring(0, kept.length() - 1) : "";
    }

    /** The Prometheus text exposition. */
    String scrape() {
        beforeScrape.run();
        return metrics.scrape();
    }

    static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
}
