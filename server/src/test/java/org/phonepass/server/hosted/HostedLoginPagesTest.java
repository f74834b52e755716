package org.phonepass.server.hosted;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.server.TestServer.Response;

/**
 * The hosted login pages over real HTTPS, as a browser without JavaScript uses them: plain forms, cookies, CSRF
 * tokens, the security headers, the languages, and the number and code flows through the real start and sign-in
 * services (docs/hosted-login.md#pages-languages-branding-and-accessibility).
 */
class HostedLoginPagesTest {
    static final TestLoginTransactions TRANSACTIONS = new TestLoginTransactions();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(
                TestServer.DEFAULT_YAML + "http:\n  trusted_proxies: [127.0.0.1/32, \"::1/128\"]\n",
                null,
                s -> s.loginTransactions(TRANSACTIONS));
        TRANSACTIONS.attach(server.server().clients(), server.clock);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final Pattern NONCE = Pattern.compile("script-src 'nonce-([A-Za-z0-9_-]+)'");

    @Test
    void anUnknownStateGetsALocalizedErrorPageWithTheStrictHeaders() {
        Response r = server.get("/u/login?state=nope", "Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.body()).contains("<html lang=\"fr\"").contains("Cette page de connexion a expiré");
        assertThat(r.body()).contains("login_expired");
        assertStrictHeaders(r);
        assertThat(server.get("/u/login", "Accept-Language", "de").body()).contains("lang=\"de\"");
    }

    @Test
    void theNumberPageSpeaksUiLocalesFirstThenAcceptLanguageAndPicksTheCountry() {
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of("de-CH", "fr"), null);
        Response r = new PageSession(server, "fr-FR,fr;q=0.9").get("/u/login?state=" + tx);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("<html lang=\"de\"").contains("Mit dem Telefon anmelden");
        assertThat(r.body()).contains("um mit Sample SPA fortzufahren");
        // The country from the browser's language, as /user/geoloc/country finds it; names in the page's language.
        assertThat(r.body()).containsPattern("<option value=\"FR\" selected[^>]*>Frankreich \\(\\+33\\)</option>");
        assertThat(r.body()).contains("autocomplete=\"tel\"").contains("type=\"tel\"");
        assertThat(r.body()).contains("data-mask=\"X XX XX XX XX\"");
        assertStrictHeaders(r);

