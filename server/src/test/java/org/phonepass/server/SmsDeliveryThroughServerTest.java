package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/** Real SMS providers behind /passwordless/start, against local fakes of the vendors' APIs. */
class SmsDeliveryThroughServerTest {
    private static final String LIMITS = """
            limits:
              start_per_ip: {capacity: 100000}
              start_per_phone_hourly: {capacity: 100000}
              start_per_phone_daily: {capacity: 100000}
              start_per_country_hourly: {capacity: 100000}
              start_per_country_daily: {capacity: 100000}
              start_global_hourly: {capacity: 100000}
              start_global_daily: {capacity: 100000}
              pumping: {enabled: false}
            """;

    private static String withProvider(String sms) {
        return TestServer.DEFAULT_YAML.replace("sms:\n  provider: dev\n", "sms:\n" + sms) + LIMITS;
    }

    @Test
    void startWhenTwilioRejectsNumberThenSmsProviderErrorWithCode() throws Exception {
        ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();
        HttpServer twilio = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        twilio.createContext("/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean rejected = bodies.peek() != null && bodies.size() == 1;
            byte[] answer = (rejected
                            ? "{\"code\":21211,\"message\":\"The 'To' number is not a valid phone number.\","
                                    + "\"more_info\":\"https://www.twilio.com/docs/errors/21211\",\"status\":400}"
                            : "{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(rejected ? 400 : 201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        twilio.start();
        try (TestServer server =
                new TestServer(withProvider("""
                  provider: twilio
                  twilio:
                    account_sid: AC0123456789abcdef0123456789abcdef
                    auth_token: test-token
                    from: "+12015550100"
                    base_url: http://127.0.0.1:%d
                """.formatted(twilio.getAddress().getPort())), null)) {
            Response rejected = server.postForm(
                    "/passwordless/start",
                    map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "+12015550801"));
            assertThat(rejected.status()).isEqualTo(400);
            assertThat(rejected.text("error")).isEqualTo("sms_provider_error");
            assertThat(rejected.text("error_description")).endsWith("(Code: 21211)");
            Response accepted = server.postForm(
                    "/passwordless/start",
                    map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "+12015550802"));
            assertThat(accepted.status()).isEqualTo(200);
            assertThat(bodies).hasSize(2);
            assertThat(bodies)
                    .last()
                    .asString()
                    .contains("To=%2B12015550802")
                    .contains("From=%2B12015550100")
                    .contains("Body=Your+verification+code+is%3A+");
            // No dev inbox with a real provider.
            assertThat(server.get("/dev/sms.json").status()).isEqualTo(404);
        } finally {
            twilio.stop(0);
        }
    }

    /**
     * A vendor that takes 2 s: hundreds of starts wait on it at once, yet no request thread waits, other requests are
     * answered meanwhile, and the thread count stays flat.
     */
    @Test
    void startWhenVendorTakesTwoSecondsThenServerStaysResponsive() throws Exception {
        int inFlight = 300;
        CountDownLatch allArrived = new CountDownLatch(inFlight);
        // The vendor answers 2 s after each send, but not before the test has looked at the server's threads: on a
        // slow machine the 300 TLS handshakes can take longer than 2 s, and answers arriving while the threads are
        // looked at would be finished on request threads, which is not waiting on the vendor.
        CompletableFuture<Void> looked = new CompletableFuture<>();
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        var scheduler = Executors.newScheduledThreadPool(2);
        gateway.setExecutor(Executors.newFixedThreadPool(4));
        gateway.createContext("/send", exchange -> {
            exchange.getRequestBody().readAllBytes();
            allArrived.countDown();
            // Answer later from a scheduler: the fake itself holds no thread per request.
            Runnable answer = () -> {
                try {
                    exchange.sendResponseHeaders(200, -1);
                } catch (java.io.IOException e) {
                    // the client went away
                } finally {
                    exchange.close();
                }
            };
            scheduler.schedule(() -> looked.thenRunAsync(answer, scheduler), 2, TimeUnit.SECONDS);
        });
        gateway.start();
        try (TestServer server =
                new TestServer(withProvider("""
                  provider: http_gateway
                  retry: {deadline: 90s}
                  http_gateway:
                    url: http://127.0.0.1:%d/send
                    # held until the test has looked, however long all 300 take to arrive
                    timeout: 90s
                """.formatted(gateway.getAddress().getPort())) + """
                http:
                  # 300 clients, all on this test's one address and each on its own connection.
                  max_connections_per_address: 1000
                """, null)) {
            server.get("/health");
            List<CompletableFuture<java.net.http.HttpResponse<String>>> starts = new ArrayList<>();
            for (int i = 0; i < inFlight; i++) {
                String phone = "+1201555" + String.format("%04d", 1000 + i);
                starts.add(server.http()
                        .sendAsync(
                                server.request("/passwordless/start")
                                        .header("Content-Type", "application/x-www-form-urlencoded")
                                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(TestServer.form(map(
                                                "client_id",
                                                TestServer.SPA,
                                                "connection",
                                                "sms",
                                                "phone_number",
                                                phone))))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString()));
            }
            // Wait until the gateway holds all of them, then show the server still answers.
            assertThat(allArrived.await(90, TimeUnit.SECONDS)).isTrue();
            Response health = server.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(starts.stream().filter(f -> !f.isDone()).count())
                    .as("starts still waiting on the vendor while /health answered")
                    .isGreaterThan(0);
            // Request threads busy in Phonepass code right now. Idle pool threads (parked in Jetty's queue) and
            // selector threads do not count: the pool may have grown earlier while database writes queued.
            long busyRequestThreads = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> e.getKey().getName().startsWith("JettyServerThreadPool"))
                    .filter(e -> java.util.Arrays.stream(e.getValue())
                            .anyMatch(f -> f.getClassName().startsWith("org.phonepass")))
                    .count();
            looked.complete(null);
            int ok = 0;
            for (var f : starts) {
                ok += f.get(60, TimeUnit.SECONDS).statusCode() == 200 ? 1 : 0;
            }
            assertThat(ok).isEqualTo(inFlight);
            // 300 starts were waiting on the vendor at once; had any request thread waited for it, every request
            // thread (http.max_threads, 8 per core by default) would have been inside Phonepass code.
            assertThat(busyRequestThreads).isLessThanOrEqualTo(2);
        } finally {
            looked.complete(null);
            gateway.stop(0);
            scheduler.shutdownNow();
        }
    }
}
