package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
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
 * through their body. While they hang on, everyone else is served; the slow one gets its normal answer; when the
 * stalled ones go away, the threads they held are gone too.
 */
class SlowClientTest {
    private static final int STALLED = 12;

    /** Platform threads the server side owns (the test's own HTTP client threads come and go on their own). */
    private static long serverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.getName().startsWith("HttpClient-") && !t.getName().startsWith("pool-"))
                .count();
    }

    @Test
    void slowClientsWhenTricklingOrStalledMidBodyThenOthersAreServedAndNoThreadIsLeaked() throws Exception {
        // Many codes from one address that nobody types back is exactly what the pumping breaker throttles; it is
        // switched off here so that the rounds measure threads, not the breaker.
        try (TestServer server = new TestServer(TestServer.DEFAULT_YAML + """
                limits:
                  pumping: {enabled: false}
                """, null)) {
            // The server's thread pool grows under a burst and keeps idle threads for a minute, so the first round
            // sizes it; a second identical round must then fit in the same threads. Had the stalled requests kept
            // theirs after their clients left, the second round would need as many new ones.
            round(server, 0);
            long afterFirst = settledServerThreads();
            round(server, 1);
            long afterSecond = settledServerThreads();
            assertThat(afterSecond).as("server threads after the first round %d, after the second %d: %s",
                    afterFirst, afterSecond, Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                            .sorted().toList())
                    .isLessThanOrEqualTo(afterFirst + 2);
            assertThat(server.get("/health/live").status()).isEqualTo(200);
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
                        + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
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
                assertThat(server.startAndReadCode(TestServer.SPA, "+12015550" + (160 + round * 10 + i))).hasSize(6);
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
