package org.phonepass.server.http;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Health checks for load balancers and the Prometheus scrape endpoint. */
public final class OpsEndpoints {
    private final Map<String, BooleanSupplier> checks;
    private final PrometheusMeterRegistry metrics;
    private final Responder responder;
    private volatile boolean stopping;

    /** @param checks named readiness checks (database, Redis, ...) */
    public OpsEndpoints(Map<String, BooleanSupplier> checks, PrometheusMeterRegistry metrics, Responder responder) {
        this.checks = Map.copyOf(checks);
        this.metrics = metrics;
        this.responder = responder;
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
        ctx.header("Cache-Control", "no-store");
        responder.write(ctx, null, up ? 200 : 503, body);
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }
}
