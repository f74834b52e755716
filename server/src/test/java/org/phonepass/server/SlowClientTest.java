package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Slow and stalled clients (slowloris): a request written one byte at a time, and requests that stop half way
 * through their body. While they hang on, everyone else is served; the slow one gets its normal answer; a stalled
 * body holds no request thread, waiting or after its client has gone.
 */
class SlowClientTest {
    private static final int STALLED = 12;

    /**
     * Platform threads the server side owns besides its request pool (the test's own HTTP client threads come and go
     * on their own).
     */
    private static long serverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.getName().startsWith("HttpClient-")
                        && !t.getName().startsWith("pool-")
                        && !t.getName().startsWith("JettyServerThreadPool"))
                .count();
    }

    /** The server's request threads (a bounded pool on Java 17 to 20). */
    private static long requestThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("JettyServerThreadPool"))
                .count();
    }

    @Test
    void slowClientsWhenTricklingOrStalledMidBodyThenOthersAreServedAndNoThreadIsLeaked() throws Exception {
        // Many codes from one address that nobody types back is exactly what the pumping breaker throttles; it is
        // switched off here so that the rounds measure threads, not the breaker. The request threads are capped
        // below the two rounds' stalled requests together: had the first round's stalled requests kept threads after
        // their clients left, the second round could not be served.
        int maxThreads = 16;
        try (TestServer server = new TestServer(TestServer.DEFAULT_YAML + """
                http: {max_threads: %d}
                limits:
                  pumping: {enabled: false}
                """.formatted(maxThreads), null)) {
            round(server, 0);
            long afterFirst = settledServerThreads();
            round(server, 1);
            long afterSecond = settledServerThreads();
            // Threads outside the request pool (housekeeping, schedulers) are started once, not per request.
            assertThat(afterSecond)
                    .as(
                            "server threads after the first round %d, after the second %d: %s",
                            afterFirst,
                            afterSecond,
                            Thread.getAllStackTraces().keySet().stream()
                                    .map(Thread::getName)
                                    .sorted()
                                    .toList())
                    .isLessThanOrEqualTo(afterFirst + 2);
            if (Runtime.version().feature() < 21) {
                assertThat(requestThreads()).isLessThanOrEqualTo(maxThreads);
            }
            assertThat(server.get("/health/live").status()).isEqualTo(200);
        }
    }

    /**
     * Three times as many stalled bodies as the server has request threads: bodies are gathered without a thread, so
     * a whole login is served while every one of them is still waiting, and each then gets a JSON 408 when the idle
     * timeout passes. Had a stalled body held a thread, the login would have queued behind them until that timeout.
     */
    @Test
    void stalledBodiesHoldNoThreadAndGetA408AfterTheIdleTimeout() throws Exception {
        int maxThreads = 16;
        try (TestServer server = new TestServer(TestServer.DEFAULT_YAML + """
                http: {max_threads: %d, idle_timeout: 15s}
                limits:
                  pumping: {enabled: false}
                """.formatted(maxThreads), null)) {
            List<SSLSocket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 3 * maxThreads; i++) {
                    SSLSocket s = RawHttps.open(server, 30_000);
                    s.getOutputStream()
                            .write(("POST /oauth/token HTTP/1.1\r\nHost: localhost\r\n"
                                            + "Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"grant_type\":")
                                    .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    stalled.add(s);
                }
                TestServer.Response login = server.login(TestServer.SPA, "+12015550177", "openid");
                assertThat(login.status()).as(login.body()).isEqualTo(200);
                assertThat(login.text("id_token")).isNotBlank();
                for (SSLSocket s : stalled) {
                    assertThat(answeredYet(s))
                            .as("a stalled request was answered before its timeout, so the "
                                    + "login had waited for it to give up its thread")
                            .isFalse();
                }
                if (Runtime.version().feature() < 21) {
                    assertThat(requestThreads()).isLessThanOrEqualTo(maxThreads);
                }
                for (SSLSocket s : stalled) {
                    RawHttps.Answer answer = RawHttps.read(s.getInputStream());
                    assertThat(answer.status()).as(answer.head()).isEqualTo(408);
                    assertThat(answer.body())
                            .contains("\"error\":\"invalid_request\"")
                            .contains("did not arrive in time");
                }
            } finally {
                for (SSLSocket s : stalled) {
                    s.close();
                }
            }
        }
    }

    /** Whether the server has sent anything yet (SSLSocket.available() counts only bytes already decrypted). */
    private static boolean answeredYet(SSLSocket s) throws IOException {
        s.setSoTimeout(100);
        try {
            return s.getInputStream().read() >= 0;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            s.setSoTimeout(30_000);
        }
    }

    private static long settledServerThreads() throws InterruptedException {
        // The server notices closed connections asynchronously; give it a moment, without asserting any timing.
        Thread.sleep(1_000);
        return serverThreads();
    }

    private static void round(TestServer server, int round) throws Exception {
        List<SSLSocket> stalled = new ArrayList<>();
        for (int i = 0; i < STALLED; i++) {
            SSLSocket s = RawHttps.open(server, 60_000);
            String body = "client_id=sample-spa&connection=sms&phone_number=%2B1201555";
            OutputStream out = s.getOutputStream();
            out.write(("POST /passwordless/start HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            stalled.add(s);
        }
        String slowPhone = "+120155501" + (85 + round);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<RawHttps.Answer> trickle = pool.submit(() -> {
                String body = "client_id=sample-spa&connection=sms&phone_number=" + TestServer.enc(slowPhone);
                byte[] request = ("POST /passwordless/start HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                                + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.US_ASCII);
                try (SSLSocket s = RawHttps.open(server, 30_000)) {
                    OutputStream out = s.getOutputStream();
                    for (byte b : request) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(8);
                    }
                    return RawHttps.read(s.getInputStream());
                }
            });

            // While the slow and stalled clients hold their connections, others get normal service.
            for (int i = 0; i < 10; i++) {
                assertThat(server.get("/health/live").status()).isEqualTo(200);
                assertThat(server.startAndReadCode(TestServer.SPA, "+12015550" + (160 + round * 10 + i)))
                        .hasSize(6);
            }
            RawHttps.Answer slow = trickle.get(60, TimeUnit.SECONDS);
            assertThat(slow.status()).as(slow.head()).isEqualTo(200);
            assertThat(slow.body()).contains("\"phone_number\":\"" + slowPhone + "\"");
        } finally {
            pool.shutdownNow();
        }
        for (SSLSocket s : stalled) {
            s.close();
        }
    }
}
