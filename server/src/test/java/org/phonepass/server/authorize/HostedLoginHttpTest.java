package org.phonepass.server.authorize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.server.TestServer.Response;

/**
 * The hosted login over HTTPS (docs/hosted-login.md): /authorize, the login transaction, the session, the code, the
 * token endpoint, silent authentication, logout; and what an attacker with a script can try against each.
 */
class HostedLoginHttpTest {
    static final String CB = "http://localhost:3000/";
    static final String APP = "http://localhost:3000";
    static final String BACKEND_CB = "https://backend.example.com/callback";
    /** spa-js's state and nonce: btoa of random text, so with '=', '+' and '/'. */
    static final String STATE = "ZUo0Z0M0V35J+lNqcTJhRTd4/XBTWGN1X0daY1IzLTdTM2ZYSnNJeFdOOQ==";

    static final String NONCE = "fnF5Zk1NalhLNjZuTnhmOHBDWlA5ZmNvcTluS1NPdVJWZjktS1M2SkM4UA==";

    static TestServer server;
    private static int next = 100;

    @BeforeAll
    static void start() {
        server = new TestServer(
                TestServer.DEFAULT_YAML.replace("""
                          - client_id: backend
                            name: Backend
                        """, """
                          - client_id: backend
                            name: Backend
                            callbacks: [https://backend.example.com/callback]
                        """), null, s -> s.withHostedRoutes(HostedLoginClient::pages));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static synchronized String phone() {
        return "+1201555" + String.format("%04d", 7000 + next++);
    }

    /** A signed-in browser, at the point where the app gets its code: the redirect back, and the browser. */
    private record SignedIn(HostedLoginClient browser, Map<String, String> callback, String phone) {}

    private static SignedIn signIn(String... extra) {
        HostedLoginClient b = new HostedLoginClient(server);
        String phone = phone();
        String resume = b.signIn(b.authorizeUrl(TestServer.SPA, CB, STATE, NONCE, extra), TestServer.SPA, phone);
        assertThat(resume).startsWith("/authorize/resume?state=");
        Response back = b.get(resume);
        assertThat(back.status()).as(back.body()).isEqualTo(302);
        assertThat(back.header("Location")).startsWith(CB + "?");
        return new SignedIn(b, HostedLoginClient.params(back.header("Location"), '?'), phone);
    }

    private static JsonNode claims(String jwt) throws Exception {
        return server.json.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    @Test
    void fullFlowWhenSpaJsDrivesItThenCodeTokensRefreshSilentAuthAndLogout() throws Exception {
        SignedIn s = signIn();
        assertThat(s.callback()).containsEntry("state", STATE).containsEntry("iss", server.issuer());
        String code = s.callback().get("code");
        assertThat(code).hasSize(51);

        Response tokens = s.browser().exchange(TestServer.SPA, code, CB);
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        assertThat(tokens.header("Cache-Control")).isEqualTo("no-store");
        assertThat(tokens.text("token_type")).isEqualTo("Bearer");
        assertThat(tokens.json().get("expires_in").asLong()).isPositive();
        // email is no scope of this server (no email claims): dropped, as other unknown scopes are.
        assertThat(tokens.text("scope")).isEqualTo("openid profile offline_access");
        JwtClaims id = server.verifyWithJwks(tokens.text("id_token"), TestServer.SPA);
        assertThat(id.getClaimValueAsString("nonce")).isEqualTo(NONCE);
        assertThat(id.getSubject()).startsWith("sms|");
        assertThat(id.getClaimValue("auth_time")).isInstanceOf(Long.class);
        String sid = id.getClaimValueAsString("sid");
        assertThat(sid).isNotBlank();
        assertThat(id.getClaimValueAsString("phone_number")).isNull();
        assertThat(id.getClaimValueAsString("name")).isEqualTo(s.phone());

        // spa-js's refresh: redirect_uri and the custom authorizationParams come along; a fresh id_token comes back.
        Response refreshed = server.postForm(
                "/oauth/token",
                map(
                        "client_id",
                        TestServer.SPA,
                        "redirect_uri",
                        CB,
                        "connection",
                        "sms",
                        "grant_type",
                        "refresh_token",
                        "refresh_token",
                        tokens.text("refresh_token")));
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        assertThat(refreshed.text("id_token")).isNotBlank().isNotEqualTo(tokens.text("id_token"));
        assertThat(refreshed.text("refresh_token")).isNotEqualTo(tokens.text("refresh_token"));
        JsonNode refreshedId = claims(refreshed.text("id_token"));
        assertThat(refreshedId.has("nonce")).isFalse();
        // An app that sends max_age checks auth_time on every id_token, refreshed ones too.
        assertThat(refreshedId.get("auth_time").asLong()).isEqualTo((Long) id.getClaimValue("auth_time"));
        assertThat(refreshedId.get("sid").asText()).isEqualTo(sid);

        // Silent authentication: prompt=none in the iframe answers at once from the session.
        Response silent = s.browser()
                .get(s.browser()
                        .authorizeUrl(
                                TestServer.SPA,
                                CB,
                                STATE,
                                NONCE,
                                "prompt",
                                "none",
                                "response_mode",
                                "web_message",
                                "scope",
                                "openid profile email"));
        assertThat(silent.status()).isEqualTo(200);
        String message = webMessage(silent);
        JsonNode response = server.json.readTree(message).get("response");
        assertThat(response.get("state").asText()).isEqualTo(STATE);
        Response again =
                s.browser().exchange(TestServer.SPA, response.get("code").asText(), CB);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(claims(again.text("id_token")).get("sid").asText()).isEqualTo(sid);
        assertThat(again.text("refresh_token")).isNull();

        // Logout ends the session: the next silent authentication says login_required.
        Response logout = s.browser().get("/v2/logout?client_id=" + TestServer.SPA + "&returnTo=" + TestServer.enc(CB));
        assertThat(logout.status()).isEqualTo(302);
        assertThat(logout.header("Location")).isEqualTo(CB);
        assertThat(logout.headers().get("set-cookie"))
                .anyMatch(c -> c.startsWith("__Host-phonepass_session=;") && c.contains("Max-Age=0"));
        Response after = s.browser()
                .get(s.browser()
                        .authorizeUrl(
                                TestServer.SPA, CB, STATE, NONCE, "prompt", "none", "response_mode", "web_message"));
        JsonNode error = server.json.readTree(webMessage(after)).get("response");
        assertThat(error.get("error").asText()).isEqualTo("login_required");
        assertThat(error.get("state").asText()).isEqualTo(STATE);
    }

    /** The message the web_message page posts, checked for its target origin and its CSP. */
    private static String webMessage(Response page) {
        assertThat(page.header("Content-Security-Policy"))
                .contains("frame-ancestors " + APP)
                .contains("script-src 'nonce-")
                .doesNotContain("unsafe-inline");
        assertThat(page.header("X-Frame-Options")).isNull();
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        String body = page.body();
        String nonce = page.header("Content-Security-Policy").replaceAll(".*'nonce-([^']+)'.*", "$1");
        assertThat(body).contains("<script nonce=\"" + nonce + "\">");
        assertThat(body).contains(",\"" + APP + "\");");
        int start = body.indexOf("postMessage(") + "postMessage(".length();
        int end = body.lastIndexOf(",\"" + APP + "\");");
        String json = body.substring(start, end)
                .replace("\\u003c", "<")
                .replace("\\u003e", ">")
                .replace("\\u0026", "&");
        assertThat(json).startsWith("{\"type\":\"authorization_response\",\"response\":{");
        return json;
    }

    @Test
    void sessionCookieWhenSignedInThenHostPrefixedSecureHttpOnlySameSiteNoneAndFresh() {
        HostedLoginClient b = new HostedLoginClient(server);
        String phone = phone();
        Response first = b.get(b.authorizeUrl(TestServer.SPA, CB, STATE, NONCE));
        assertThat(first.headers().get("set-cookie"))
                .anyMatch(c -> c.startsWith("__Host-phonepass_browser=")
                        && c.contains("Secure")
                        && c.contains("HttpOnly")
                        && c.contains("SameSite=Lax")
                        && c.contains("Path=/")
                        && !c.contains("Domain"));
        assertThat(first.header("Cache-Control")).isEqualTo("no-store");
        String tx = first.header("Location").substring(first.header("Location").indexOf("state=") + 6);
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response signedIn = b.post(HostedLoginClient.SIGN_IN, map("state", tx, "phone", phone, "code", code));
        List<String> cookies = signedIn.headers().get("set-cookie");
        assertThat(cookies)
                .anyMatch(c -> c.matches("__Host-phonepass_session=[A-Za-z0-9_-]{51}; Path=/; Max-Age=2592000; Secure;"
                        + " HttpOnly; SameSite=None"));
        // The transaction is over: the pages cannot find it again, and its resume works once.
        assertThat(server.server().loginTransactions().find(tx)).isEmpty();
        String resume = signedIn.header("Location");
        assertThat(b.get(resume).status()).isEqualTo(302);
        assertThat(b.get(resume).status()).as("resume is single use").isEqualTo(400);
    }

    @Test
    void signInWhenAlreadySignedInThenNewSessionIdAndOldOneEnded() {
        SignedIn s = signIn();
        String before = cookie(s.browser(), "__Host-phonepass_session");
        // prompt=login: a new sign-in even with a session.
        String resume = s.browser()
                .signIn(
                        s.browser().authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "login"),
                        TestServer.SPA,
                        s.phone());
        String after = cookie(s.browser(), "__Host-phonepass_session");
        assertThat(after).isNotEqualTo(before);
        assertThat(s.browser().get(resume).status()).isEqualTo(302);
        // A browser holding only the old cookie value has no session any more.
        HostedLoginClient stale = new HostedLoginClient(server);
        setCookie(stale, "__Host-phonepass_session", before);
        Response none = stale.get(stale.authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "none"));
        assertThat(HostedLoginClient.params(none.header("Location"), '?')).containsEntry("error", "login_required");
    }

