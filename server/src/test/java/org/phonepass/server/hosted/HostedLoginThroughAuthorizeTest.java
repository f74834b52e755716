package org.phonepass.server.hosted;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.enc;
import static org.phonepass.server.TestServer.map;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.server.TestServer.Response;

/**
 * The pages wired to the real authorization endpoint: {@code /authorize} sends the browser to the number page, the
 * code page signs the person in, and the app gets its authorization code; refusals that cannot go back to the app
 * are the product's error page.
 */
class HostedLoginThroughAuthorizeTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aBrowserWithoutJavaScriptSignsInFromAuthorizeToTheAppsCallback() throws Exception {
        String verifier = "v".repeat(50);
        String challenge = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        PageSession browser = new PageSession(server, "pt-PT,pt;q=0.9");
        Response authorize = browser.get("/authorize?response_type=code&client_id=" + TestServer.SPA
                + "&redirect_uri=" + enc("http://localhost:3000/") + "&scope=openid&state=" + enc("ab+c/=")
                + "&code_challenge=" + challenge + "&code_challenge_method=S256&login_hint=" + enc("+12015550901"));
        assertThat(authorize.status()).as(authorize.body()).isIn(302, 303);
        String login = authorize.header("Location");
        assertThat(login).startsWith("/u/login?state=");
        String state = URI.create("https://x" + login).getQuery().substring("state=".length());

        Response number = browser.get(login);
        assertThat(number.status()).isEqualTo(200);
        assertThat(number.body()).contains("Entre com o seu telefone").contains("value=\"(201) 555-0901\"");
        Response sent = browser.post(
                "/u/login?state=" + state,
                map("csrf", PageSession.csrf(number), "country", "US", "phone", "(201) 555-0901"));
        assertThat(sent.status()).as(sent.body()).isEqualTo(303);
        Response codePage = browser.get(sent.header("Location"));
        Response signedIn = browser.post(
                "/u/login/code?state=" + state,
                map("csrf", PageSession.csrf(codePage), "code", server.latestCode("+12015550901")));
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);
        Response back = browser.get(signedIn.header("Location").replace(server.base(), ""));
        assertThat(back.status()).as(back.body()).isIn(302, 303);
        assertThat(back.header("Location"))
                .startsWith("http://localhost:3000/?code=")
                .contains("state=ab%2Bc%2F%3D");
    }

    @Test
    void anUnknownClientGetsTheProductsErrorPageInTheRequestsLanguage() {
        Response r = server.get(
                "/authorize?response_type=code&client_id=nobody&redirect_uri=" + enc("https://evil.example/")
                        + "&ui_locales=es",
                "Accept-Language",
                "de");
        assertThat(r.status()).isBetween(400, 499);
        assertThat(r.header("Location")).isNull();
        assertThat(r.body()).contains("<html lang=\"es\"").contains("No se puede continuar con el inicio de sesión");
        HostedLoginPagesTest.assertStrictHeaders(r);
    }
}
