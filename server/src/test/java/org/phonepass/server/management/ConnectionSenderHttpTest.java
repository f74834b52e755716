package org.phonepass.server.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.sms.support.FakeVendor;
import org.phonepass.testkit.ExternalServices;

/**
 * Twilio's sender through {@code PATCH /api/v2/connections/con_sms} (docs/management.md#the-sms-connection), over
 * HTTPS against real servers sending to a fake Twilio: a new number or Messaging Service is what the next message
 * goes from, with the same credentials, which are never shown; bad values are refused and change nothing; a second
 * node on the same database sends from the new sender too.
 */
class ConnectionSenderHttpTest {
    static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    static final String AUTH_TOKEN = "twilio-auth-token-that-is-never-shown";
    static final String NUMBER = "+12015550100";
    static final String SERVICE = "MGfedcba9876543210fedcba9876543210";
    static final String LIMITS = """
            limits:
              start_per_ip: {capacity: 100000}
              start_per_phone_hourly: {capacity: 100000}
              start_per_phone_daily: {capacity: 100000}
              start_per_country_hourly: {capacity: 100000}
              start_per_country_daily: {capacity: 100000}
              start_global_hourly: {capacity: 100000}
              start_global_daily: {capacity: 100000}
              pumping: {enabled: false}
            """;
    static final String ADMIN_PHONE = "+12015550199";
    static final FakeVendor twilio = new FakeVendor();
    static final AtomicInteger phones = new AtomicInteger(600);
    static TestServer server;
    static String token;

    static String yaml() {
        return ManagementApiHttpTest.YAML.replace(
                        "sms:\n  provider: dev\n", """
                        sms:
                          provider: twilio
                          twilio:
                            account_sid: %s
                            auth_token: %s
                            from: "%s"
                            base_url: %s
                        """.formatted(ACCOUNT, AUTH_TOKEN, NUMBER, twilio.baseUrl()))
                + LIMITS
                + "admin:\n  phone_numbers: [\"" + ADMIN_PHONE + "\"]\n";
    }

    @BeforeAll
    static void start() {
        twilio.always(r ->
                FakeVendor.Reply.json(201, "{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}"));
        server = new TestServer(yaml(), null);
        token = token(server, server.issuer() + "api/v2/");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        twilio.close();
    }