    private static String cookie(HostedLoginClient b, String name) {
        java.net.CookieManager jar =
                (java.net.CookieManager) b.browser.cookieHandler().orElseThrow();
        return jar.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(name))
                .map(java.net.HttpCookie::getValue)
                .findFirst()
                .orElse(null);
    }

    private static void setCookie(HostedLoginClient b, String name, String value) {
        java.net.CookieManager jar =
                (java.net.CookieManager) b.browser.cookieHandler().orElseThrow();
        java.net.HttpCookie c = new java.net.HttpCookie(name, value);
        c.setPath("/");
        c.setVersion(0);
        jar.getCookieStore().add(java.net.URI.create(server.base() + "/"), c);
    }

    @Test
    void loginCsrfWhenAnotherBrowserFinishesTheTransactionThenRefused() {
        HostedLoginClient victim = new HostedLoginClient(server);
        HostedLoginClient attacker = new HostedLoginClient(server);
        Response started = victim.get(victim.authorizeUrl(TestServer.SPA, CB, STATE, NONCE));
        String tx =
                started.header("Location").substring(started.header("Location").indexOf("state=") + 6);
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        // The attacker knows the transaction id (say it leaked) and signs in to it with their own number.
        Response refused = attacker.post(HostedLoginClient.SIGN_IN, map("state", tx, "phone", phone, "code", code));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("another browser");
        // Or the attacker signs in in their own browser and sends the victim the resume link.
        String resume =
                attacker.signIn(attacker.authorizeUrl(TestServer.SPA, CB, STATE, NONCE), TestServer.SPA, phone());
        Response lured = victim.get(resume);
        assertThat(lured.status()).isEqualTo(400);
        assertThat(lured.header("Location")).isNull();
    }

    @Test
    void authorizeWhenClientOrRedirectUriBadThenErrorPageNeverARedirect() {
        HostedLoginClient b = new HostedLoginClient(server);
        for (String url : List.of(
                b.authorizeUrl(TestServer.SPA, "https://evil.example/", STATE, NONCE),
                b.authorizeUrl(TestServer.SPA, CB + "evil", STATE, NONCE),
                b.authorizeUrl(TestServer.SPA, "http://localhost:3000", STATE, NONCE),
                b.authorizeUrl(TestServer.SPA, CB + "#x", STATE, NONCE),
                b.authorizeUrl(TestServer.SPA, null, STATE, NONCE, "redirect_uri", null),
                b.authorizeUrl("no-such-client", CB, STATE, NONCE),
                b.authorizeUrl("", CB, STATE, NONCE),
                b.authorizeUrl(TestServer.SPA, CB, STATE, NONCE) + "&redirect_uri="
                        + TestServer.enc("https://evil.example/"),
                b.authorizeUrl(TestServer.SPA, "https://evil.example/", STATE, NONCE, "prompt", "none"))) {
            Response r = b.get(url);
            assertThat(r.status()).as(url).isEqualTo(400);
            assertThat(r.header("Location")).as(url).isNull();
            assertThat(r.header("Content-Type")).startsWith("text/html");
            assertThat(r.body()).doesNotContain("<script");
        }
        Response escaped =
                b.get(b.authorizeUrl(TestServer.SPA, "https://x.example/<script>alert(1)</script>", STATE, NONCE));
        assertThat(escaped.body()).contains("&lt;script&gt;").doesNotContain("<script>alert");
    }

    @Test
    void authorizeWhenParametersWrongThenOAuthErrorToTheApp() {
        HostedLoginClient b = new HostedLoginClient(server);
        Map<String[], String> cases = new java.util.LinkedHashMap<>();
        cases.put(new String[] {"code_challenge_method", "plain"}, "invalid_request");
        cases.put(new String[] {"code_challenge_method", null}, "invalid_request");
        cases.put(new String[] {"code_challenge", null, "code_challenge_method", null}, "invalid_request");
        cases.put(new String[] {"code_challenge", "short"}, "invalid_request");
        // The implicit grant exists (docs/spa.md#cross-origin-authentication), but this client may not use it.
        cases.put(new String[] {"response_type", "token"}, "unauthorized_client");
        cases.put(new String[] {"response_type", "code id_token"}, "unsupported_response_type");
        cases.put(new String[] {"response_type", null}, "invalid_request");
        cases.put(new String[] {"response_mode", "jwt"}, "invalid_request");
        cases.put(new String[] {"prompt", "none"}, "login_required");
        cases.put(new String[] {"prompt", "none login"}, "invalid_request");
        cases.put(new String[] {"prompt", "bogus"}, "invalid_request");
        cases.put(new String[] {"max_age", "-1"}, "invalid_request");
        cases.put(new String[] {"audience", "https://nope.example/"}, "access_denied");
        cases.put(new String[] {"connection", "email"}, "invalid_request");
        cases.put(new String[] {"nonce", "n".repeat(513)}, "invalid_request");
        cases.put(new String[] {"login_hint", "1".repeat(65)}, "invalid_request");
        cases.put(new String[] {"request", "eyJ"}, "request_not_supported");
        cases.forEach((extra, error) -> {
            Response r = b.get(b.authorizeUrl(TestServer.SPA, CB, STATE, NONCE, extra));
            assertThat(r.status()).as(String.join(",", extra)).isEqualTo(302);
            Map<String, String> q = HostedLoginClient.params(r.header("Location"), '?');
            assertThat(q)
                    .as(String.join(",", extra))
                    .containsEntry("error", error)
                    .containsEntry("state", STATE);
            assertThat(q.get("error_description")).isNotBlank();
        });
        Response longState = b.get(b.authorizeUrl(TestServer.SPA, CB, "s".repeat(2049), NONCE));
        Map<String, String> q = HostedLoginClient.params(longState.header("Location"), '?');
        assertThat(q).containsEntry("error", "invalid_request").doesNotContainKey("state");
        Response repeated = b.get(b.authorizeUrl(TestServer.SPA, CB, STATE, NONCE) + "&scope=openid");
        assertThat(HostedLoginClient.params(repeated.header("Location"), '?'))
                .containsEntry("error", "invalid_request");
        Response notAllowed = b.get(b.authorizeUrl(TestServer.OTP_ONLY, CB, STATE, NONCE));
        assertThat(notAllowed.status())
                .as("otp-only has no callbacks: an error page")
                .isEqualTo(400);
    }

    @Test
    void responseModesWhenFragmentFormPostOrWebMessageThenEachAnswersItsWay() {
        HostedLoginClient b = new HostedLoginClient(server);
        Response fragment =
                b.get(b.authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "none", "response_mode", "fragment"));
        assertThat(fragment.header("Location")).startsWith(CB + "#error=login_required");
        assertThat(HostedLoginClient.params(fragment.header("Location"), '#')).containsEntry("state", STATE);

        Response form =
                b.get(b.authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "none", "response_mode", "form_post"));
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.header("Content-Security-Policy"))
                .contains("form-action " + APP)
                .contains("frame-ancestors 'none'")
                .contains("script-src 'nonce-");
        assertThat(form.body())
                .contains("<form method=\"post\" action=\"" + CB + "\">")
                .contains("name=\"error\" value=\"login_required\"")
                .contains("name=\"state\" value=\"" + STATE + "\"")
                .contains("<noscript>")
                .contains("<button type=\"submit\">");

        // web_message may name the app's bare origin (an allowed web origin) as its redirect_uri, as spa-js does.
        Response message = b.get(
                b.authorizeUrl(TestServer.SPA, APP, STATE, NONCE, "prompt", "none", "response_mode", "web_message"));
        assertThat(message.status()).isEqualTo(200);
        assertThat(webMessage(message)).contains("\"error\":\"login_required\"");
        // ... but not an origin the client does not allow.
        Response foreign = b.get(b.authorizeUrl(
                TestServer.SPA,
                "https://evil.example",
                STATE,
                NONCE,
                "prompt",
                "none",
                "response_mode",
                "web_message"));
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.body()).doesNotContain("postMessage");
    }

    @Test
    void codeWhenReplayedThenSecondExchangeFailsAndFirstTokensAreRevoked() {
        SignedIn s = signIn();
        String code = s.callback().get("code");
        Response first = s.browser().exchange(TestServer.SPA, code, CB);
        assertThat(first.status()).isEqualTo(200);
        Response second = s.browser().exchange(TestServer.SPA, code, CB);
        assertThat(second.status()).isEqualTo(400);
        assertThat(second.text("error")).isEqualTo("invalid_grant");
        Response userinfo = server.get("/userinfo", "Authorization", "Bearer " + first.text("access_token"));
        assertThat(userinfo.status()).isEqualTo(401);
        Response refresh = server.postForm(
                "/oauth/token",
                map(
                        "client_id",
                        TestServer.SPA,
                        "grant_type",
                        "refresh_token",
                        "refresh_token",
                        first.text("refresh_token")));
        assertThat(refresh.text("error")).isEqualTo("invalid_grant");
    }

    @Test
    void codeWhenBoundValuesDifferOrExpiredThenInvalidGrant() {
        SignedIn wrongVerifier = signIn();
        HostedLoginClient other = new HostedLoginClient(server);
        Response r1 = other.exchange(TestServer.SPA, wrongVerifier.callback().get("code"), CB);
        assertThat(r1.text("error")).isEqualTo("invalid_grant");

        SignedIn wrongRedirect = signIn();
        Response r2 = wrongRedirect
                .browser()
                .exchange(TestServer.SPA, wrongRedirect.callback().get("code"), CB + "x");
        assertThat(r2.text("error")).isEqualTo("invalid_grant");

        SignedIn wrongClient = signIn();
        Response r3 = server.postForm(
                "/oauth/token",
                map(
                        "client_id",
                        TestServer.JSONP,
                        "code_verifier",
                        wrongClient.browser().verifier,
                        "grant_type",
                        "authorization_code",
                        "code",
                        wrongClient.callback().get("code"),
                        "redirect_uri",
                        CB));
        assertThat(r3.text("error")).isEqualTo("invalid_grant");

        SignedIn late = signIn();
        server.clock.advance(Duration.ofSeconds(61));
        Response r4 = late.browser().exchange(TestServer.SPA, late.callback().get("code"), CB);
        assertThat(r4.text("error")).isEqualTo("invalid_grant");

        Response json = server.postJson(
                "/oauth/token",
                Map.of(
                        "grant_type",
                        "authorization_code",
                        "client_id",
                        TestServer.SPA,
                        "code",
                        "x",
                        "redirect_uri",
                        CB));
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.text("error")).isEqualTo("invalid_grant");
        Response missing = server.postJson(
                "/oauth/token", Map.of("grant_type", "authorization_code", "client_id", TestServer.SPA, "code", "x"));
        assertThat(missing.text("error")).isEqualTo("invalid_request");
    }

    @Test
    void codeExchangeWhenJsonAsNativeSdksSendThenWorks() {
        SignedIn s = signIn();
        Response r = server.postJson(
                "/oauth/token",
                Map.of(
                        "client_id",
                        TestServer.SPA,
                        "code",
                        s.callback().get("code"),
                        "code_verifier",
                        s.browser().verifier,
                        "grant_type",
                        "authorization_code",
                        "redirect_uri",
                        CB));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.text("id_token")).isNotBlank();
    }

    @Test
    void confidentialClientWhenNoPkceThenSecretProvesTheExchange() {
        HostedLoginClient b = new HostedLoginClient(server);
        String resume = b.signIn(
                b.authorizeUrl(
                        TestServer.CONFIDENTIAL,
                        BACKEND_CB,
                        STATE,
                        NONCE,
                        "code_challenge",
                        null,
                        "code_challenge_method",
                        null),
                TestServer.CONFIDENTIAL,
                phone());
        Response back = b.get(resume);
        assertThat(back.header("Location")).startsWith(BACKEND_CB + "?code=");
        String code = HostedLoginClient.params(back.header("Location"), '?').get("code");
        Response noSecret = server.postForm(
                "/oauth/token",
                map(
                        "client_id",
                        TestServer.CONFIDENTIAL,
                        "grant_type",
                        "authorization_code",
                        "code",
                        code,
                        "redirect_uri",
                        BACKEND_CB));
        assertThat(noSecret.status()).isEqualTo(401);
        Response ok = server.postForm(
                "/oauth/token",
                map(
                        "client_id",
                        TestServer.CONFIDENTIAL,
                        "client_secret",
                        TestServer.CONFIDENTIAL_SECRET,
                        "grant_type",
                        "authorization_code",
                        "code",
                        code,
                        "redirect_uri",
                        BACKEND_CB));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void maxAgeAndPromptLoginWhenSessionTooOldThenHostedPagesAgain() {
        SignedIn s = signIn();
        server.clock.advance(Duration.ofSeconds(120));
        Response fresh = s.browser().get(s.browser().authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "max_age", "3600"));
        assertThat(fresh.header("Location")).startsWith(CB + "?code=");
        Response tooOld = s.browser().get(s.browser().authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "max_age", "60"));
        assertThat(tooOld.header("Location")).startsWith(AuthorizeEndpoints.LOGIN_PAGE + "?state=");
        Response silentTooOld = s.browser()
                .get(s.browser().authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "max_age", "60", "prompt", "none"));
        assertThat(silentTooOld.header("Location")).contains("error=login_required");
        Response login = s.browser().get(s.browser().authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "login"));
        assertThat(login.header("Location")).startsWith(AuthorizeEndpoints.LOGIN_PAGE + "?state=");
        // The redirect to the pages may not be framed, and nothing caches it.
        assertThat(login.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(login.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void sessionWhenIdleLongerThanThreeDaysThenLoginRequired() {
        SignedIn s = signIn();
        server.clock.advance(Duration.ofDays(2));
        Response used = s.browser().get(s.browser().authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "none"));
        assertThat(used.header("Location")).contains("code=");
        server.clock.advance(Duration.ofDays(2));
        Response stillThere =
                s.browser().get(s.browser().authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "none"));
        assertThat(stillThere.header("Location")).as("used two days ago").contains("code=");
        server.clock.advance(Duration.ofDays(3).plusMinutes(1));
        Response idle = s.browser().get(s.browser().authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "none"));
        assertThat(idle.header("Location")).contains("error=login_required");
    }

    @Test
    void sessionsWhenUserBlockedThenAllEnd() throws Exception {
        SignedIn s = signIn();
        String userId = userOf(s);
        assertThat(server.server().sessions().endForUser(userId)).isEqualTo(1);
        Response r = s.browser().get(s.browser().authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "none"));
        assertThat(r.header("Location")).contains("error=login_required");
    }

    private static String userOf(SignedIn s) throws Exception {
        Response tokens = s.browser().exchange(TestServer.SPA, s.callback().get("code"), CB);
        return claims(tokens.text("id_token")).get("sub").asText();
    }

    @Test
    void oidcLogoutWhenIdTokenHintAndAllowedUriThenSessionEndsAndStateReturns() throws Exception {
        SignedIn s = signIn();
        Response tokens = s.browser().exchange(TestServer.SPA, s.callback().get("code"), CB);
        String hint = tokens.text("id_token");
        Response evil = s.browser()
                .get("/oidc/logout?id_token_hint=" + hint + "&post_logout_redirect_uri="
                        + TestServer.enc("https://evil.example/"));
        assertThat(evil.status()).isEqualTo(400);
        assertThat(evil.body()).contains("post_logout_redirect_uri is not an allowed logout URL");
        assertThat(evil.header("Location")).isNull();
        Response noClient = s.browser().get("/oidc/logout?post_logout_redirect_uri=" + TestServer.enc(CB));
        assertThat(noClient.status()).isEqualTo(400);
        Response mismatch = s.browser().get("/oidc/logout?id_token_hint=" + hint + "&client_id=" + TestServer.JSONP);
        assertThat(mismatch.status()).isEqualTo(400);
        Response still = s.browser().get(s.browser().authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "none"));
        assertThat(still.header("Location")).as("refused logouts end nothing").contains("code=");

        Response ok = s.browser()
                .get("/oidc/logout?id_token_hint=" + hint + "&post_logout_redirect_uri=" + TestServer.enc(CB)
                        + "&state=" + TestServer.enc(STATE));
        assertThat(ok.status()).as(ok.body()).isEqualTo(302);
        assertThat(ok.header("Location"))
                .isEqualTo(CB + "?state=" + TestServer.enc(STATE).replace("+", "%20"));
        Response gone = s.browser().get(s.browser().authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "none"));
        assertThat(gone.header("Location")).contains("error=login_required");
    }

    @Test
    void discoveryWhenReadThenAdvertisesTheCodeFlow() {
        JsonNode d = server.get("/.well-known/openid-configuration").json();
        assertThat(d.get("authorization_endpoint").asText()).isEqualTo(server.issuer() + "authorize");
        assertThat(d.get("end_session_endpoint").asText()).isEqualTo(server.issuer() + "oidc/logout");
        assertThat(d.get("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
        assertThat(d.get("response_types_supported").toString())
                .isEqualTo("[\"code\",\"token\",\"id_token\",\"token id_token\"]");
        assertThat(d.get("response_modes_supported").toString())
                .contains("web_message", "form_post", "query", "fragment");
        assertThat(d.get("grant_types_supported").toString()).contains("authorization_code", "refresh_token");
        assertThat(d.get("authorization_response_iss_parameter_supported").asBoolean())
                .isTrue();
    }

    @Test
    void loginTransactionsWhenOneAddressStartsTooManyThenTemporarilyUnavailable() {
        try (TestServer limited = new TestServer(
                TestServer.DEFAULT_YAML + "limits:\n  authorize_per_ip: {capacity: 2, period: 1h}\n", null)) {
            HostedLoginClient b = new HostedLoginClient(limited);
            String url = b.authorizeUrl(TestServer.SPA, CB, STATE, NONCE);
            assertThat(b.get(url).header("Location")).startsWith(AuthorizeEndpoints.LOGIN_PAGE);
            assertThat(b.get(url).header("Location")).startsWith(AuthorizeEndpoints.LOGIN_PAGE);
            Response refused = b.get(url);
            assertThat(refused.status()).isEqualTo(302);
            assertThat(HostedLoginClient.params(refused.header("Location"), '?'))
                    .containsEntry("error", "temporarily_unavailable")
                    .containsEntry("state", STATE);
            assertThat(refused.header("Retry-After")).isNotNull();
            // Silent authentication creates no transaction and is not counted.
            Response silent = b.get(b.authorizeUrl(TestServer.SPA, CB, STATE, NONCE, "prompt", "none"));
            assertThat(HostedLoginClient.params(silent.header("Location"), '?'))
                    .containsEntry("error", "login_required");
        }
    }

    @Test
    void transactionWhenHintsGivenThenThePagesSeeThemAndAudienceReachesTheTokens() throws Exception {
        HostedLoginClient b = new HostedLoginClient(server);
        Response r = b.get(b.authorizeUrl(
                TestServer.SPA,
                CB,
                STATE,
                NONCE,
                "ui_locales",
                "fr-CA es",
                "login_hint",
                "+12015550199",
                "screen_hint",
                "signup",
                "audience",
                TestServer.API));
        String tx = r.header("Location").substring(r.header("Location").indexOf("state=") + 6);
        LoginTransaction t = server.server().loginTransactions().find(tx).orElseThrow();
        assertThat(t.client().clientId()).isEqualTo(TestServer.SPA);
        assertThat(t.uiLocales()).containsExactly("fr-CA", "es");
        assertThat(t.loginHint()).isEqualTo("+12015550199");
        assertThat(t.screenHint()).isEqualTo("signup");
        assertThat(t.expiresAt())
                .isEqualTo(server.clock
                        .instant()
                        .plus(Duration.ofMinutes(30))
                        .truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(server.server().loginTransactions().find(tx + "x")).isEmpty();
        assertThat(server.server().loginTransactions().find("../" + tx)).isEmpty();

        SignedIn s = signIn("audience", TestServer.API);
        Response tokens = s.browser().exchange(TestServer.SPA, s.callback().get("code"), CB);
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        assertThat(server.verifyWithJwks(tokens.text("access_token"), TestServer.API)
                        .getClaimValueAsString("client_id"))
                .isEqualTo(TestServer.SPA);
    }

    @Test
    void transactionWhenLoginLifetimeOverThenThePagesNoLongerFindIt() {
        HostedLoginClient b = new HostedLoginClient(server);
        Response r = b.get(b.authorizeUrl(TestServer.SPA, CB, STATE, NONCE));
        String tx = r.header("Location").substring(r.header("Location").indexOf("state=") + 6);
        assertThat(server.server().loginTransactions().find(tx)).isPresent();
        server.clock.advance(Duration.ofMinutes(31));
        assertThat(server.server().loginTransactions().find(tx)).isEmpty();
    }
}
