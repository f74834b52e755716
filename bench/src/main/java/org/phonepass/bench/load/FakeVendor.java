package org.phonepass.bench.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local SMS gateway that accepts every message and answers only after a delay (2 s): a slow vendor. The answer
 * is written from a timer, so the fake itself holds no thread per message.
 */
final class FakeVendor implements AutoCloseable {
    private final HttpServer server;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService workers = Executors.newFixedThreadPool(2);
    private final AtomicLong received = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    FakeVendor(Duration delay) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        server.setExecutor(workers);
        server.createContext("/send", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            timer.schedule(() -> answer(exchange), delay.toMillis(), TimeUnit.MILLISECONDS);
        });
        server.start();
    }

    private void answer(HttpExchange exchange) {
        byte[] body = ("{\"id\":\"fake-" + received.get() + "\"}").getBytes(StandardCharsets.UTF_8);
        try (exchange;
                OutputStream out = exchange.getResponseBody()) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            out.write(body);
        } catch (IOException e) {
            // the server gave up on this message; it counts its own error
        } finally {
            inFlight.decrementAndGet();
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/send";
    }

    /** The most messages the fake held unanswered at once since the last reset. */
    int takeMaxInFlight() {
        return maxInFlight.getAndSet(inFlight.get());
    }

    @Override
    public void close() {
        server.stop(0);
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
