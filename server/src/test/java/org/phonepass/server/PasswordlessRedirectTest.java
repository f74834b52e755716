package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.enc;
import static org.phonepass.server.TestServer.map;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/**
 * The legacy redirect flow (docs/auth0-compatibility.md#the-legacy-redirect-flow): {@code POST /passwordless/verify}
 * checks the code without using it, {@code GET /passwordless/verify_redirect} uses it and redirects to the callback
 * with the tokens.
 */
class PasswordlessRedirectTest {
    private static final String CALLBACK = "http://localhost:3000/";
    private static final String ORIGIN = TestServer.SPA_ORIGIN;
    static TestServer server;
    private static int next = 600;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static synchronized String phone() {
        return "+1201555" + String.format("%04d", next++);
    }

    /** Step 1 as auth0-js 7.6.1 sends it: a form without client_id. */
    private static Response verify(String phone, String code) {
        return server.postForm(
                "/passwordless/verify",
                map("connection", "sms", "phone_number", phone, "verification_code", code),
                "Origin",
                ORIGIN,
                "Auth0-Client",
                "eyJuYW1lIjoiYXV0aDAuanMiLCJ2ZXJzaW9uIjoiNy42LjEifQ");
    }

    /** Step 2 as auth0-js 7.6.1 navigates to it, plus state and nonce. */
    private static Response redirect(String phone, String code, String responseType, String redirectUri) {
        return server.get("/passwordless/verify_redirect?scope=openid&response_type=" + enc(responseType)
                + "&sso=true&connection=sms&phone_number=" + enc(phone) + "&verification_code=" + enc(code)
                + "&client_id=" + TestServer.SPA + "&redirect_uri=" + enc(redirectUri)
                + "&state=st%40te+1&nonce=n0nce-42&auth0Client=eyJuYW1lIjoiYXV0aDAuanMiLCJ2ZXJzaW9uIjoiNy42LjEifQ");
    }

