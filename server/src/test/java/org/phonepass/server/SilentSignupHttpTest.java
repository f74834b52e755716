package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/**
 * Issue 16 #3 over real HTTPS: with sign-ups disabled and the silent answer, an outsider cannot tell a number with an
 * account from one without, by body, status, headers, waiting for the SMS provider, or the public metrics
 * (docs/security.md#silent-sign-up-refusal).
 */
class SilentSignupHttpTest {
    private static final String KNOWN = "+12015550701";
    private static final String UNKNOWN = "+12015550702";
    private static Path dir;

    private static String silent(String sms) {
        return TestServer.DEFAULT_YAML
                        .replace("sms:\n  provider: dev\n", sms)
                        .replace(
                                "  disable_signup: false\n",
                                "  disable_signup: true\n  signup_disabled_response: silent\n")
                + AbuseLimitsHttpTest.TRUST_LOCAL;
    }

    @BeforeAll
    static void knownNumber() throws Exception {
        dir = Files.createTempDirectory("phonepass-silent");
        try (TestServer open = new TestServer(TestServer.DEFAULT_YAML, dir)) {
            assertThat(open.login(TestServer.SPA, KNOWN, "openid").status()).isEqualTo(200);
            // With sign-ups open the SMS meters are public as before.
            assertThat(open.get("/metrics").body()).contains("phonepass_sms_sent_total");
        }
    }

    @AfterAll
    static void cleanUp() {
        TestServer.deleteTree(dir);
    }

    /** What an outsider sees of an answer, with the number and the random id made equal. */
    private static String seen(Response r, String phone) {
        Map<String, String> headers = new TreeMap<>();
        r.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            // The date and the request id differ between any two answers.
            if (!lower.equals("date") && !lower.equals("x-request-id")) {
                headers.put(lower, String.join(",", values));
            }
        });
        String body = r.body();
        if (r.json() instanceof ObjectNode node && node.has("_id")) {
            node.put("_id", "<id>");
            body = node.toString();
        }
        return r.status() + " " + headers + " " + body.replace(phone, "<phone>");
    }

    /** A start and four wrong guesses, as seen from outside. */
    private static List<String> startAndFourWrongGuesses(TestServer server, String phone, String ip) {
        List<String> seen = new ArrayList<>();
        seen.add(seen(AbuseLimitsHttpTest.start(server, phone, ip), phone));
        for (int i = 0; i < 4; i++) {
            // Ten digits never match a six-digit code.
            seen.add(seen(AbuseLimitsHttpTest.verify(server, phone, "0000000000", ip), phone));
        }
        return seen;
    }

    @Test
    void knownAndUnknownNumbersGetTheSameBodiesStatusesHeadersAndMetrics() {
        try (TestServer server = new TestServer(silent("sms:\n  provider: dev\n"), dir)) {
            List<String> known = startAndFourWrongGuesses(server, KNOWN, "198.51.100.81");
            List<String> unknown = startAndFourWrongGuesses(server, UNKNOWN, "198.51.100.82");
            assertThat(unknown).isEqualTo(known);
            // attempts_remaining counts down for both (it was 2, 1, 0, 0 for a known and 0 for an unknown number).
            assertThat(unknown.get(1)).contains("\"attempts_remaining\":2");
            assertThat(unknown.get(4)).startsWith("401 ").contains("\"attempts_remaining\":0");
            // Only the known number got a message; the unknown one has no account afterwards either.
            assertThat(server.get("/dev/sms.json?to=" + TestServer.enc(KNOWN)).json())
                    .hasSize(1);
            assertThat(server.get("/dev/sms.json?to=" + TestServer.enc(UNKNOWN)).json())
                    .isEmpty();
            // The public scrape has no SMS meters, which counted the known number's message only.
            String metrics = server.get("/metrics").body();
            assertThat(metrics).contains("jvm_memory").doesNotContain("phonepass_sms_");
        }
    }

    @Test
    void theAnswerDoesNotWaitForTheProviderAndItsFailureIsNotAnswered() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger requests = new AtomicInteger();
        AtomicBoolean answered = new AtomicBoolean();
        HttpServer twilio = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        twilio.createContext("/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            try {
                // A provider that takes as long as the test wants, then refuses the number.
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = ("{\"code\":21211,\"message\":\"The 'To' number is not a valid phone number.\","
                            + "\"status\":400}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(400, answer.length);
            exchange.getResponseBody().write(answer);
            answered.set(true);
            exchange.close();
        });
        twilio.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        twilio.start();
        try (TestServer server =
                new TestServer(silent("""
                sms:
                  provider: twilio
                  twilio:
                    account_sid: AC0123456789abcdef0123456789abcdef
                    auth_token: test-token
                    from: "+12015550100"
                    base_url: http://127.0.0.1:%d
                """.formatted(twilio.getAddress().getPort())), dir)) {
            Response known = AbuseLimitsHttpTest.start(server, KNOWN, "198.51.100.91");
            // Answered while the provider still holds the message: no wait a number without account would not have.
            assertThat(answered).isFalse();
            Response unknown = AbuseLimitsHttpTest.start(server, UNKNOWN, "198.51.100.92");
            assertThat(seen(unknown, UNKNOWN)).isEqualTo(seen(known, KNOWN));
            assertThat(known.status()).as(known.body()).isEqualTo(200);
            release.countDown();
            // The provider got the known number's message only, and its refusal reached no one.
            for (int i = 0; i < 100 && !answered.get(); i++) {
                Thread.sleep(50);
            }
            assertThat(answered).isTrue();
            assertThat(requests).hasValue(1);
        } finally {
            release.countDown();
            twilio.stop(0);
        }
    }
}
