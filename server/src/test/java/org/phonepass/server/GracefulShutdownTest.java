package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/** Stopping the server lets requests in flight finish: here a start waiting on a slow SMS gateway. */
class GracefulShutdownTest {
    @Test
    void closeWhenStartInFlightThenItCompletes() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.setExecutor(Executors.newCachedThreadPool());
        gateway.createContext("/send", exchange -> {
            exchange.getRequestBody().readAllBytes();
            reached.countDown();
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] ok = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        gateway.start();
        try {
            String yaml = TestServer.DEFAULT_YAML.replace(
                    "sms:\n  provider: dev\n",
                    "sms:\n  provider: http_gateway\n" + "  http_gateway:\n    url: http://127.0.0.1:"
                            + gateway.getAddress().getPort() + "/send\n");
            TestServer server = new TestServer(yaml, null);
            CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(() -> server.postForm(
                    "/passwordless/start",
                    map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "+12015550701")));
            assertThat(reached.await(10, TimeUnit.SECONDS)).isTrue();
            server.close();
            Response r = inFlight.get(15, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.text("phone_number")).isEqualTo("+12015550701");
        } finally {
            gateway.stop(0);
        }
    }
}
