package org.phonepass.sms.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A vendor API on 127.0.0.1 and a free port: records each request and answers from a script. Slow answers are
 * scheduled, never slept, so that the fake itself holds no thread per request (the thread-count test relies on it).
 */
public final class FakeVendor implements AutoCloseable {
    /** A request as the vendor saw it. */
    public record Recorded(
            String method, String path, String rawQuery, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        /** The body, or the query when there is no body, decoded as a form. */
        public Map<String, String> form() {
            return decode(body.isEmpty() && rawQuery != null ? rawQuery : body);
        }

        public Map<String, String> query() {
            return rawQuery == null ? Map.of() : decode(rawQuery);
        }

        private static Map<String, String> decode(String encoded) {
            Map<String, String> out = new LinkedHashMap<>();
            if (encoded == null || encoded.isEmpty()) {
                return out;
            }
            for (String pair : encoded.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.put(name, value);
            }
            return out;
        }
    }

    /** An answer. */
    public record Reply(int status, String contentType, String body, Duration delay) {
        public static Reply json(int status, String body) {
            return new Reply(status, "application/json", body, Duration.ZERO);
        }

        public static Reply xml(int status, String body) {
            return new Reply(status, "text/xml", body, Duration.ZERO);
        }

        public Reply after(Duration wait) {
            return new Reply(status, contentType, body, wait);
        }
    }

    private final HttpServer server;
    private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-vendor-delays");
        t.setDaemon(true);
        return t;
    });
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Deque<Reply> script = new ArrayDeque<>();
    private volatile Function<Recorded, Reply> fallback = r -> Reply.json(500, "{}");

    public FakeVendor() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
        // Start the delay thread now so that it counts in any baseline thread count.
        delays.schedule(() -> {}, 0, TimeUnit.MILLISECONDS);
    }

    /** Answers the next requests with these replies, in order, then with the fallback. */
    public synchronized FakeVendor enqueue(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Answers every request not covered by {@link #enqueue}. */
    public FakeVendor always(Function<Recorded, Reply> answer) {
        this.fallback = answer;
        return this;
    }

    /** Forgets the recorded requests and the script, for a fake shared by several tests. */
    public synchronized void reset() {
        requests.clear();
        script.clear();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public Recorded lastRequest() {
        return requests.get(requests.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Recorded recorded = new Recorded(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(),
                Map.copyOf(exchange.getRequestHeaders()),
                body);
        requests.add(recorded);
        Reply reply;
        synchronized (this) {
            reply = script.isEmpty() ? null : script.poll();
        }
        if (reply == null) {
            reply = fallback.apply(recorded);
        }
        Reply answer = reply;
        if (answer.delay().isZero()) {
            respond(exchange, answer);
        } else {
            delays.schedule(() -> respond(exchange, answer), answer.delay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static void respond(HttpExchange exchange, Reply reply) {
        try {
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            // The client gave up (a timeout test): nothing to answer to.
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        delays.shutdownNow();
    }
}
