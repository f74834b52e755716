package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.server.TestServer.Response;

/**
 * {@code POST /co/authenticate} and {@code GET /client/<id>.js} over real HTTPS (docs/spa.md#cross-origin-authentication):
 * the exact answers auth0-js 9/10 and Lock 11-14 turn into their messages, credentialed CORS only for the client's
 * own origins, and the code counted against the same limits as every other way of logging in.
 */
class CrossOriginAuthenticateHttpTest {
    static final String CO_CLIENT = "co-spa";
    static final String CO_ORIGIN = "http://localhost:4000";
    static final String CLIENTS = """
              - client_id: co-spa
                name: Embedded SPA
                allowed_origins: [http://localhost:4000]
                callbacks: [http://localhost:4000/callback]
                grants: [implicit, passwordless_otp, refresh_token]
                cross_origin_authentication: true
              - client_id: plain-spa
                allowed_origins: [http://localhost:4005]
            """;
    private static TestServer server;

    static String yaml() {
        return TestServer.DEFAULT_YAML.replace("clients:\n", "clients:\n" + CLIENTS) + AbuseLimitsHttpTest.TRUST_LOCAL;
    }

    @BeforeAll
    static void start() {
        server = new TestServer(yaml(), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Map<String, String> body(String clientId, String phone, String otp) {
        return map(
                "client_id",
                clientId,
                "username",
                phone,
                "otp",
                otp,
                "realm",
                "sms",
                "credential_type",
                "http://auth0.com/oauth/grant-type/passwordless/otp");
    }

    static Response authenticate(TestServer on, Map<String, String> body, String origin, String ip) {
        return on.postJson("/co/authenticate", body, "Origin", origin, "X-Forwarded-For", ip);
    }

    static String sendCode(TestServer on, String clientId, String phone, String ip) {
        Response r = on.postJson(
                "/passwordless/start",
                map("client_id", clientId, "connection", "sms", "send", "code", "phone_number", phone),
                "X-Forwarded-For",
                ip);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return on.latestCode(phone);
    }

    private static Response preflight(String origin) {
        return server.send(server.request("/co/authenticate")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "auth0-client,content-type"));
    }

    @Test
    void authenticateWhenCodeRightThenTicketVerifierAndCookieWithCredentialedCors() {
        Response pre = preflight(CO_ORIGIN);
        assertThat(pre.status()).isEqualTo(204);
        assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo(CO_ORIGIN);
        assertThat(pre.header("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(pre.header("Access-Control-Allow-Methods")).isEqualTo("POST");

        String phone = "+12015550700";
        String code = sendCode(server, CO_CLIENT, phone, "192.0.2.70");
        Response r = authenticate(server, body(CO_CLIENT, phone, code), CO_ORIGIN, "192.0.2.70");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(CO_ORIGIN);
        assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.json().fieldNames()).toIterable().containsExactly("login_ticket", "co_verifier", "co_id");
        assertThat(r.text("login_ticket")).matches("[A-Za-z0-9_-]{51}");
        assertThat(r.headers().get("set-cookie"))
                .containsExactly(
                        "__Host-phonepass_co_" + r.text("co_id") + "=" + r.text("co_verifier")
                                + "; Path=/; Max-Age=60; Secure; HttpOnly; SameSite=None",
                        "__Host-phonepass_cop_" + r.text("co_id") + "=" + r.text("co_verifier")
                                + "; Path=/; Max-Age=60; Secure; HttpOnly; SameSite=None; Partitioned");
    }

    @Test
    void authenticateWhenCodeWrongThenForbiddenAccessDeniedReadableByThePage() {
        String phone = "+12015550701";
        String code = sendCode(server, CO_CLIENT, phone, "192.0.2.71");
        Response r =
                authenticate(server, body(CO_CLIENT, phone, AbuseLimitsHttpTest.wrong(code)), CO_ORIGIN, "192.0.2.71");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body())
                .isEqualTo(
                        "{\"error\":\"access_denied\",\"error_description\":\"Wrong phone number or verification code.\"}");
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(CO_ORIGIN);
        assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(r.header("Set-Cookie")).isNull();
        // A number with no code at all gets the very same answer.
        Response none = authenticate(server, body(CO_CLIENT, "+12015550799", "123456"), CO_ORIGIN, "192.0.2.71");
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.body()).isEqualTo(r.body());
    }