    /** The fragment of a 302's Location, decoded; asserts the redirect goes exactly to the callback. */
    private static Map<String, String> fragment(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        String location = r.header("Location");
        assertThat(location).startsWith(CALLBACK + "#");
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : location.substring(location.indexOf('#') + 1).split("&")) {
            int eq = pair.indexOf('=');
            out.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    static JwtClaims verifyIndependently(String jwt, String audience) throws Exception {
        return server.verifyWithJwks(jwt, audience);
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    @Test
    void verifyWithoutClientIdWhenRightCodeThenOkAndCodeNotConsumed() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        for (int i = 0; i < 4; i++) {
            Response r = verify(phone, code);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{}");
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        }
        // Four right checks cost no attempt: the code is still good, and still has its three attempts.
        Map<String, String> f = fragment(redirect(phone, code, "token", CALLBACK));
        assertThat(f).containsKeys("access_token", "id_token").doesNotContainKey("error");
    }

    @Test
    void redirectWhenRightCodeThenTokensInFragmentVerifiableWithJwks() throws Exception {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        assertThat(verify(phone, code).status()).isEqualTo(200);
        Response r = redirect(phone, code, "token id_token", CALLBACK);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        Map<String, String> f = fragment(r);
        assertThat(f.get("token_type")).isEqualTo("Bearer");
        assertThat(f.get("expires_in")).isEqualTo("86400");
        assertThat(f.get("state")).isEqualTo("st@te 1");
        assertThat(f).doesNotContainKey("refresh_token");
        JwtClaims claims = verifyIndependently(f.get("id_token"), TestServer.SPA);
        assertThat(claims.getSubject()).matches("sms\\|[0-9a-f]{24}");
        assertThat(claims.getClaimValueAsString("nonce")).isEqualTo("n0nce-42");
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(f.get("access_token").getBytes(StandardCharsets.US_ASCII));
        assertThat(claims.getClaimValueAsString("at_hash"))
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16)));
        // The access token works where auth0-js 7 uses it.
        Response userinfo = server.get("/userinfo", "Authorization", "Bearer " + f.get("access_token"));
        assertThat(userinfo.status()).isEqualTo(200);
        assertThat(userinfo.text("sub")).isEqualTo(claims.getSubject());
    }

    @Test
    void redirectWhenCodeUsedTwiceThenSecondIsAccessDenied() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        assertThat(fragment(redirect(phone, code, "token", CALLBACK))).containsKey("access_token");
        Map<String, String> again = fragment(redirect(phone, code, "token", CALLBACK));
        assertThat(again.get("error")).isEqualTo("access_denied");
        assertThat(verify(phone, code).status()).isEqualTo(401);
    }

    @Test
    void verifyWhenWrongCodeThen401LikeOauthRo() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response r = verify(phone, wrong(code));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.text("error")).isEqualTo("invalid_user_password");
        assertThat(r.text("error_description")).isEqualTo("Wrong phone number or verification code.");
        assertThat(r.json().get("attempts_remaining").asInt()).isEqualTo(2);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    }

    @Test
    void verifyWhenThreeWrongCodesThenRightCodeFailsAtBothSteps() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        for (int i = 0; i < 3; i++) {
            assertThat(verify(phone, wrong(code)).status()).isEqualTo(401);
        }
        assertThat(verify(phone, code).status()).isEqualTo(401);
        Map<String, String> f = fragment(redirect(phone, code, "token", CALLBACK));
        assertThat(f.get("error")).isEqualTo("access_denied");
        assertThat(f).doesNotContainKeys("access_token", "id_token");
    }

    @Test
    void redirectWhenWrongCodeThenAccessDeniedFragmentWithStateAndAttemptsCounted() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response r = redirect(phone, wrong(code), "token", CALLBACK);
        assertThat(r.header("Location"))
                .isEqualTo(CALLBACK + "#error=access_denied&error_description="
                        + "Wrong%20phone%20number%20or%20verification%20code.&state=st%40te%201");
        // One wrong at step 2, one at step 1, one more at step 2: the code is dead.
        assertThat(verify(phone, wrong(code)).json().get("attempts_remaining").asInt())
                .isEqualTo(1);
        assertThat(fragment(redirect(phone, wrong(code), "token", CALLBACK)).get("error"))
                .isEqualTo("access_denied");
        assertThat(fragment(redirect(phone, code, "token", CALLBACK)).get("error"))
                .isEqualTo("access_denied");
    }

    @Test
    void redirectWhenRedirectUriNotACallbackThen400WithoutRedirect() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        for (String uri : new String[] {
            "https://evil.example/", "http://localhost:3000", "http://localhost:3000/x", "http://localhost:3000/#x"
        }) {
            Response r = redirect(phone, code, "token", uri);
            assertThat(r.status()).as(uri).isEqualTo(400);
            assertThat(r.header("Location")).isNull();
            assertThat(r.text("error")).isEqualTo("invalid_request");
            assertThat(r.text("error_description")).contains("is not one of the callbacks");
        }
        // Refused before any code comparison: the code is untouched.
        assertThat(fragment(redirect(phone, code, "token", CALLBACK))).containsKey("access_token");
    }

    @Test
    void redirectWhenClientUnknownOrMissingThenJsonError() {
        Response unknown = server.get("/passwordless/verify_redirect?client_id=nope&response_type=token"
                + "&redirect_uri=" + enc(CALLBACK) + "&connection=sms&phone_number=%2B12015550000"
                + "&verification_code=123456");
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.text("error")).isEqualTo("unauthorized_client");
        assertThat(unknown.header("Location")).isNull();
        Response missing =
                server.get("/passwordless/verify_redirect?response_type=token&redirect_uri=" + enc(CALLBACK));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.text("error_description")).isEqualTo("missing client_id parameter");
    }

    @Test
    void redirectWhenResponseTypeCodeThenUnsupportedAndCodeKept() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Map<String, String> f = fragment(redirect(phone, code, "code", CALLBACK));
        assertThat(f.get("error")).isEqualTo("unsupported_response_type");
        assertThat(f.get("error_description")).contains("Use token, id_token or both");
        assertThat(f.get("state")).isEqualTo("st@te 1");
        assertThat(verify(phone, code).status()).isEqualTo(200);
    }

    @Test
    void redirectWhenResponseTypeIdTokenThenNoAccessToken() throws Exception {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Map<String, String> f = fragment(redirect(phone, code, "id_token", CALLBACK));
        assertThat(f).containsKey("id_token").doesNotContainKeys("access_token", "expires_in");
        assertThat(verifyIndependently(f.get("id_token"), TestServer.SPA).getClaimValueAsString("nonce"))
                .isEqualTo("n0nce-42");
    }

    @Test
    void verifyWithClientIdAsJsonThenCheckedForThatClientOnly() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response ok = server.postJson(
                "/passwordless/verify",
                Map.of(
                        "connection",
                        "sms",
                        "verification_code",
                        code,
                        "phone_number",
                        phone,
                        "client_id",
                        TestServer.SPA),
                "Origin",
                ORIGIN);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        // The code is sample-spa's: for another client it is no code at all.
        Response other = server.postJson(
                "/passwordless/verify",
                Map.of(
                        "connection",
                        "sms",
                        "verification_code",
                        code,
                        "phone_number",
                        phone,
                        "client_id",
                        TestServer.JSONP));
        assertThat(other.status()).isEqualTo(401);
        Response grant = server.postJson(
                "/passwordless/verify",
                Map.of(
                        "connection",
                        "sms",
                        "verification_code",
                        code,
                        "phone_number",
                        phone,
                        "client_id",
                        TestServer.OTP_ONLY));
        assertThat(grant.status()).isEqualTo(403);
        assertThat(grant.text("error")).isEqualTo("unauthorized_client");
    }

    @Test
    void verifyWhenOriginAllowedByNoClientThen403() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response r = server.postForm(
                "/passwordless/verify",
                map("connection", "sms", "phone_number", phone, "verification_code", code),
                "Origin",
                "https://evil.example");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text("error")).isEqualTo("unauthorized_client");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void verifyWhenFieldsMissingThenInvalidRequest() {
        Response code = server.postForm(
                "/passwordless/verify", map("connection", "sms", "phone_number", "+12015550000"), "Origin", ORIGIN);
        assertThat(code.status()).isEqualTo(400);
        assertThat(code.text("error")).isEqualTo("invalid_request");
        assertThat(code.text("error_description")).isEqualTo("missing verification_code parameter");
        Response connection = server.postForm(
                "/passwordless/verify",
                map("connection", "email", "phone_number", "+12015550000", "verification_code", "123456"));
        assertThat(connection.text("error_description")).isEqualTo("the connection was not found");
    }
}
