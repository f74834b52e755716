package org.phonepass.server.hosted;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.server.TestServer.Response;

/**
 * A login through the hosted pages counts against every abuse limit exactly as one through the API: the same
 * services, the same counters, the same address (docs/hosted-login.md#security-of-the-pages). The server trusts the
 * local peer as a proxy, so each request speaks from the address in {@code X-Forwarded-For}.
 */
class HostedLoginLimitsTest {
    private static final TestLoginTransactions TRANSACTIONS = new TestLoginTransactions();
    private static TestServer server;

    @BeforeAll
    static void start() {
        String yaml = TestServer.DEFAULT_YAML
                        .replace("code_ttl: 180s", "code_ttl: 10m")
                        .replace("max_attempts: 3", "max_attempts: 5")
                + """
                http:
                  trusted_proxies: [127.0.0.1/32, "::1/128"]
                limits:
                  start_per_ip: {capacity: 4, period: 1h}
                  start_per_phone_hourly: {capacity: 2, period: 1h}
                  start_per_phone_daily: {capacity: 3, period: 24h}
                  resend_cooldown: {enabled: true, capacity: 1, period: 30s}
                  verify_per_ip: {capacity: 6, period: 1h}
                  wrong_codes_per_phone: {capacity: 3, period: 3m, lockout: 2m}
                  countries: {deny: ["+33"]}
                """;
        server = new TestServer(yaml, null, s -> s.loginTransactions(TRANSACTIONS));
        TRANSACTIONS.attach(server.server().clients(), server.clock);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Response apiStart(String phone, String ip) {
        return server.postForm(
                "/passwordless/start",
                map("client_id", TestServer.SPA, "connection", "sms", "phone_number", phone),
                "X-Forwarded-For",
                ip);
    }

    /** Opens a transaction and posts the number page from {@code ip}; answers the POST's response. */
    private static Response pageStart(PageSession browser, String tx, String country, String phone) {
        Response page = browser.get("/u/login?state=" + tx);
        return browser.post(
                "/u/login?state=" + tx, map("csrf", PageSession.csrf(page), "country", country, "phone", phone));
    }

    @Test
    void thePerNumberSendLimitCountsSendsFromThePagesAndTheApiTogether() {
        String phone = "+12015550801";
        assertThat(apiStart(phone, "198.51.100.1").status()).isEqualTo(200);
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of("en"), null);
        PageSession browser = new PageSession(server, "en").from("198.51.100.2");
        server.clock.advance(Duration.ofSeconds(31));
        Response second = pageStart(browser, tx, "US", "201-555-0801");
        assertThat(second.status()).as(second.body()).isEqualTo(303);

        server.clock.advance(Duration.ofSeconds(31));
        Response codePage = browser.get("/u/login/code?state=" + tx);
        Response third = browser.post("/u/login/resend?state=" + tx, map("csrf", PageSession.csrf(codePage)));
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.body())
                .contains("Too many codes were requested. Try again in")
                .contains("role=\"alert\"");
        assertThat(apiStart(phone, "198.51.100.3").status()).isEqualTo(429);
        assertThat(server.get("/dev/sms.json?to=%2B12015550801").json().size()).isEqualTo(2);
    }

    @Test
    void theResendCooldownOfTheLimitsAppliesToTheNumberPageToo() {
        String phone = "+12015550802";
        assertThat(apiStart(phone, "198.51.100.10").status()).isEqualTo(200);
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of("fr"), null);
        Response r = pageStart(new PageSession(server, "en").from("198.51.100.11"), tx, "US", phone);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.body()).contains("Trop de codes ont été demandés. Réessayez dans");
    }

    @Test
    void aRefusedCountryIsExplainedAndNothingIsSent() {
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of(), null);
        Response r = pageStart(new PageSession(server, "en").from("198.51.100.20"), tx, "FR", "06 12 34 56 78");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("We cannot send a code to this number.");
        assertThat(server.get("/dev/sms.json?to=%2B33612345678").json().size()).isZero();
    }

    @Test
    void wrongCodesOnTheCodePageLockTheNumberForThePagesAndTheApiAlike() {
        String phone = "+12015550803";
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of("en"), null);
        PageSession browser = new PageSession(server, "en").from("198.51.100.30");
        assertThat(pageStart(browser, tx, "US", phone).status()).isEqualTo(303);
        String code = server.latestCode(phone);
        String wrong = code.equals("000000") ? "111111" : "000000";
        Response page = browser.get("/u/login/code?state=" + tx);
        for (int left = 4; left >= 2; left--) {
            page = browser.post("/u/login/code?state=" + tx, map("csrf", PageSession.csrf(page), "code", wrong));
            assertThat(page.status()).isEqualTo(400);
            assertThat(page.body()).contains("You can try " + left + " more times.");
        }
        // The number is locked for this address now: the right code is refused too, on the page and through the
        // API (the lock holds for the network that made the guesses, docs/security.md#wrong-code-limit).
        Response locked = browser.post("/u/login/code?state=" + tx, map("csrf", PageSession.csrf(page), "code", code));
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.body()).contains("Too many wrong codes. Try again in 2 minutes.");
        Response api = server.postForm(
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
                "198.51.100.30");
        assertThat(api.status()).isEqualTo(429);
        assertThat(TRANSACTIONS.completedBy(tx)).isNull();
    }

    @Test
    void thePerAddressSendLimitCountsPagesAndApiFromOneAddress() {
        String ip = "198.51.100.40";
        for (int i = 0; i < 3; i++) {
            String tx = TRANSACTIONS.open(TestServer.SPA, List.of(), null);
            assertThat(pageStart(new PageSession(server, "en").from(ip), tx, "US", "20155508" + (10 + i))
                            .status())
                    .isEqualTo(303);
        }
        assertThat(apiStart("+12015550820", ip).status()).isEqualTo(200);
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of(), null);
        Response fifth = pageStart(new PageSession(server, "en").from(ip), tx, "US", "2015550821");
        assertThat(fifth.status()).isEqualTo(429);
    }
}