    static String token(TestServer node, String audience) {
        TestServer.Response r = node.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        ManagementApiHttpTest.ADMIN,
                        "client_secret",
                        ManagementApiHttpTest.ADMIN_SECRET,
                        "audience",
                        audience));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.text("access_token");
    }

    static TestServer.Response call(TestServer node, String bearer, String method, Object body) {
        try {
            HttpRequest.Builder b = node.request("/api/v2/connections/" + ConnectionManagement.ID)
                    .header("Authorization", "Bearer " + bearer);
            if (body != null) {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(node.json.writeValueAsString(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return node.send(b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static TestServer.Response patch(Map<String, Object> options) {
        return call(server, token, "PATCH", Map.of("options", options));
    }

    static Map<String, Object> options(String key, Object value) {
        Map<String, Object> m = new HashMap<>();
        m.put(key, value);
        return m;
    }

    static JsonNode options(TestServer node, String bearer) {
        TestServer.Response r = call(node, bearer, "GET", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(AUTH_TOKEN).doesNotContain(ACCOUNT);
        return r.json().get("options");
    }

    /** Sends a code through {@code node} and answers the request the fake Twilio got for it. */
    static FakeVendor.Recorded sendThrough(TestServer node) {
        String phone = "+1201555" + String.format("%04d", phones.incrementAndGet());
        TestServer.Response r = node.postForm(
                "/passwordless/start",
                TestServer.map("client_id", TestServer.SPA, "connection", "sms", "phone_number", phone));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return twilio.requests().stream()
                .filter(x -> phone.equals(x.form().get("To")))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no message to " + phone + " reached Twilio"));
    }

    static void assertRefused(TestServer.Response r, int status, String errorCode, String what) {
        assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(status);
        assertThat(r.json().get("statusCode").asInt()).isEqualTo(status);
        assertThat(r.text("errorCode")).as(what).isEqualTo(errorCode);
        assertThat(r.text("message")).as(what).isNotBlank();
    }

    static String basic() {
        return "Basic "
                + Base64.getEncoder().encodeToString((ACCOUNT + ":" + AUTH_TOKEN).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void senderWhenPatchedThenReadBackAndTheNextMessageGoesFromItWithTheSameCredentials() {
        try {
            JsonNode before = options(server, token);
            assertThat(before.get("from").asText()).isEqualTo(NUMBER);
            assertThat(before.has("messaging_service_sid")).isFalse();
            assertThat(sendThrough(server).form()).containsEntry("From", NUMBER);

            TestServer.Response p = patch(options("from", "+447700900123"));
            assertThat(p.status()).as(p.body()).isEqualTo(200);
            assertThat(p.json().get("options").get("from").asText()).isEqualTo("+447700900123");
            assertThat(options(server, token).get("from").asText()).isEqualTo("+447700900123");
            FakeVendor.Recorded sent = sendThrough(server);
            assertThat(sent.form()).containsEntry("From", "+447700900123").doesNotContainKey("MessagingServiceSid");
            assertThat(sent.header("Authorization")).isEqualTo(basic());

            // A Messaging Service replaces the number: exactly one sender is in force.
            p = patch(options("messaging_service_sid", SERVICE));
            assertThat(p.status()).as(p.body()).isEqualTo(200);
            JsonNode after = options(server, token);
            assertThat(after.get("messaging_service_sid").asText()).isEqualTo(SERVICE);
            assertThat(after.has("from")).isFalse();
            sent = sendThrough(server);
            assertThat(sent.form())
                    .containsEntry("MessagingServiceSid", SERVICE)
                    .doesNotContainKey("From");
            assertThat(sent.header("Authorization")).isEqualTo(basic());

            // The options read back are accepted as they are (an SDK's read-modify-write).
            Map<String, Object> roundTrip = server.json.convertValue(after, Map.class);
            roundTrip.put("disable_signup", false);
            assertThat(patch(roundTrip).status()).isEqualTo(200);
        } finally {
            Map<String, Object> back = new HashMap<>();
            back.put("from", NUMBER);
            back.put("messaging_service_sid", null);
            assertThat(patch(back).status()).isEqualTo(200);
        }
    }

    @Test
    void senderWhenInvalidOrACredentialThenRefusedWith400AndNothingChanges() {
        List<Map<String, Object>> refused = List.of(
                options("from", "447700900123"),
                options("from", "+0447700900123"),
                options("from", "+1234567890123456"),
                options("from", "Phonepass"),
                options("from", "+44 7700 900123"),
                options("from", 447700900123L),
                options("from", "+1" + "2".repeat(70)),
                options("from", null),
                options("from", ""),
                options("messaging_service_sid", "MG123"),
                options("messaging_service_sid", "AC0123456789abcdef0123456789abcdef"),
                options("messaging_service_sid", "MG0123456789abcdef0123456789abcdeg"),
                options("messaging_service_sid", null),
                Map.of("from", "+447700900123", "messaging_service_sid", SERVICE));
        for (Map<String, Object> body : refused) {
            TestServer.Response r = patch(body);
            assertRefused(r, 400, "invalid_body", body.toString());
        }
        // The credentials are not connection options: they cannot be set, and nothing shows them.
        for (String credential : List.of("account_sid", "auth_token", "api_key_sid", "api_key_secret", "base_url")) {
            TestServer.Response r = patch(options(credential, "AC0000000000000000000000000000000"));
            assertRefused(r, 400, "invalid_body", credential);
        }
        assertThat(options(server, token).get("from").asText()).isEqualTo(NUMBER);
        assertThat(sendThrough(server).form()).containsEntry("From", NUMBER);
    }

    @Test
    void senderWhenChangedThroughOneNodeThenTheOtherSendsFromItWithinSeconds() throws Exception {
        ExternalServices.PostgresDatabase db = ExternalServices.postgresDatabase();
        String publicUrl = "https://login.phonepass.test";
        String storage = "storage:\n  type: postgres\n  url: " + db.url() + "\n  user: " + db.user() + "\n"
                + (db.password() == null || db.password().isEmpty() ? "" : "  password: " + db.password() + "\n")
                + "  pool_size: 4\n"
                + "secrets:\n  code_hmac_key: " + ManagementTwoNodesTest.key() + "\n  master_key: "
                + ManagementTwoNodesTest.key() + "\n"
                + "public_url: " + publicUrl + "\n";
        String yaml = yaml().replace("storage:\n  type: embedded\n", storage);
        try (TestServer a = new TestServer(yaml, null);
                TestServer b = new TestServer(yaml, null)) {
            String bearer = token(a, publicUrl + "/api/v2/");
            assertThat(sendThrough(b).form()).containsEntry("From", NUMBER);

            TestServer.Response p = call(a, bearer, "PATCH", Map.of("options", Map.of("from", "+447700900124")));
            assertThat(p.status()).as(p.body()).isEqualTo(200);

            // Each node looks for a change at most once a second.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!"+447700900124".equals(sendThrough(b).form().get("From"))) {
                assertThat(System.nanoTime())
                        .as("the new sender on node B within 5 s")
                        .isLessThan(deadline);
                Thread.sleep(250);
            }
            assertThat(options(b, bearer).get("from").asText()).isEqualTo("+447700900124");
        } finally {
            db.drop();
        }
    }

    @Test
    void senderWhenTypedOnTheConsolesConnectionPageThenCheckedSavedAndUsed() {
        Console admin = new Console();
        admin.signIn();
        TestServer.Response page = admin.get("/admin/connection");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"sender\"").contains("value=\"" + NUMBER + "\"");
        String csrf = Console.field(page.body(), "csrf");
        try {
            TestServer.Response bad = admin.post("/admin/connection", form(csrf, "Phonepass"));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("id=\"form-message\"").contains("E.164");
            assertThat(options(server, token).get("from").asText()).isEqualTo(NUMBER);

            TestServer.Response saved = admin.post("/admin/connection", form(csrf, SERVICE));
            assertThat(saved.status()).as(saved.body()).isEqualTo(200);
            assertThat(options(server, token).get("messaging_service_sid").asText())
                    .isEqualTo(SERVICE);
            assertThat(sendThrough(server).form()).containsEntry("MessagingServiceSid", SERVICE);
            assertThat(admin.get("/admin/connection").body()).contains("value=\"" + SERVICE + "\"");
        } finally {
            Map<String, Object> back = new HashMap<>();
            back.put("from", NUMBER);
            back.put("messaging_service_sid", null);
            assertThat(patch(back).status()).isEqualTo(200);
        }
    }

    static Map<String, String> form(String csrf, String sender) {
        return TestServer.map(
                "csrf", csrf,
                "template", "Your verification code is: @@password@@",
                "code_length", "6",
                "code_lifetime", "180",
                "sender", sender,
                "action", "save");
    }

    /** A browser on the console: its two cookies, and the sign-in with the code the fake Twilio received. */
    static final class Console {
        final Map<String, String> cookies = new HashMap<>();

        String cookieHeader() {
            return String.join(
                    "; ",
                    cookies.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .toList());
        }

        TestServer.Response get(String path) {
            return keep(cookies.isEmpty() ? server.get(path) : server.get(path, "Cookie", cookieHeader()));
        }

        TestServer.Response post(String path, Map<String, String> form) {
            return keep(
                    cookies.isEmpty()
                            ? server.postForm(path, form)
                            : server.postForm(path, form, "Cookie", cookieHeader()));
        }

        TestServer.Response keep(TestServer.Response r) {
            r.headers().forEach((name, values) -> {
                if (name.equalsIgnoreCase("set-cookie")) {
                    for (String c : values) {
                        cookies.put(c.substring(0, c.indexOf('=')), c.substring(c.indexOf('=') + 1, c.indexOf(';')));
                    }
                }
            });
            return r;
        }

        /**
         * Signs the admin in as a browser does (docs/management.md#console-security): the console sends it to
         * /authorize, the hosted pages take the number and the code the fake Twilio received, and the callback
         * opens the console session.
         */
        void signIn() {
            TestServer.Response console = get("/admin/login");
            assertThat(console.status()).as(console.body()).isEqualTo(303);
            TestServer.Response authorize = get(console.header("Location"));
            assertThat(authorize.status()).as(authorize.body()).isEqualTo(302);
            String pages = authorize.header("Location");
            String tx = pages.substring(pages.indexOf("state=") + 6);
            TestServer.Response number = get(pages);
            TestServer.Response sent = post(
                    "/u/login?state=" + tx, TestServer.map("csrf", field(number.body(), "csrf"), "phone", ADMIN_PHONE));
            assertThat(sent.status()).as(sent.body()).isEqualTo(303);
            String body = twilio.requests().stream()
                    .filter(x -> ADMIN_PHONE.equals(x.form().get("To")))
                    .reduce((a, b) -> b)
                    .orElseThrow()
                    .form()
                    .get("Body");
            String code = body.replaceAll("(?s).*?([0-9]{6}).*", "$1");
            TestServer.Response codePage = get(sent.header("Location"));
            TestServer.Response signedIn = post(
                    "/u/login/code?state=" + tx, TestServer.map("csrf", field(codePage.body(), "csrf"), "code", code));
            assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);
            TestServer.Response resume = get(signedIn.header("Location"));
            assertThat(resume.status()).as(resume.body()).isEqualTo(302);
            String callback = resume.header("Location");
            TestServer.Response done = get(callback.substring(callback.indexOf("/admin/callback")));
            assertThat(done.status()).as(done.body()).isEqualTo(303);
            assertThat(done.header("Location")).isEqualTo("/admin/dashboard");
        }

        static String field(String html, String name) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"")
                    .matcher(html);
            assertThat(m.find()).as("a hidden field " + name).isTrue();
            return m.group(1);
        }
    }
}
