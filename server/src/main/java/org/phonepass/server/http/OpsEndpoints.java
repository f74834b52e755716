package org.phonepass.server.http;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Health checks for load balancers and the Prometheus scrape endpoint. On the public port in production, health
 * answers say up, down or stopping and nothing else; the names and states of the dependencies, and the meters, are
 * for the operator, on the management port ({@link ManagementServer}).
 */
public final class OpsEndpoints {
    private final Map<String, BooleanSupplier> checks;
    private final PrometheusMeterRegistry metrics;
    private final Responder responder;
    private final boolean publicDetails;
    private volatile boolean stopping;

    /**
     * @param checks        named readiness checks (database, Redis, ...)
     * @param publicDetails whether the public health answers name each check (dev mode)
     */
    public OpsEndpoints(Map<String, BooleanSupplier> checks, PrometheusMeterRegistry metrics, Responder responder,
                        boolean publicDetails) {
        this.checks = Map.copyOf(checks);
        this.metrics = metrics;
        this.responder = responder;
        this.publicDetails = publicDetails;
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
        ctx.contentType(PROMETHEUS_TYPE).result(metrics.scrape());
    }

    /** The Prometheus text exposition. */
    String scrape() {
        return metrics.scrape();
    }

    static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
}
