package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/** Settings that change the login rules: sign-ups, kept codes, nonce, languages. Each test has its own server. */
class LoginRulesTest {
    private static String yaml(String sms) {
        return TestServer.DEFAULT_YAML.replace("sms:\n  provider: dev\n", "sms:\n  provider: dev\n" + sms);
    }

    @Test
    void startWhenSignupDisabledAndUnknownNumberThenClearErrorAndNoSms() {
        try (TestServer server = new TestServer(
                yaml("  signup_disabled_response: error\n").replace("disable_signup: false", "disable_signup: true"),
                null)) {
            Response r = server.postForm(
                    "/passwordless/start",
                    map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "+12015550501"));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.text("error")).isEqualTo("signup_disabled");
            assertThat(server.get("/dev/sms.json?to=%2B12015550501").json()).isEmpty();
        }
    }

    @Test
    void startWhenSignupDisabledSilentThenSameAnswerAsKnownNumberAndNoSms() {
        try (TestServer server = new TestServer(
                yaml("  signup_disabled_response: silent\n").replace("disable_signup: false", "disable_signup: true"),
                null)) {
            Response r = server.postForm(
                    "/passwordless/start",
                    map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "+12015550502"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text("phone_number")).isEqualTo("+12015550502");
            assertThat(r.text("_id")).matches("[0-9a-f]{24}");
            assertThat(server.get("/dev/sms.json?to=%2B12015550502").json()).isEmpty();
        }
    }

    @Test
    void verifyWhenSignupDisabledThenExistingUserStillSignsIn() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("phonepass-signup");
        try {
            try (TestServer open = new TestServer(TestServer.DEFAULT_YAML, dir)) {
                assertThat(open.login(TestServer.SPA, "+12015550503", "openid").status())
                        .isEqualTo(200);
            }
            try (TestServer closed = new TestServer(
                    TestServer.DEFAULT_YAML.replace("disable_signup: false", "disable_signup: true"), dir)) {
                assertThat(closed.login(TestServer.SPA, "+12015550503", "openid")
                                .status())
                        .isEqualTo(200);
            }
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    @Test
    void refreshWhenItsApiWasTakenOutOfTheSettingsThenClearRefusalNotAServerError() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("phonepass-api-removed");
        try {
            String refresh;
            try (TestServer before = new TestServer(TestServer.DEFAULT_YAML, dir)) {
                String code = before.startAndReadCode(TestServer.SPA, "+12015550505");
                Response r = before.postForm(
                        "/oauth/token",
                        map(
                                "grant_type",
                                "http://auth0.com/oauth/grant-type/passwordless/otp",
                                "client_id",
                                TestServer.SPA,
                                "username",
                                "+12015550505",
                                "otp",
                                code,
                                "realm",
                                "sms",
                                "audience",
                                TestServer.API,
                                "scope",
                                "openid offline_access"));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                refresh = r.text("refresh_token");
            }
            try (TestServer after = new TestServer(TestServer.DEFAULT_YAML.replace("""
                    apis:
                      - identifier: https://api.example.com/
                    """, ""), dir)) {
                Response r = after.postForm(
                        "/oauth/token",
                        map("grant_type", "refresh_token", "client_id", TestServer.SPA, "refresh_token", refresh));
                assertThat(r.status()).as(r.body()).isEqualTo(403);
                assertThat(r.text("error")).isEqualTo("invalid_grant");
                assertThat(r.text("error_description")).contains("no longer configured");
            }
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    @Test
    void verifyWhenKeepPreviousCodesThenEarlierCodeStillWorks() {
        try (TestServer server = new TestServer(yaml("  keep_previous_codes: 1\n"), null)) {
            String first = server.startAndReadCode(TestServer.SPA, "+12015550504");
            String second = server.startAndReadCode(TestServer.SPA, "+12015550504");
            Response r = server.postForm(
                    "/oauth/ro",
                    map(
                            "client_id",
                            TestServer.SPA,
                            "connection",
                            "sms",
                            "grant_type",
                            "password",
                            "username",
                            "+12015550504",
                            "password",
                            first));
            assertThat(r.status()).isEqualTo(200);
            // The success retired the other live code.
            if (!first.equals(second)) {
                Response again = server.postForm(
                        "/oauth/ro",
                        map(
                                "client_id",
                                TestServer.SPA,
                                "connection",
                                "sms",
                                "grant_type",
                                "password",
                                "username",
                                "+12015550504",
                                "password",
                                second));
                assertThat(again.status()).isEqualTo(401);
            }
        }
    }

    @Test
    void verifyWhenNonceGivenThenInIdToken() throws Exception {
        try (TestServer server = new TestServer()) {
            String code = server.startAndReadCode(TestServer.SPA, "+12015550505");
            Response r = server.postJson(
                    "/oauth/token",
                    Map.of(
                            "grant_type",
                            "http://auth0.com/oauth/grant-type/passwordless/otp",
                            "client_id",
                            TestServer.SPA,
                            "username",
                            "+12015550505",
                            "otp",
                            code,
                            "realm",
                            "sms",
                            "nonce",
                            "n-0S6_WzA2Mj"));
            String payload = new String(
                    java.util.Base64.getUrlDecoder().decode(r.text("id_token").split("\\.")[1]),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(server.json.readTree(payload).get("nonce").asText()).isEqualTo("n-0S6_WzA2Mj");
        }
    }

    @Test
    void startWhenLanguageTemplateConfiguredThenMessageInThatLanguage() {
        try (TestServer server = new TestServer(
                yaml("  templates:\n    es: \"Tu código de {{ application.name }}" + " es {{ code }}\"\n"), null)) {
            Response r = server.postForm(
                    "/passwordless/start",
                    map("client_id", TestServer.SPA, "connection", "sms", "phone_number", "+12015550506"),
                    "Accept-Language",
                    "es-MX,es;q=0.9");
            assertThat(r.text("request_language")).isEqualTo("es-MX");
            String body = server.get("/dev/sms.json?to=%2B12015550506")
                    .json()
                    .get(0)
                    .get("body")
                    .asText();
            assertThat(body).startsWith("Tu código de Sample SPA es ");
        }
    }
}
