package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.server.TestServer.Response;

/**
 * Every send and verification limit over real HTTPS, configured small through {@code limits:}: each refusal is a 429
 * with its error, {@code Retry-After} and the {@code x-ratelimit-*} headers; a refused verification spends none of
 * the code's attempts; country and number-type rules; {@code X-Forwarded-For} only from trusted proxies.
 *
 * <p>The server trusts the local peer as a proxy, so each test speaks from its own address through
 * {@code X-Forwarded-For} and the per-address limits of one test do not touch the others.
 */
class AbuseLimitsHttpTest {
    static final String TRUST_LOCAL = """
            http:
              trusted_proxies: [127.0.0.1/32, "::1/128"]
            """;
    static final String LIMITS = """
            limits:
              start_per_ip: {capacity: 4, period: 1h}
              start_per_phone_hourly: {capacity: 2, period: 1h}
              start_per_phone_daily: {capacity: 3, period: 24h}
              resend_cooldown: {enabled: true, capacity: 1, period: 30s}
              verify_per_ip: {capacity: 6, period: 1h}
              wrong_codes_per_phone: {capacity: 3, period: 3m, lockout: 2m}
              countries: {deny: ["+33"]}
            """;
    static TestServer server;

    /** The shared test settings with a 10-minute code that allows 5 attempts, so a lock can end while it lives. */
    static String yaml(String extra) {
        return TestServer.DEFAULT_YAML
                        .replace("code_ttl: 180s", "code_ttl: 10m")
                        .replace("max_attempts: 3", "max_attempts: 5")
                + extra;
    }

    @BeforeAll
    static void start() {
        server = new TestServer(yaml(TRUST_LOCAL + LIMITS), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Response start(TestServer on, String phone, String ip) {
        return on.postForm(
                "/passwordless/start",
                map("client_id", TestServer.SPA, "connection", "sms", "phone_number", phone),
                "X-Forwarded-For",
                ip);
    }

    static Response verify(TestServer on, String phone, String code, String ip) {
        return on.postForm(
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
                        code,
                        "scope",
                        "openid"),
                "X-Forwarded-For",
                ip);
    }

    /** A 429 from the given limit, with every header a client needs to back off. */
    static void assertLimited(TestServer on, Response r, String error, long limit) {
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.text("error")).isEqualTo(error);
        assertThat(r.text("error_description")).isNotBlank();
        assertThat(Long.parseLong(r.header("Retry-After"))).isPositive();
        assertThat(r.header("x-ratelimit-limit")).isEqualTo(Long.toString(limit));
        assertThat(r.header("x-ratelimit-remaining")).isEqualTo("0");
        assertThat(Long.parseLong(r.header("x-ratelimit-reset")))
                .isGreaterThanOrEqualTo(on.clock.instant().getEpochSecond());
        // The header values travel in headers, not in the JSON body.
        assertThat(r.json().has("x-ratelimit-limit")).isFalse();
    }

