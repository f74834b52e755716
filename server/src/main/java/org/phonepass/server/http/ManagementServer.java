package org.phonepass.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The management port: {@code /metrics} (Prometheus text) and {@code /health} with every check named, for the
 * operator's scraper and probes, on an address of its own (loopback by default), never on the API port in
 * production. The meters show SMS volume per country and the abuse counters, which tell an attacker how close a
 * limit is; the named checks tell which dependency is down (docs/security.md, docs/deployment.md).
 *
 * <p>The JDK's small HTTP server is enough: one scraper every few seconds, plain HTTP on a private address, no
 * request bodies, GET only.
 */
public final class ManagementServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private ManagementServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts listening on {@code bindAddress:port} (0 picks a free port). */
    public static ManagementServer start(String bindAddress, int port, OpsEndpoints ops, ObjectMapper json)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "phonepass-management");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                serve(exchange, ops, json);
            }
        });
        server.start();
        return new ManagementServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address and port listened on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void serve(HttpExchange exchange, OpsEndpoints ops, ObjectMapper json) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            send(exchange, 405, "application/json", error("method_not_allowed", "Only GET is served here"));
            return;
        }
        switch (path) {
            case "/metrics" ->
                send(exchange, 200, OpsEndpoints.PROMETHEUS_TYPE, ops.scrape().getBytes(StandardCharsets.UTF_8));
            case "/health", "/health/ready" -> {
                Map<String, Object> body = ops.readiness();
                send(
                        exchange,
                        "UP".equals(body.get("status")) ? 200 : 503,
                        "application/json",
                        json.writeValueAsBytes(body));
            }
            case "/health/live" ->
                send(exchange, 200, "application/json", "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8));
            default ->
                send(
                        exchange,
                        404,
                        "application/json",
                        error("not_found", "The management port serves /metrics and /health"));
        }
    }

    private static byte[] error(String error, String description) {
        return ("{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
