package org.phonepass.server.hosted;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.enc;
import static org.phonepass.server.TestServer.map;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.server.TestServer.Response;

/**
 * The whole hosted login over HTTPS through the real pages, as auth0-spa-js drives it (docs/hosted-login.md):
 * /authorize, the number and code pages, the code, its exchange, a refresh, silent authentication, logout, and
 * {@code login_required} after it.
 */
class HostedLoginFullFlowTest {
    private static final String CB = "http://localhost:3000/";
    private static final String STATE = "c3RhdGUrd2l0aC9zbGFzaGVz+/==";
    private static final String NONCE = "bm9uY2Urd2l0aC9zbGFzaGVz/+==";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String authorize(String challenge, String extra) {
        return "/authorize?client_id=" + TestServer.SPA + "&scope=" + enc("openid profile offline_access")
                + "&redirect_uri=" + enc(CB) + "&connection=sms&response_type=code&state=" + enc(STATE) + "&nonce="
                + enc(NONCE) + "&code_challenge=" + challenge + "&code_challenge_method=S256" + extra;
    }

    private static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void spaJsFlowWhenSignedInOnThePagesThenTokensRefreshSilentAuthLogoutAndLoginRequired() throws Exception {
        String verifier = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new byte[40])
                .replace('A', 'q');
        String challenge = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        PageSession browser = new PageSession(server, "en");
        String phone = "+12015550977";

        Response toPages = browser.get(authorize(challenge, ""));
        assertThat(toPages.status()).isEqualTo(302);
        String login = toPages.header("Location");
        String tx = login.substring(login.indexOf("state=") + 6);
        Response number = browser.get(login);
        Response sent = browser.post(
                "/u/login?state=" + tx, map("csrf", PageSession.csrf(number), "country", "US", "phone", phone));
        assertThat(sent.status()).as(sent.body()).isEqualTo(303);
        Response codePage = browser.get(sent.header("Location"));
        Response signedIn = browser.post(
                "/u/login/code?state=" + tx, map("csrf", PageSession.csrf(codePage), "code", server.latestCode(phone)));
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);
        assertThat(browser.cookies()).containsKey("__Host-phonepass_session");
        Response back = browser.get(signedIn.header("Location").replace(server.base(), ""));
        assertThat(back.status()).isEqualTo(302);
        Map<String, String> callback = query(back.header("Location"));
        assertThat(back.header("Location")).startsWith(CB + "?code=");
        assertThat(callback).containsEntry("state", STATE);

        Response tokens = server.postForm(
                "/oauth/token",
                map(
                        "client_id",
                        TestServer.SPA,
                        "code_verifier",
                        verifier,
                        "grant_type",
                        "authorization_code",
                        "code",
                        callback.get("code"),
                        "redirect_uri",
                        CB));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        JwtClaims id = server.verifyWithJwks(tokens.text("id_token"), TestServer.SPA);
        assertThat(id.getClaimValueAsString("nonce")).isEqualTo(NONCE);
        assertThat(id.getClaimValueAsString("name")).isEqualTo(phone);
        assertThat(id.hasClaim("auth_time")).isTrue();
        assertThat(id.hasClaim("sid")).isTrue();

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
        assertThat(server.verifyWithJwks(refreshed.text("id_token"), TestServer.SPA)
                        .getSubject())
                .isEqualTo(id.getSubject());

        Response silent = browser.get(authorize(challenge, "&prompt=none&response_mode=web_message"));
        assertThat(silent.status()).isEqualTo(200);
        assertThat(silent.body())
                .contains("\"type\":\"authorization_response\"")
                .contains("\"code\":");

        Response logout = browser.get("/v2/logout?client_id=" + TestServer.SPA + "&returnTo=" + enc(CB));
        assertThat(logout.status()).isEqualTo(302);
        assertThat(browser.cookies()).doesNotContainKey("__Host-phonepass_session");
        Response after = browser.get(authorize(challenge, "&prompt=none"));
        assertThat(query(after.header("Location")))
                .containsEntry("error", "login_required")
                .containsEntry("state", STATE);
        JsonNode discovery = server.get("/.well-known/openid-configuration").json();
        assertThat(discovery.get("authorization_endpoint").asText()).isEqualTo(server.issuer() + "authorize");
    }
}