        String noUiLocales = TRANSACTIONS.open(TestServer.SPA, List.of(), null);
        for (String[] lang : new String[][] {
            {"es-MX", "Inicia sesión con tu teléfono", "MX"},
            {"pt-BR", "Entre com o seu telefone", "BR"},
            {"en-GB", "Sign in with your phone", "GB"},
            {"it-IT,fr;q=0.5", "Connectez-vous avec votre téléphone", "IT"},
        }) {
            Response page = new PageSession(server, lang[0]).get("/u/login?state=" + noUiLocales);
            assertThat(page.body()).contains(lang[1]).contains("<option value=\"" + lang[2] + "\" selected");
        }
    }

    @Test
    void everyScriptCarriesTheResponsesNonceAndNoInlineStyleOrHandlerIsUsed() {
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of(), null);
        Response r = new PageSession(server, "en").get("/u/login?state=" + tx);
        Matcher m = NONCE.matcher(r.header("Content-Security-Policy"));
        assertThat(m.find()).isTrue();
        String nonce = m.group(1);
        Matcher scripts = Pattern.compile("<script[^>]*>").matcher(r.body());
        int count = 0;
        while (scripts.find()) {
            assertThat(scripts.group()).contains("nonce=\"" + nonce + "\"");
            count++;
        }
        assertThat(count).isPositive();
        assertThat(r.body()).doesNotContain("style=").doesNotContain("<style").doesNotContainPattern(" on[a-z]+=");
        // A second response has another nonce.
        Response again = new PageSession(server, "en").get("/u/login?state=" + tx);
        assertThat(again.header("Content-Security-Policy")).doesNotContain(nonce);
    }

    @Test
    void assetsAreServedFromTheJarWithVersionedUrlsAndLongCaching() {
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of(), null);
        Response page = new PageSession(server, "en").get("/u/login?state=" + tx);
        Matcher css = Pattern.compile("href=\"(/u/assets/hosted\\.[0-9a-f]{10}\\.css)\"")
                .matcher(page.body());
        Matcher js = Pattern.compile("src=\"(/u/assets/hosted\\.[0-9a-f]{10}\\.js)\"")
                .matcher(page.body());
        assertThat(css.find()).isTrue();
        assertThat(js.find()).isTrue();
        Response sheet = server.get(css.group(1));
        assertThat(sheet.status()).isEqualTo(200);
        assertThat(sheet.header("Content-Type")).startsWith("text/css");
        assertThat(sheet.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(server.get(js.group(1)).header("Content-Type")).startsWith("text/javascript");
        assertThat(server.get("/u/assets/hosted.0000000000.css").status()).isEqualTo(404);
        // Everything the page loads is on this server.
        assertThat(page.body()).doesNotContainPattern("(src|href)=\"(https?:)?//");
    }

    @Test
    void withoutJavaScriptTheFormsSignThePersonInAndTheCodeIsCheckedByTheDomainService() {
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of("en"), null);
        PageSession browser = new PageSession(server, "en-US").from("203.0.113.50");
        Response number = browser.get("/u/login?state=" + tx);
        Response sent = browser.post(
                "/u/login?state=" + tx,
                map("csrf", PageSession.csrf(number), "country", "US", "phone", "(201) 555-0701"));
        assertThat(sent.status()).as(sent.body()).isEqualTo(303);
        assertThat(sent.header("Location")).isEqualTo("/u/login/code?state=" + tx);
        String code = server.latestCode("+12015550701");

        Response codePage = browser.get("/u/login/code?state=" + tx);
        assertThat(codePage.status()).isEqualTo(200);
        assertThat(codePage.body())
                .contains("+1 201-555-0701")
                .contains("autocomplete=\"one-time-code\"")
                .contains("inputmode=\"numeric\"")
                .contains("Use a different phone number");

        Response wrong = browser.post(
                "/u/login/code?state=" + tx,
                map("csrf", PageSession.csrf(codePage), "code", code.equals("000000") ? "111111" : "000000"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body())
                .contains("That code is not right. You can try 2 more times.")
                .contains("aria-invalid=\"true\"")
                .contains("aria-describedby=\"form-error code-hint\"")
                .contains("<title>Error: Enter the code");

        Response right = browser.post("/u/login/code?state=" + tx, map("csrf", PageSession.csrf(wrong), "code", code));
        assertThat(right.status()).as(right.body()).isEqualTo(303);
        assertThat(right.header("Location")).isEqualTo(TestLoginTransactions.DONE_PATH + "?tx=" + tx);
        assertThat(TRANSACTIONS.completedBy(tx).phone()).isEqualTo("+12015550701");
        assertThat(browser.cookies()).doesNotContainKey(BrowserState.LOGIN_COOKIE);
        // The transaction is over: its pages now say so.
        assertThat(browser.get("/u/login/code?state=" + tx).status()).isEqualTo(400);
    }

    @Test
    void aPostWithoutTheBrowsersTokenIsRefusedAndSendsNothing() {
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of(), null);
        PageSession attacker = new PageSession(server, "en");
        Response none = attacker.post("/u/login?state=" + tx, map("country", "US", "phone", "2015550702"));
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.body()).contains("This page had expired");

        // A token of this browser for another transaction, or another browser's token, does not do either.
        String other = TRANSACTIONS.open(TestServer.SPA, List.of(), null);
        String foreign = PageSession.csrf(attacker.get("/u/login?state=" + other));
        assertThat(attacker.post("/u/login?state=" + tx, map("csrf", foreign, "country", "US", "phone", "2015550702"))
                        .status())
                .isEqualTo(403);
        PageSession victim = new PageSession(server, "en");
        String victimsToken = PageSession.csrf(victim.get("/u/login?state=" + tx));
        assertThat(attacker.post(
                                "/u/login?state=" + tx,
                                map("csrf", victimsToken, "country", "US", "phone", "2015550702"))
                        .status())
                .isEqualTo(403);
        assertThat(server.get("/dev/sms.json?to=%2B12015550702").json().size()).isZero();
    }

    @Test
    void loginHintPrefillsAndAnInvalidNumberIsExplainedOnTheField() {
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of("es"), "+33612345678");
        PageSession browser = new PageSession(server, "en");
        Response page = browser.get("/u/login?state=" + tx);
        assertThat(page.body()).contains("<option value=\"FR\" selected").contains("value=\"06 12 34 56 78\"");
        Response bad = browser.post(
                "/u/login?state=" + tx, map("csrf", PageSession.csrf(page), "country", "FR", "phone", "12"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body())
                .contains("Introduce un número de teléfono válido")
                .contains("role=\"alert\"")
                .contains("aria-invalid=\"true\"");
    }

    @Test
    void theCodePageNeedsANumberFirstAndResendWaitsItsTurn() {
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of(), null);
        PageSession browser = new PageSession(server, "en").from("203.0.113.51");
        Response early = browser.get("/u/login/code?state=" + tx);
        assertThat(early.status()).isEqualTo(303);
        assertThat(early.header("Location")).contains("error=start_first");
        Response number = browser.get("/u/login?state=" + tx);
        browser.post(
                "/u/login?state=" + tx,
                map("csrf", PageSession.csrf(number), "country", "US", "phone", "+1 201 555 0703"));
        Response codePage = browser.get("/u/login/code?state=" + tx);
        assertThat(codePage.body()).contains("data-wait=\"30\"").contains("You can ask for a new code in 30 seconds.");
        Response tooSoon = browser.post("/u/login/resend?state=" + tx, map("csrf", PageSession.csrf(codePage)));
        assertThat(tooSoon.status()).isEqualTo(429);
        assertThat(tooSoon.body()).contains("Please wait: you can ask for a new code in");
        server.clock.advance(Duration.ofSeconds(31));
        Response resent = browser.post("/u/login/resend?state=" + tx, map("csrf", PageSession.csrf(codePage)));
        assertThat(resent.status()).as(resent.body()).isEqualTo(303);
        assertThat(resent.header("Location")).endsWith("&resent=1");
        assertThat(browser.get(resent.header("Location")).body()).contains("We sent a new code to +1 201-555-0703.");
        assertThat(server.get("/dev/sms.json?to=%2B12015550703").json().size()).isEqualTo(2);
    }

    static void assertStrictHeaders(Response r) {
        String csp = r.header("Content-Security-Policy");
        assertThat(csp)
                .contains("default-src 'none'")
                .containsPattern("script-src 'nonce-[A-Za-z0-9_-]{22}'")
                .contains("style-src 'self'")
                .contains("frame-ancestors 'none'")
                .contains("base-uri 'none'")
                .contains("form-action 'self'")
                .doesNotContain("unsafe-inline")
                .doesNotContain("unsafe-eval");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    }
}
