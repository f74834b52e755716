package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.server.TestServer.Response;
import org.slf4j.LoggerFactory;

/**
 * Caller text that must not reach a log line or an SMS as written, and unauthenticated requests that must not
 * write without bound: the access log escapes the path, only known language tags reach a message template,
 * {@code /oauth/revoke} is limited per address, and repeated refusals make one audit row, not one each.
 */
class HostileTextAndWritesHttpTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(TestServer.DEFAULT_YAML.replace("""
                  template: "Your verification code is: @@password@@"
                """, """
                  template: "{{ request_language }}: @@password@@"
                http:
                  trusted_proxies: [127.0.0.1]
                limits:
                  start_per_ip: {capacity: 6, period: 1h}
                  revoke_per_ip: {capacity: 3, period: 1h}
                  verify_per_ip: {capacity: 2, period: 1h}
                """), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String smsBody(String phone) {
        return server.get("/dev/sms.json?to=" + TestServer.enc(phone))
                .json()
                .get(0)
                .get("body")
                .asText();
    }

    // ---------------------------------------------------------------- #12 language tags

    @Test
    void startWhenLanguageHeaderSpellsWordsThenOnlyAKnownTagReachesTheSms() {
        for (String[] c : new String[][] {
            {"call-5551234", "+12015557001"}, {"en-Scam-US", "+12015557002"}, {"pay-now", "+12015557003"}
        }) {
            Response r = server.postForm(
                    "/passwordless/start",
                    map("client_id", TestServer.SPA, "connection", "sms", "phone_number", c[1]),
                    "X-Request-Language",
                    c[0]);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.text("request_language")).isEqualTo("en");
            assertThat(smsBody(c[1])).startsWith("en: ").doesNotContain(c[0]);
        }
        Response known = server.postForm(
                "/passwordless/start",
                map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "+12015557004"),
                "Accept-Language",
                "pt-br,pt;q=0.9");
        assertThat(known.text("request_language")).isEqualTo("pt-BR");
        assertThat(smsBody("+12015557004")).startsWith("pt-BR: ");
    }

    // ---------------------------------------------------------------- #11 access log

    @Test
    void accessLogWhenPathHasLineSeparatorsOrBidiControlsThenEscaped() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("phonepass.access");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            // Raw in the request line: Jetty 12's parser refuses a request target that is not ASCII (RFC 9112
            // section 3.2), so such text never reaches a route or the access log.
            String path = "/nope-\u2028-\u2029-\u0085-\u202e-end";
            RawHttps.Answer raw = RawHttps.exchange(
                    server,
                    ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
            assertThat(raw.status()).isEqualTo(400);
            // Percent-encoded, the same characters reach a route; the line names the path as sent, escaped.
            String encoded = "/nope-%E2%80%A8-%E2%80%A9-%C2%85-%E2%80%AE-end";
            RawHttps.Answer answer = RawHttps.exchange(
                    server,
                    ("GET " + encoded + " HTTP/1.1\r\nHost: localhost\r\n" + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
            assertThat(answer.status()).isEqualTo(404);
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            List<String> ours = List.of();
            while (ours.isEmpty() && System.nanoTime() < until) {
                ours = lines.list.stream()
                        .map(ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.contains("/nope-"))
                        .toList();
                Thread.sleep(20);
            }
            assertThat(ours).singleElement().satisfies(line -> {
                // As sent (percent-encoded), or decoded and then escaped: never the raw characters.
                assertThat(line.contains("%E2%80%A8") || line.contains("\\u2028"))
                        .as(line)
                        .isTrue();
                assertThat(line.chars()).noneMatch(ch -> ch == 0x2028 || ch == 0x2029 || ch == 0x85 || ch == 0x202e);
            });
        } finally {
            logger.detachAppender(lines);
        }
    }

    // ---------------------------------------------------------------- #18 request ids and IPv6 addresses

    @Test
    void requestIdWhenClientSendsHostileOrOverlongOneThenReplaced() {
        assertThat(server.get("/health", "X-Request-Id", "abcdef-12345678").header("X-Request-Id"))
                .isEqualTo("abcdef-12345678");
        for (String hostile : new String[] {"x\" forged=1 \"", "a".repeat(65), "short", "%0d%0aaudit type=X"}) {
            assertThat(server.get("/health", "X-Request-Id", hostile).header("X-Request-Id"))
                    .as(hostile)
                    .matches("[0-9a-f]{16}");
        }
    }

    @Test
    void startWhenIpv6AddressesRotateWithinOneSlash64ThenTheyShareOneBudget() {
        for (int i = 1; i <= 6; i++) {
            Response r = server.postForm(
                    "/passwordless/start",
                    map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "+120155572" + i + "0"),
                    "X-Forwarded-For",
                    "2001:db8:1:2::" + Integer.toHexString(i * 4099));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        Response refused = server.postForm(
                "/passwordless/start",
                map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "+12015557299"),
                "X-Forwarded-For",
                "2001:db8:1:2:ffff::1");
        assertThat(refused.status()).isEqualTo(429);
        Response otherPrefix = server.postForm(
                "/passwordless/start",
                map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "+12015557298"),
                "X-Forwarded-For",
                "2001:db8:1:3::1");
        assertThat(otherPrefix.status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- #14 unbounded writes

    @Test
    void revokeWhenOverThePerAddressLimitThenTooManyRequests() {
        for (int i = 0; i < 3; i++) {
            assertThat(server.postForm("/oauth/revoke", map("client_id", TestServer.OTP_ONLY, "token", "t" + i))
                            .status())
                    .isEqualTo(200);
        }
        Response refused = server.postForm("/oauth/revoke", map("client_id", TestServer.OTP_ONLY, "token", "t9"));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.text("error")).isEqualTo("too_many_requests");
        assertThat(refused.header("Retry-After")).isNotBlank();
        // Unknown clients count too: the limit comes before anything else.
        assertThat(server.postForm("/oauth/revoke", map("client_id", "nobody", "token", "t"))
                        .status())
                .isEqualTo(429);
    }

    @Test
    void verifyWhenRefusedManyTimesThenOneAuditRowForThem() {
        String phone = "+12015557100";
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response first = null;
        for (int i = 0; i < 30; i++) {
            Response r = server.postForm(
                    "/oauth/ro",
                    map(
                            "client_id",
                            TestServer.SPA,
                            "connection",
                            "sms",
                            "grant_type",
                            "password",
                            "username",
                            phone,
                            "password",
                            code.equals("000000") ? "111111" : "000000"));
            first = first == null ? r : first;
        }
        assertThat(first.status()).isEqualTo(401);
        assertThat(server.server().auditEvents().flush(Duration.ofSeconds(10))).isTrue();
        List<AuditEvent> refused = server.server().auditEvents().recent(500).stream()
                .filter(e -> e.type() == AuditEvent.Type.VERIFY && e.outcome() == AuditEvent.Outcome.REFUSED)
                .toList();
        assertThat(refused)
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("limit=verify_per_ip"));
    }
}
