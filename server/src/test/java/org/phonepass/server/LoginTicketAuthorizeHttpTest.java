package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.enc;
import static org.phonepass.server.TestServer.map;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/**
 * {@code GET /authorize} with the {@code login_ticket} of {@code POST /co/authenticate} over real HTTPS
 * (docs/spa.md#cross-origin-authentication): the ticket is the login, once, for its client, in the browser that
 * got it; and the session it starts answers {@code prompt=none} (auth0-js checkSession, Lock's SSO probe).
 */
class LoginTicketAuthorizeHttpTest {
    static final String CLIENTS = CrossOriginAuthenticateHttpTest.CLIENTS + """
              - client_id: co-other
                allowed_origins: [http://localhost:4001]
                callbacks: [http://localhost:4001/callback]
                grants: [implicit]
                cross_origin_authentication: true
              - client_id: co-fallback
                allowed_origins: [http://localhost:4003]
                callbacks: [http://localhost:4003/callback]
                grants: [implicit]
                cross_origin_authentication: true
                cross_origin_loc: http://localhost:4003/verify.html
              - client_id: co-code-only
                allowed_origins: [http://localhost:4004]
                callbacks: [http://localhost:4004/callback]
                cross_origin_authentication: true
            """;
    static final String CALLBACK = "http://localhost:4000/callback";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(
                TestServer.DEFAULT_YAML.replace("clients:\n", "clients:\n" + CLIENTS) + AbuseLimitsHttpTest.TRUST_LOCAL,
                null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A ticket, with the cookie the browser keeps. */
    record Ticket(String ticket, String coId, String verifier, String cookie) {}

    static Ticket ticket(String clientId, String origin, String phone) {
        String code = CrossOriginAuthenticateHttpTest.sendCode(server, clientId, phone, "192.0.2.90");
        Response r = CrossOriginAuthenticateHttpTest.authenticate(
                server, CrossOriginAuthenticateHttpTest.body(clientId, phone, code), origin, "192.0.2.90");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String setCookie = r.header("Set-Cookie");
        return new Ticket(
                r.text("login_ticket"),
                r.text("co_id"),
                r.text("co_verifier"),
                setCookie.substring(0, setCookie.indexOf(';')));
    }

    static String authorizeUrl(String clientId, String callback, String responseType, String ticket, String extra) {
        return "/authorize?client_id=" + clientId + "&response_type="
                + enc(responseType).replace("+", "%20")
                + "&redirect_uri=" + enc(callback) + "&scope="
                + enc("openid profile phone").replace("+", "%20")
                + "&realm=sms&state=st4te.~_-&nonce=n0nce" + (ticket == null ? "" : "&login_ticket=" + ticket)
                + extra;
    }

    static Map<String, String> fragment(String location) {
        String f = location.substring(location.indexOf('#') + 1);
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : f.split("&")) {
            int eq = pair.indexOf('=');
            m.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static String sessionCookie(Response r) {
        return r.headers().getOrDefault("set-cookie", java.util.List.of()).stream()
                .filter(c -> c.startsWith("__Host-phonepass_session="))
                .map(c -> c.substring(0, c.indexOf(';')))
                .findFirst()
                .orElse(null);
    }

    @Test
    void ticketWhenRedirectModeThenTokensInFragmentSessionStartedAndTicketSpent() throws Exception {
        Ticket t = ticket(
                CrossOriginAuthenticateHttpTest.CO_CLIENT, CrossOriginAuthenticateHttpTest.CO_ORIGIN, "+12015550800");
        String url =
                authorizeUrl(CrossOriginAuthenticateHttpTest.CO_CLIENT, CALLBACK, "token id_token", t.ticket(), "");
        Response r = server.get(url, "Cookie", t.cookie());
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        String location = r.header("Location");
        assertThat(location).startsWith(CALLBACK + "#access_token=");
        Map<String, String> f = fragment(location);
        assertThat(f).containsKeys("access_token", "id_token", "scope", "expires_in", "token_type", "state");
        assertThat(f.get("state")).isEqualTo("st4te.~_-");
        assertThat(f.get("token_type")).isEqualTo("Bearer");
        JwtClaims claims = server.verifyWithJwks(f.get("id_token"), CrossOriginAuthenticateHttpTest.CO_CLIENT);
        assertThat(claims.getStringClaimValue("nonce")).isEqualTo("n0nce");
        assertThat(claims.getStringClaimValue("name")).isEqualTo("+12015550800");
        assertThat(claims.getClaimValue("phone_number_verified")).isEqualTo(true);
        assertThat(claims.getStringClaimValue("at_hash")).isNotBlank();
        assertThat(claims.getClaimValue("auth_time")).isNotNull();
        assertThat(claims.getStringClaimValue("sid")).isNotBlank();
        // The verifier cookie is cleared and a session starts.
        assertThat(r.headers().get("set-cookie"))
                .anySatisfy(c -> assertThat(c).startsWith("__Host-phonepass_co_" + t.coId() + "=; Path=/; Max-Age=0"));
        String session = sessionCookie(r);
        assertThat(session).isNotNull();
        // The access token works at /userinfo.
        Response info = server.get("/userinfo", "Authorization", "Bearer " + f.get("access_token"));
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.text("phone_number")).isEqualTo("+12015550800");

        // Reused ticket: refused, back to the app.
        Response again = server.get(url, "Cookie", t.cookie());
        assertThat(again.status()).isEqualTo(302);
        assertThat(fragment(again.header("Location")))
                .containsEntry("error", "access_denied")
                .containsEntry("error_description", "The login ticket is invalid, expired or already used.")
                .containsEntry("state", "st4te.~_-");

        // checkSession / Lock's SSO probe: prompt=none + web_message answers from the session.
        Response silent = server.get(
                authorizeUrl(
                        CrossOriginAuthenticateHttpTest.CO_CLIENT,
                        CALLBACK,
                        "token id_token",
                        null,
                        "&response_mode=web_message&prompt=none&connection=sms"),
                "Cookie",
                session);
        assertThat(silent.status()).isEqualTo(200);
        assertThat(silent.body()).contains("\"type\":\"authorization_response\"", "\"access_token\":", "\"id_token\":");
        assertThat(silent.header("Content-Security-Policy")).contains("frame-ancestors http://localhost:4000");
        Response noSession = server.get(authorizeUrl(
                CrossOriginAuthenticateHttpTest.CO_CLIENT,
                CALLBACK,
                "token id_token",
                null,
                "&response_mode=web_message&prompt=none"));
        assertThat(noSession.body()).contains("\"error\":\"login_required\"");
    }

    @Test
    void ticketWhenIframeModeWithPromptNoneThenWebMessageWithTokens() {
        Ticket t = ticket(
                CrossOriginAuthenticateHttpTest.CO_CLIENT, CrossOriginAuthenticateHttpTest.CO_ORIGIN, "+12015550801");
        Response r = server.get(
                authorizeUrl(
                        CrossOriginAuthenticateHttpTest.CO_CLIENT,
                        CALLBACK,
                        "token id_token",
                        t.ticket(),
                        "&response_mode=web_message&prompt=none"),
                "Cookie",
                t.cookie());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"access_token\":", "\"state\":\"st4te.~_-\"", "\"http://localhost:4000\"");
        assertThat(r.header("X-Frame-Options")).isNull();
        assertThat(sessionCookie(r)).isNotNull();
    }