    @Test
    void authenticateWhenOriginNotListedThenRefusedAndNoCorsHeaders() {
        Response pre = preflight("https://evil.example");
        assertThat(pre.status()).isEqualTo(403);
        assertThat(pre.header("Access-Control-Allow-Origin")).isNull();
        assertThat(pre.header("Access-Control-Allow-Credentials")).isNull();

        String phone = "+12015550702";
        String code = sendCode(server, CO_CLIENT, phone, "192.0.2.72");
        Response r = authenticate(server, body(CO_CLIENT, phone, code), "https://evil.example", "192.0.2.72");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text("error")).isEqualTo("unauthorized_client");
        assertThat(r.text("error_description"))
                .isEqualTo("Origin https://evil.example is not allowed for client co-spa; add it to the client's "
                        + "allowed_origins");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        assertThat(r.header("Access-Control-Allow-Credentials")).isNull();
        assertThat(r.header("Set-Cookie")).isNull();
        // An origin another client lists, but not this one, is no better; nor is a request with no Origin.
        Response other = authenticate(server, body(CO_CLIENT, phone, code), TestServer.SPA_ORIGIN, "192.0.2.72");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();
        Response none = server.postJson("/co/authenticate", body(CO_CLIENT, phone, code));
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.text("error_description")).isEqualTo("Cross origin login needs the browser's Origin header.");
        // The code was never compared: it still works.
        assertThat(authenticate(server, body(CO_CLIENT, phone, code), CO_ORIGIN, "192.0.2.72")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void authenticateWhenCrossOriginAuthenticationOffThenRefusedWithoutCors() {
        // plain-spa lists http://localhost:4005 but keeps the default, off; no other client lists that origin.
        Response pre = preflight("http://localhost:4005");
        assertThat(pre.status()).isEqualTo(403);
        assertThat(pre.header("Access-Control-Allow-Origin")).isNull();
        assertThat(pre.header("Access-Control-Allow-Credentials")).isNull();
        String phone = "+12015550703";
        String code = sendCode(server, "plain-spa", phone, "192.0.2.73");
        Response r = authenticate(server, body("plain-spa", phone, code), "http://localhost:4005", "192.0.2.73");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body())
                .isEqualTo(
                        "{\"error\":\"unauthorized_client\",\"error_description\":\"Cross origin login not allowed.\"}");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        assertThat(r.header("Access-Control-Allow-Credentials")).isNull();
        // The code is untouched: the OTP grant still takes it.
        Response token = server.postForm(
                "/oauth/token",
                map(
                        "client_id",
                        "plain-spa",
                        "grant_type",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "realm",
                        "sms",
                        "username",
                        phone,
                        "otp",
                        code));
        assertThat(token.status()).as(token.body()).isEqualTo(200);
    }

    @Test
    void authenticateWhenBodyNotTheFiveFieldsThenAuth0sMessage() {
        Map<String, String> extra = new java.util.LinkedHashMap<>(body(CO_CLIENT, "+12015550704", "123456"));
        extra.put("scope", "openid");
        Response r = authenticate(server, extra, CO_ORIGIN, "192.0.2.74");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body())
                .isEqualTo(
                        "{\"error\":\"invalid_request\",\"error_description\":\"Invalid request body. All and only of "
                                + "client_id, credential_type, username, otp, realm are required.\"}");
        Map<String, String> missing = new java.util.LinkedHashMap<>(body(CO_CLIENT, "+12015550704", "123456"));
        missing.remove("realm");
        assertThat(authenticate(server, missing, CO_ORIGIN, "192.0.2.74").status())
                .isEqualTo(400);
        Map<String, String> password = new java.util.LinkedHashMap<>(body(CO_CLIENT, "+12015550704", "123456"));
        password.put("credential_type", "http://auth0.com/oauth/grant-type/password-realm");
        Response pw = authenticate(server, password, CO_ORIGIN, "192.0.2.74");
        assertThat(pw.status()).isEqualTo(400);
        assertThat(pw.text("error_description"))
                .isEqualTo("credential_type must be 'http://auth0.com/oauth/grant-type/passwordless/otp'");
        // A form body could be sent from any page without a preflight: refused.
        Response form =
                server.postForm("/co/authenticate", body(CO_CLIENT, "+12015550704", "123456"), "Origin", CO_ORIGIN);
        assertThat(form.status()).isEqualTo(415);
        Response unknown = authenticate(server, body("nobody", "+12015550704", "123456"), CO_ORIGIN, "192.0.2.74");
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.text("error")).isEqualTo("unauthorized_client");
        assertThat(unknown.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void guessesOnCoAuthenticateShareTheCodesAttemptsWithTheTokenEndpoint() {
        String phone = "+12015550705";
        String code = sendCode(server, CO_CLIENT, phone, "192.0.2.75");
        String wrong = AbuseLimitsHttpTest.wrong(code);
        assertThat(authenticate(server, body(CO_CLIENT, phone, wrong), CO_ORIGIN, "198.18.7.1")
                        .status())
                .isEqualTo(403);
        assertThat(authenticate(server, body(CO_CLIENT, phone, wrong), CO_ORIGIN, "198.18.7.2")
                        .status())
                .isEqualTo(403);
        Response third = server.postForm(
                "/oauth/token",
                map(
                        "client_id", CO_CLIENT,
                        "grant_type", "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "realm", "sms",
                        "username", phone,
                        "otp", wrong),
                "X-Forwarded-For",
                "198.18.7.3");
        assertThat(third.status()).isEqualTo(403);
        assertThat(third.json().get("attempts_remaining").asInt()).isZero();
        // Three wrong tries, on two endpoints, used the code up: the right code is refused now on either.
        assertThat(authenticate(server, body(CO_CLIENT, phone, code), CO_ORIGIN, "192.0.2.75")
                        .status())
                .isEqualTo(403);
        assertThat(server.server().auditEvents().flush(Duration.ofSeconds(30))).isTrue();
        List<AuditEvent> verifies = server.server().auditEvents().recent(5_000).stream()
                .filter(e ->
                        e.type() == AuditEvent.Type.VERIFY && e.maskedPhone().endsWith("0705"))
                .toList();
        assertThat(verifies).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void guessesFromOneNetworkOnCoAuthenticateLockThatNetworkOnAllEndpoints() {
        String phone = "+12015550706";
        int refused = 0;
        for (int round = 0; round < 4; round++) {
            String code = sendCode(server, CO_CLIENT, phone, "192.0.2.76");
            for (int i = 0; i < 3; i++) {
                Response r = authenticate(
                        server,
                        body(CO_CLIENT, phone, AbuseLimitsHttpTest.wrong(code)),
                        CO_ORIGIN,
                        "2001:db8:c0:1::" + Integer.toHexString(round * 3 + i + 1));
                if (r.status() == 429) {
                    assertThat(r.text("error")).isEqualTo("too_many_attempts");
                    assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(CO_ORIGIN);
                    refused++;
                } else {
                    assertThat(r.status()).as(r.body()).isEqualTo(403);
                }
            }
        }
        assertThat(refused).isEqualTo(2);
        String fresh = sendCode(server, CO_CLIENT, phone, "192.0.2.76");
        // The locked network is refused even the right code, here and on the token endpoint; others are not.
        assertThat(authenticate(server, body(CO_CLIENT, phone, fresh), CO_ORIGIN, "2001:db8:c0:1:ffff::1")
                        .status())
                .isEqualTo(429);
        Response token = server.postForm(
                "/oauth/token",
                map(
                        "client_id", CO_CLIENT,
                        "grant_type", "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "realm", "sms",
                        "username", phone,
                        "otp", fresh),
                "X-Forwarded-For",
                "2001:db8:c0:1:ffff::2");
        assertThat(token.status()).isEqualTo(429);
        assertThat(authenticate(server, body(CO_CLIENT, phone, fresh), CO_ORIGIN, "192.0.2.76")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void clientScriptWhenKnownClientThenSetClientWithSmsAndNoBadge() {
        Response r = server.get("/client/co-spa.js?t1767225600000");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/javascript; charset=utf-8");
        assertThat(r.header("Cache-Control")).isEqualTo("public, max-age=300");
        assertThat(r.body())
                .isEqualTo("Auth0.setClient({\"id\":\"co-spa\",\"tenant\":\"phonepass\",\"subscription\":\"oss\","
                        + "\"authorize\":\"" + server.issuer() + "authorize\",\"hasAllowedOrigins\":true,"
                        + "\"strategies\":[{\"name\":\"sms\",\"connections\":[{\"name\":\"sms\"}]}]});");
        Response unknown = server.get("/client/nobody.js");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("error")).isEqualTo("not_found");
        assertThat(server.get("/client/co-spa").status()).isEqualTo(404);
    }
}