    static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    @Test
    void startPerIpWhenFifthStartFromOneAddressThenTooManyRequestsAndOtherAddressesStillServed() {
        String ip = "198.51.100.1";
        for (int i = 0; i < 4; i++) {
            Response ok = start(server, "+1201555010" + i, ip);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.header("x-ratelimit-limit")).isNotNull();
        }
        assertLimited(server, start(server, "+12015550104", ip), "too_many_requests", 4);
        assertThat(start(server, "+12015550104", "198.51.100.2").status()).isEqualTo(200);
    }

    @Test
    void startPerPhoneHourlyWhenThirdCodeWithinTheHourThenTooManyRequests() {
        String phone = "+12015550110";
        assertThat(start(server, phone, "198.51.100.10").status()).isEqualTo(200);
        server.clock.advance(Duration.ofSeconds(31));
        assertThat(start(server, phone, "198.51.100.10").status()).isEqualTo(200);
        server.clock.advance(Duration.ofSeconds(31));
        Response third = start(server, phone, "198.51.100.11");
        assertLimited(server, third, "too_many_requests", 2);
        assertThat(Long.parseLong(third.header("Retry-After"))).isGreaterThan(60);
    }

    @Test
    void startPerPhoneDailyWhenFourthCodeOfTheDayThenTooManyRequests() {
        String phone = "+12015550111";
        String ip = "198.51.100.20";
        assertThat(start(server, phone, ip).status()).isEqualTo(200);
        server.clock.advance(Duration.ofSeconds(31));
        assertThat(start(server, phone, ip).status()).isEqualTo(200);
        server.clock.advance(Duration.ofMinutes(61));
        assertThat(start(server, phone, ip).status()).isEqualTo(200);
        server.clock.advance(Duration.ofSeconds(31));
        assertLimited(server, start(server, phone, ip), "too_many_requests", 3);
    }

    @Test
    void resendCooldownWhenOnAndImmediateResendThenTooManyRequestsForAtMostItsPeriod() {
        String phone = "+12015550112";
        assertThat(start(server, phone, "198.51.100.30").status()).isEqualTo(200);
        Response again = start(server, phone, "198.51.100.30");
        assertLimited(server, again, "too_many_requests", 1);
        assertThat(Long.parseLong(again.header("Retry-After"))).isBetween(1L, 30L);
        server.clock.advance(Duration.ofSeconds(31));
        assertThat(start(server, phone, "198.51.100.30").status()).isEqualTo(200);
    }

    @Test
    void verifyPerIpWhenSeventhAttemptFromOneAddressThenTooManyAttempts() {
        String ip = "198.51.100.40";
        for (int i = 0; i < 6; i++) {
            Response r = verify(server, "+1201555012" + i, "123456", ip);
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            assertThat(r.text("error")).isEqualTo("invalid_user_password");
        }
        assertLimited(server, verify(server, "+12015550126", "123456", ip), "too_many_attempts", 6);
        assertThat(verify(server, "+12015550126", "123456", "198.51.100.41").status())
                .isEqualTo(401);
    }

    @Test
    void wrongCodesPerPhoneWhenLockedThenRefusedAttemptsSpendNoCodeAttemptAndTheCodeWorksAfterTheLock() {
        String phone = "+12015550130";
        String ip = "198.51.100.50";
        assertThat(start(server, phone, ip).status()).isEqualTo(200);
        String code = server.latestCode(phone);
        for (int remaining = 4; remaining >= 2; remaining--) {
            Response r = verify(server, phone, wrong(code), ip);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("attempts_remaining").asInt()).isEqualTo(remaining);
        }
        // Locked: even the right code is refused before it is compared, and so are further guesses.
        Response locked = verify(server, phone, code, ip);
        assertLimited(server, locked, "too_many_attempts", 1);
        assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(1L, 120L);
        // The lock holds for the network that made the wrong guesses (another network has a lock of its own).
        for (int i = 0; i < 5; i++) {
            assertThat(verify(server, phone, wrong(code), ip).status()).isEqualTo(429);
        }

        server.clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        // Had the eight refused requests reached the code, its five attempts would be long gone.
        Response afterLock = verify(server, phone, wrong(code), ip);
        assertThat(afterLock.status()).isEqualTo(401);
        assertThat(afterLock.json().get("attempts_remaining").asInt()).isEqualTo(1);
        Response right = verify(server, phone, code, ip);
        assertThat(right.status()).as(right.body()).isEqualTo(200);
        assertThat(right.text("id_token")).isNotBlank();
    }

    @Test
    void deniedCountryWhenStartThenBadPhoneNumberAndNothingSent() {
        Response r = start(server, "+33612345678", "198.51.100.60");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text("error")).isEqualTo("bad.phone_number");
        assertThat(server.get("/dev/sms.json?to=%2B33612345678").json()).isEmpty();
    }

    @Test
    void deniedNumberTypesWhenStartThenBadPhoneNumberAndNothingSent() {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        List<String> refused = List.of(
                util.format(util.getExampleNumberForType("US", PhoneNumberType.PREMIUM_RATE), PhoneNumberFormat.E164),
                util.format(util.getExampleNumberForType("US", PhoneNumberType.TOLL_FREE), PhoneNumberFormat.E164),
                util.format(util.getExampleNumberForType("GB", PhoneNumberType.FIXED_LINE), PhoneNumberFormat.E164),
                util.format(util.getExampleNumberForType("GB", PhoneNumberType.PREMIUM_RATE), PhoneNumberFormat.E164));
        for (String phone : refused) {
            Response r = start(server, phone, "198.51.100.61");
            assertThat(r.status()).as(phone + " " + r.body()).isEqualTo(400);
            assertThat(r.text("error")).isEqualTo("bad.phone_number");
            assertThat(server.get("/dev/sms.json?to=" + TestServer.enc(phone)).json())
                    .isEmpty();
        }
    }

    @Test
    void forwardedForWhenPeerIsTrustedThenRightMostUntrustedHopIsTheClient() {
        assertThat(start(server, "+12015550140", "203.0.113.9, 198.51.100.70").status())
                .isEqualTo(200);
        assertThat(start(server, "+12015550141", "not-an-address").status()).isEqualTo(200);
        assertThat(server.server().auditEvents().flush(Duration.ofSeconds(10))).isTrue();
        List<AuditEvent> sends = server.server().auditEvents().recent(500).stream()
                .filter(e -> e.type() == AuditEvent.Type.SEND)
                .toList();
        assertThat(sends).anySatisfy(e -> {
            assertThat(e.ip()).isEqualTo("198.51.100.70");
            assertThat(e.maskedPhone()).endsWith("0140");
        });
        // A forwarded value that is not an address is ignored: the peer is the client.
        assertThat(sends).anySatisfy(e -> {
            assertThat(e.maskedPhone()).endsWith("0141");
            assertThat(e.ip()).isNotEqualTo("not-an-address").isNotEqualTo("203.0.113.9");
        });
    }

    @Test
    void forwardedForWhenPeerIsNotTrustedThenIgnoredAndEveryRequestCountsAgainstThePeer() {
        try (TestServer untrusted = new TestServer(yaml("""
                http:
                  trusted_proxies: [10.0.0.0/8]
                limits:
                  start_per_ip: {capacity: 2, period: 1h}
                """), null)) {
            assertThat(start(untrusted, "+12015550150", "198.51.100.80").status())
                    .isEqualTo(200);
            assertThat(start(untrusted, "+12015550151", "198.51.100.81").status())
                    .isEqualTo(200);
            assertLimited(untrusted, start(untrusted, "+12015550152", "198.51.100.82"), "too_many_requests", 2);
            assertThat(untrusted.server().auditEvents().flush(Duration.ofSeconds(10)))
                    .isTrue();
            assertThat(untrusted.server().auditEvents().recent(100))
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.ip()).doesNotStartWith("198.51.100."));
        }
    }

    @Test
    void countryAndGlobalBudgetsWhenSpentThenTooManyRequestsForEveryone() {
        try (TestServer budget = new TestServer(yaml(TRUST_LOCAL + """
                limits:
                  start_per_country_hourly: {capacity: 3, period: 1h}
                  start_global_hourly: {capacity: 5, period: 1h}
                """), null)) {
            for (int i = 0; i < 3; i++) {
                assertThat(start(budget, "+4474001234" + (10 + i), "198.51.100.9" + i)
                                .status())
                        .isEqualTo(200);
            }
            assertLimited(budget, start(budget, "+447400123420", "198.51.100.95"), "too_many_requests", 3);
            assertThat(start(budget, "+12015550160", "198.51.100.96").status()).isEqualTo(200);
            assertThat(start(budget, "+12015550161", "198.51.100.97").status()).isEqualTo(200);
            // The refused British start gave its global token back, so exactly five codes went out.
            assertLimited(budget, start(budget, "+12015550162", "198.51.100.98"), "too_many_requests", 5);
        }
    }
}