    @Test
    void ticketWhenSixtySecondsOldThenRefused() {
        Ticket t = ticket(
                CrossOriginAuthenticateHttpTest.CO_CLIENT, CrossOriginAuthenticateHttpTest.CO_ORIGIN, "+12015550802");
        server.clock.advance(Duration.ofSeconds(60));
        try {
            Response r = server.get(
                    authorizeUrl(CrossOriginAuthenticateHttpTest.CO_CLIENT, CALLBACK, "token", t.ticket(), ""),
                    "Cookie",
                    t.cookie());
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.header("Location"))
                    .isEqualTo(CALLBACK + "#error=access_denied&error_description="
                            + "The%20login%20ticket%20is%20invalid%2C%20expired%20or%20already%20used.&state=st4te.%7E_-"
                            + "&iss=" + enc(server.issuer()));
            assertThat(sessionCookie(r)).isNull();
        } finally {
            server.clock.advance(Duration.ofSeconds(-60));
        }
    }

    @Test
    void ticketWhenPresentedForAnotherClientThenRefusedAndUsedUp() {
        Ticket t = ticket(
                CrossOriginAuthenticateHttpTest.CO_CLIENT, CrossOriginAuthenticateHttpTest.CO_ORIGIN, "+12015550803");
        Response other = server.get(
                authorizeUrl("co-other", "http://localhost:4001/callback", "token", t.ticket(), ""),
                "Cookie",
                t.cookie());
        assertThat(other.status()).isEqualTo(302);
        assertThat(fragment(other.header("Location")))
                .containsEntry("error", "access_denied")
                .containsEntry("error_description", "The login ticket is invalid, expired or already used.");
        assertThat(sessionCookie(other)).isNull();
        // Shown to the wrong client, it is taken for stolen: its own client cannot use it any more.
        Response own = server.get(
                authorizeUrl(CrossOriginAuthenticateHttpTest.CO_CLIENT, CALLBACK, "token", t.ticket(), ""),
                "Cookie",
                t.cookie());
        assertThat(fragment(own.header("Location"))).containsEntry("error", "access_denied");
    }

    @Test
    void ticketWhenBrowserKeptNoCookieAndNoVerificationPageThenRefusedAndUsedUp() {
        Ticket t = ticket(
                CrossOriginAuthenticateHttpTest.CO_CLIENT, CrossOriginAuthenticateHttpTest.CO_ORIGIN, "+12015550804");
        String url = authorizeUrl(CrossOriginAuthenticateHttpTest.CO_CLIENT, CALLBACK, "token", t.ticket(), "");
        Response r = server.get(url);
        assertThat(fragment(r.header("Location")))
                .containsEntry("error", "access_denied")
                .containsEntry(
                        "error_description",
                        "This browser did not send back the cookie of the cross-origin login (it may block "
                                + "third-party cookies), and did not come from the page that logged in. Serve this "
                                + "server on the application's site, or set the client's cross_origin_loc.");
        // Coming from another site's page is no better, and uses the ticket up too.
        Ticket v = ticket(
                CrossOriginAuthenticateHttpTest.CO_CLIENT, CrossOriginAuthenticateHttpTest.CO_ORIGIN, "+12015550810");
        String vUrl = authorizeUrl(CrossOriginAuthenticateHttpTest.CO_CLIENT, CALLBACK, "token", v.ticket(), "");
        assertThat(fragment(
                        server.get(vUrl, "Referer", "https://evil.example/page").header("Location")))
                .containsEntry("error", "access_denied");
        assertThat(fragment(server.get(vUrl, "Referer", CrossOriginAuthenticateHttpTest.CO_ORIGIN + "/")
                        .header("Location")))
                .containsEntry("error", "access_denied");
        // A stolen ticket is no better with a made-up cookie.
        Ticket u = ticket(
                CrossOriginAuthenticateHttpTest.CO_CLIENT, CrossOriginAuthenticateHttpTest.CO_ORIGIN, "+12015550805");
        Response forged = server.get(
                authorizeUrl(CrossOriginAuthenticateHttpTest.CO_CLIENT, CALLBACK, "token", u.ticket(), ""),
                "Cookie",
                "__Host-phonepass_co_" + u.coId() + "=guess");
        assertThat(fragment(forged.header("Location"))).containsEntry("error", "access_denied");
        assertThat(server.get(
                                authorizeUrl(
                                        CrossOriginAuthenticateHttpTest.CO_CLIENT, CALLBACK, "token", u.ticket(), ""),
                                "Cookie",
                                u.cookie())
                        .header("Location"))
                .contains("error=access_denied");
    }

    @Test
    void ticketWhenThirdPartyCookiesBlockedThenPartitionedCookieOrTheLoginPagesRefererRedeemsIt() {
        // The iframe of the app's page gets the partitioned twin of the cookie.
        Ticket t = ticket(
                CrossOriginAuthenticateHttpTest.CO_CLIENT, CrossOriginAuthenticateHttpTest.CO_ORIGIN, "+12015550811");
        Response framed = server.get(
                authorizeUrl(
                        CrossOriginAuthenticateHttpTest.CO_CLIENT,
                        CALLBACK,
                        "token id_token",
                        t.ticket(),
                        "&response_mode=web_message&prompt=none"),
                "Cookie",
                "__Host-phonepass_cop_" + t.coId() + "=" + t.verifier());
        assertThat(framed.body()).contains("\"access_token\":");
        // A top-level navigation from the page that called /co/authenticate, with no cookie at all.
        Ticket u = ticket(
                CrossOriginAuthenticateHttpTest.CO_CLIENT, CrossOriginAuthenticateHttpTest.CO_ORIGIN, "+12015550812");
        Response nav = server.get(
                authorizeUrl(CrossOriginAuthenticateHttpTest.CO_CLIENT, CALLBACK, "token id_token", u.ticket(), ""),
                "Referer",
                CrossOriginAuthenticateHttpTest.CO_ORIGIN + "/");
        assertThat(fragment(nav.header("Location"))).containsKeys("access_token", "id_token");
    }

    @Test
    void ticketWhenNoCookieAndVerificationPageThenFallbackPageAndCoVerifyFinishes() {
        Ticket t = ticket("co-fallback", "http://localhost:4003", "+12015550806");
        Response page =
                server.get(authorizeUrl("co-fallback", "http://localhost:4003/callback", "token", t.ticket(), ""));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body())
                .contains("src=\"http://localhost:4003/verify.html#origin=" + enc(server.base()) + "\"")
                .contains("co_verifier_request", "request:{id:'" + t.coId() + "'}", "action=\"/co/verify\"");
        assertThat(page.header("Content-Security-Policy"))
                .contains("frame-src http://localhost:4003", "form-action 'self'", "frame-ancestors 'none'");
        String state = page.body().replaceAll("(?s).*name=\"state\" value=\"([^\"]+)\".*", "$1");
        // A wrong verifier spends the ticket.
        Response wrong = server.postForm("/co/verify", map("state", state, "verifier", "guess"));
        assertThat(wrong.status()).isEqualTo(302);
        assertThat(fragment(wrong.header("Location"))).containsEntry("error", "access_denied");
        // The transaction is single use too.
        assertThat(server.postForm("/co/verify", map("state", state, "verifier", t.verifier()))
                        .status())
                .isEqualTo(400);

        Ticket u = ticket("co-fallback", "http://localhost:4003", "+12015550807");
        Response page2 =
                server.get(authorizeUrl("co-fallback", "http://localhost:4003/callback", "token", u.ticket(), ""));
        String state2 = page2.body().replaceAll("(?s).*name=\"state\" value=\"([^\"]+)\".*", "$1");
        Response ok = server.postForm("/co/verify", map("state", state2, "verifier", u.verifier()));
        assertThat(ok.status()).isEqualTo(302);
        assertThat(fragment(ok.header("Location")))
                .containsKeys("access_token", "expires_in")
                .containsEntry("state", "st4te.~_-");
        assertThat(sessionCookie(ok)).isNotNull();
    }

    @Test
    void implicitWhenClientLacksTheGrantThenUnauthorizedClient() {
        Ticket t = ticket("co-code-only", "http://localhost:4004", "+12015550808");
        Response r = server.get(
                authorizeUrl("co-code-only", "http://localhost:4004/callback", "token id_token", t.ticket(), ""),
                "Cookie",
                t.cookie());
        assertThat(fragment(r.header("Location")))
                .containsEntry("error", "unauthorized_client")
                .containsEntry("error_description", "Grant type 'implicit' not allowed for the client.");
        Response noNonce =
                server.get(authorizeUrl(CrossOriginAuthenticateHttpTest.CO_CLIENT, CALLBACK, "id_token", null, "")
                        .replace("&nonce=n0nce", ""));
        assertThat(fragment(noNonce.header("Location")))
                .containsEntry("error", "invalid_request")
                .containsEntry("error_description", "Missing required parameter: nonce (required with id_token)");
    }

    @Test
    void ticketWhenResponseTypeCodeThenCodeForTheConfidentialExchange() {
        Ticket t = ticket("co-code-only", "http://localhost:4004", "+12015550809");
        // A public client without PKCE gets no code (auth0-js 9 sends no code_challenge): the refusal says so.
        Response r = server.get(
                authorizeUrl("co-code-only", "http://localhost:4004/callback", "code", t.ticket(), ""),
                "Cookie",
                t.cookie());
        assertThat(r.status()).isEqualTo(302);
        URI location = URI.create(r.header("Location"));
        assertThat(location.getQuery()).contains("error=invalid_request");
    }
}
