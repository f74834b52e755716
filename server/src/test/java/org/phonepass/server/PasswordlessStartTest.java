package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/** {@code /passwordless/start} over real HTTPS: every encoding and every error docs/api.md lists for it. */
class PasswordlessStartTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> start(String phone) {
        return map("client_id", TestServer.SPA, "connection", "sms", "phone_number", phone);
    }

    @Test
    void formStartWhenValidThenAnswersAndSendsCode() {
        Response r = server.postForm(
                "/passwordless/start",
                start("+1 (201) 555-0101"),
                "Auth0-Client",
                "eyJuYW1lIjoiYXV0aDAuanMiLCJ2ZXJzaW9uIjoiNy42LjEifQ");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("phone_number")).isEqualTo("+12015550101");
        assertThat(r.text("_id")).matches("[0-9a-f]{24}");
        assertThat(r.json().get("phone_verified").asBoolean()).isFalse();
        assertThat(r.text("request_language")).isEqualTo("en");
        Response inbox = server.get("/dev/sms.json?to=%2B12015550101");
        assertThat(inbox.json().get(0).get("body").asText())
                .isEqualTo("Your verification code is: "
                        + inbox.json().get(0).get("code").asText());
        assertThat(inbox.json().get(0).get("code").asText()).matches("[0-9]{6}");
    }

    @Test
    void jsonStartWhenAuth0Js9ShapeThenAccepted() {
        Response r = server.postJson(
                "/passwordless/start",
                Map.of(
                        "client_id",
                        TestServer.SPA,
                        "connection",
                        "sms",
                        "send",
                        "code",
                        "phone_number",
                        "+12015550102",
                        "authParams",
                        Map.of("scope", "openid", "state", "xyz")),
                "X-Request-Language",
                "es",
                "Auth0-Client",
                "%%%not-base64");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("request_language")).isEqualTo("es");
    }

    @Test
    void jsonpStartWhenClientAllowsThenScriptCallsCallback() {
        Response r = server.get("/passwordless/start?client_id=" + TestServer.JSONP
                + "&connection=sms&phone_number=%2B12015550103&auth0Client=abc&cbx=__auth0jp0");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/javascript");
        assertThat(r.body()).startsWith("/**/ typeof __auth0jp0 === 'function' && __auth0jp0({\"status\":200,");
        assertThat(r.body()).contains("\"phone_number\":\"+12015550103\"").endsWith(");");
    }

    @Test
    void jsonpStartWhenBadPhoneThenErrorInsideScriptWithStatus200() {
        Response r = server.get("/passwordless/start?client_id=" + TestServer.JSONP
                + "&connection=sms&phone_number=5555&cbx=__auth0jp1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("__auth0jp1({\"status\":400,\"error\":\"bad.phone_number\"");
    }

    @Test
    void jsonpStartWhenClientDisallowsJsonpThenRefused() {
        Response r = server.get("/passwordless/start?client_id=" + TestServer.SPA
                + "&connection=sms&phone_number=%2B12015550104&cbx=__auth0jp0");
        assertThat(r.body()).contains("\"status\":403").contains("allow_jsonp");
        assertThat(server.get("/dev/sms.json?to=%2B12015550104").json()).isEmpty();
    }

    @Test
    void jsonpStartWhenCallbackIsNotAnIdentifierThenRefused() {
        Response r = server.get("/passwordless/start?client_id=" + TestServer.JSONP
                + "&connection=sms&phone_number=%2B12015550104&cbx=alert(1)//");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("alert(1)(");
    }

    @Test
    void getStartWithoutCallbackThenMethodNotAllowed() {
        Response r = server.get("/passwordless/start?client_id=" + TestServer.SPA);
        assertThat(r.status()).isEqualTo(405);
    }

    @Test
    void startWhenFieldsMissingOrWrongThenAuth0Errors() {
        expect(
                map("connection", "sms", "phone_number", "+12015550105"),
                400,
                "bad.client_id",
                "Missing required property: client_id");
        expect(
                map("client_id", "nope", "connection", "sms", "phone_number", "+12015550105"),
                400,
                "bad.client_id",
                "Unknown client: nope");
        expect(
                map("client_id", TestServer.SPA, "phone_number", "+12015550105"),
                400,
                "bad.connection",
                "Missing required property: connection");
        expect(
                map("client_id", TestServer.SPA, "connection", "email", "phone_number", "+12015550105"),
                400,
                "bad.connection",
                "Connection does not exist");
        expect(
                map("client_id", TestServer.SPA, "connection", "sms"),
                400,
                "bad.phone_number",
                "Missing required property: phone_number");
        expect(
                map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "5555"),
                400,
                "bad.phone_number",
                null);
        expect(
                map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "+15555550100"),
                400,
                "bad.phone_number",
                null);
        expect(
                map(
                        "client_id",
                        TestServer.SPA,
                        "connection",
                        "sms",
                        "phone_number",
                        "+12015550105",
                        "authParams",
                        "scope=openid"),
                400,
                "bad.authParams",
                "error in authParams - invalid type: string (expected object)");
        expect(
                map("client_id", TestServer.CONFIDENTIAL, "connection", "sms", "phone_number", "+12015550105"),
                401,
                "bad.client_id",
                null);
    }

    @Test
    void startWhenConfidentialClientSendsSecretThenAccepted() {
        Response r = server.postForm(
                "/passwordless/start",
                map(
                        "client_id",
                        TestServer.CONFIDENTIAL,
                        "client_secret",
                        TestServer.CONFIDENTIAL_SECRET,
                        "connection",
                        "sms",
                        "phone_number",
                        "+12015550106"));
        assertThat(r.status()).isEqualTo(200);
        Response wrong = server.postForm(
                "/passwordless/start",
                map(
                        "client_id",
                        TestServer.CONFIDENTIAL,
                        "client_secret",
                        "wrong",
                        "connection",
                        "sms",
                        "phone_number",
                        "+12015550106"));
        assertThat(wrong.status()).isEqualTo(401);
    }

    @Test
    void startWhenForeignOriginThenRefusedWithoutCorsHeaders() {
        Response r = server.postForm("/passwordless/start", start("+12015550107"), "Origin", "https://evil.example");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text("error")).isEqualTo("bad.client_id");
        assertThat(r.text("error_description")).contains("https://evil.example").contains("allowed_origins");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        assertThat(server.get("/dev/sms.json?to=%2B12015550107").json()).isEmpty();
    }

    @Test
    void startWhenAllowedOriginThenCorsHeadersOnAnswer() {
        Response r = server.postForm("/passwordless/start", start("+12015550108"), "Origin", TestServer.SPA_ORIGIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(TestServer.SPA_ORIGIN);
    }

    @Test
    void preflightWhenAllowedOriginThenAllowsAuth0ClientHeader() {
        Response r = server.send(server.request("/passwordless/start")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", TestServer.SPA_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "auth0-client,content-type"));
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(TestServer.SPA_ORIGIN);
        assertThat(r.header("Access-Control-Allow-Headers"))
                .contains("Auth0-Client")
                .contains("Content-Type")
                .contains("Authorization")
                .contains("X-Request-Language");
        assertThat(r.header("Access-Control-Allow-Methods")).contains("POST").contains("GET");
    }

    @Test
    void preflightWhenForeignOriginThenRefused() {
        Response r = server.send(server.request("/passwordless/start")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void startWhenNewCodeThenPreviousCodeIsDead() {
        String first = server.startAndReadCode(TestServer.SPA, "+12015550109");
        String second = server.startAndReadCode(TestServer.SPA, "+12015550109");
        Response old = server.postForm(
                "/oauth/ro",
                map(
                        "client_id",
                        TestServer.SPA,
                        "connection",
                        "sms",
                        "grant_type",
                        "password",
                        "username",
                        "+12015550109",
                        "password",
                        first));
        if (!first.equals(second)) {
            assertThat(old.status()).isEqualTo(401);
        }
        Response fresh = server.postForm(
                "/oauth/ro",
                map(
                        "client_id",
                        TestServer.SPA,
                        "connection",
                        "sms",
                        "grant_type",
                        "password",
                        "username",
                        "+12015550109",
                        "password",
                        second));
        assertThat(fresh.status()).isEqualTo(200);
    }

    private static void expect(Map<String, String> form, int status, String error, String description) {
        Response r = server.postForm("/passwordless/start", form);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.text("error")).isEqualTo(error);
        assertThat(r.json().has("statusCode")).isFalse();
        if (description != null) {
            assertThat(r.text("error_description")).isEqualTo(description);
        } else {
            assertThat(r.text("error_description")).isNotBlank();
        }
    }
}
