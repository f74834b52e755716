package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/**
 * Code exchanges: legacy {@code /oauth/ro} and the {@code /oauth/token} grants, with Auth0's code rules
 * (docs/auth0-compatibility.md#code-rules).
 */
class CodeExchangeTest {
    static TestServer server;
    private static int next = 200;
    /** An API whose access tokens are signed EdDSA, and one ES256, beside the default RS256 one. */
    static final String ED_API = "https://fast.example.com/";

    static final String EC_API = "https://ec.example.com/";

    @BeforeAll
    static void start() {
        server = new TestServer(TestServer.DEFAULT_YAML.replace("""
                apis:
                  - identifier: https://api.example.com/
                """, """
                apis:
                  - identifier: https://api.example.com/
                  - identifier: %s
                    signing_alg: EdDSA
                  - identifier: %s
                    signing_alg: ES256
                """.formatted(ED_API, EC_API)), null);
        assertThat(server.get("/.well-known/jwks.json").body())
                .contains("\"OKP\"")
                .contains("\"EC\"");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static synchronized String phone() {
        return "+1201555" + String.format("%04d", next++);
    }

    private static Map<String, String> ro(String phone, String code) {
        return map(
                "scope",
                "openid",
                "response_type",
                "code",
                "sso",
                "false",
                "connection",
                "sms",
                "username",
                phone,
                "password",
                code,
                "client_id",
                TestServer.SPA,
                "grant_type",
                "password");
    }

    private static Map<String, Object> otp(String client, String phone, String code) {
        return Map.of(
                "grant_type",
                "http://auth0.com/oauth/grant-type/passwordless/otp",
                "client_id",
                client,
                "username",
                phone,
                "otp",
                code,
                "realm",
                "sms",
                "scope",
                "openid profile phone offline_access");
    }

    private static String joseHeader(String jwt) {
        return new String(
                java.util.Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    static JwtClaims verifyIndependently(String jwt, String audience) throws Exception {
        return server.verifyWithJwks(jwt, audience);
    }

    @Test
    void roWhenRightCodeThenTokensVerifiableWithJwks() throws Exception {
        String phone = phone();
        Response r = server.postForm(
                "/oauth/ro",
                ro(phone, server.startAndReadCode(TestServer.SPA, phone)),
                "Origin",
                TestServer.SPA_ORIGIN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.text("token_type")).isEqualTo("Bearer");
        assertThat(r.text("access_token")).isNotBlank().doesNotContain(".");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(TestServer.SPA_ORIGIN);
        JwtClaims claims = verifyIndependently(r.text("id_token"), TestServer.SPA);
        assertThat(claims.getSubject()).matches("sms\\|[0-9a-f]{24}");
        assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue())
                .isEqualTo(36000);
        assertThat(claims.hasClaim("user_id")).isFalse();
    }

    @Test
    void roWhenJsonBodyAndProfileScopeThenFullProfileInToken() throws Exception {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response r = server.postJson(
                "/oauth/ro",
                Map.of(
                        "client_id",
                        TestServer.SPA,
                        "connection",
                        "sms",
                        "grant_type",
                        "password",
                        "username",
                        phone,
                        "password",
                        code,
                        "scope",
                        "openid profile",
                        "state",
                        "st4te",
                        "device",
                        "Browser"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("state")).isEqualTo("st4te");
        JwtClaims claims = verifyIndependently(r.text("id_token"), TestServer.SPA);
        assertThat(claims.getClaimValueAsString("user_id")).isEqualTo(claims.getSubject());
        assertThat(claims.getClaimValueAsString("phone_number")).isEqualTo(phone);
    }

    @Test
    void roWhenJsonpThenTokensInsideCallback() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.JSONP, phone);
        Response r = server.get("/oauth/ro?scope=openid&connection=sms&username=" + TestServer.enc(phone) + "&password="
                + code + "&client_id=" + TestServer.JSONP + "&grant_type=password&cbx=__auth0jp3");
        assertThat(r.body()).startsWith("/**/ typeof __auth0jp3 === 'function' && __auth0jp3({\"access_token\":");
        assertThat(r.body()).contains("\"id_token\":\"ey");
        Response wrong = server.get("/oauth/ro?connection=sms&username=" + TestServer.enc(phone)
                + "&password=000000&client_id=" + TestServer.JSONP + "&grant_type=password&cbx=__auth0jp4");
        assertThat(wrong.body())
                .contains("__auth0jp4({\"status\":401,\"error\":\"invalid_user_password\","
                        + "\"error_description\":\"Wrong phone number or verification code.\"");
    }

    @Test
    void roWhenWrongCodeThenInvalidUserPassword() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response r = server.postForm("/oauth/ro", ro(phone, wrong(code)));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.text("error")).isEqualTo("invalid_user_password");
        assertThat(r.text("error_description")).isEqualTo("Wrong phone number or verification code.");
        assertThat(r.json().get("attempts_remaining").asInt()).isEqualTo(2);
    }

    @Test
    void roWhenThreeWrongCodesThenRightCodeFails() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        for (int i = 0; i < 3; i++) {
            assertThat(server.postForm("/oauth/ro", ro(phone, wrong(code))).status())
                    .isEqualTo(401);
        }
        Response r = server.postForm("/oauth/ro", ro(phone, code));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.text("error")).isEqualTo("invalid_user_password");
    }

    @Test
    void roWhenCodeUsedTwiceThenSecondFails() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        assertThat(server.postForm("/oauth/ro", ro(phone, code)).status()).isEqualTo(200);
        assertThat(server.postForm("/oauth/ro", ro(phone, code)).status()).isEqualTo(401);
    }

    @Test
    void roWhenCodeExpiredThenFails() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        server.clock.advance(Duration.ofSeconds(181));
        Response r = server.postForm("/oauth/ro", ro(phone, code));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.text("error_description")).isEqualTo("Wrong phone number or verification code.");
    }

    @Test
    void roWhenCodeForOtherClientThenFails() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.JSONP, phone);
        assertThat(server.postForm("/oauth/ro", ro(phone, code)).status()).isEqualTo(401);
    }

    @Test
    void roWhenTwoConcurrentVerificationsThenExactlyOneSucceeds() throws Exception {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return server.postForm("/oauth/ro", ro(phone, code)).status();
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get());
            }
            assertThat(statuses).containsOnlyOnce(200).filteredOn(s -> s != 200).containsOnly(401);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void roWhenFieldsMissingThenInvalidRequest() {
        Response r = server.postForm(
                "/oauth/ro",
                map("client_id", TestServer.SPA, "connection", "sms", "grant_type", "password", "password", "123456"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text("error")).isEqualTo("invalid_request");
        assertThat(r.text("error_description")).isEqualTo("missing username parameter");
        Response conn = server.postForm(
                "/oauth/ro",
                map(
                        "client_id",
                        TestServer.SPA,
                        "connection",
                        "github",
                        "grant_type",
                        "password",
                        "username",
                        "+12015550000",
                        "password",
                        "123456"));
        assertThat(conn.text("error_description")).isEqualTo("the connection was not found");
        Response client = server.postForm(
                "/oauth/ro",
                map(
                        "client_id",
                        "nope",
                        "connection",
                        "sms",
                        "grant_type",
                        "password",
                        "username",
                        "+12015550000",
                        "password",
                        "123456"));
        assertThat(client.status()).isEqualTo(403);
        assertThat(client.text("error")).isEqualTo("unauthorized_client");
    }

    @Test
    void roWhenClientLimitedToOtpGrantThenUnauthorizedClient() {
        Response r = server.postForm(
                "/oauth/ro",
                map(
                        "client_id",
                        TestServer.OTP_ONLY,
                        "connection",
                        "sms",
                        "grant_type",
                        "password",
                        "username",
                        "+12015550000",
                        "password",
                        "123456"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text("error")).isEqualTo("unauthorized_client");
    }

    @Test
    void tokenWhenOtpGrantThenAllTokensAndRefreshRotates() throws Exception {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response r = server.postJson("/oauth/token", otp(TestServer.SPA, phone, code));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("expires_in").asLong()).isEqualTo(86400);
        assertThat(r.text("scope")).isEqualTo("openid profile phone offline_access");
        JwtClaims claims = verifyIndependently(r.text("id_token"), TestServer.SPA);
        assertThat(claims.getClaimValueAsString("phone_number")).isEqualTo(phone);
        assertThat(claims.getClaimValue("phone_number_verified")).isEqualTo(true);
        assertThat(claims.getClaimValueAsString("name")).isEqualTo(phone);

        String refresh = r.text("refresh_token");
        Response refreshed = server.postForm(
                "/oauth/token",
                map("grant_type", "refresh_token", "client_id", TestServer.SPA, "refresh_token", refresh));
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        assertThat(refreshed.text("id_token")).isNotBlank();
        String rotated = refreshed.text("refresh_token");
        assertThat(rotated).isNotBlank().isNotEqualTo(refresh);

        // Replaying the used token revokes the whole family, the rotated token included.
        Response replay = server.postForm(
                "/oauth/token",
                map("grant_type", "refresh_token", "client_id", TestServer.SPA, "refresh_token", refresh));
        assertThat(replay.status()).isEqualTo(403);
        assertThat(replay.text("error")).isEqualTo("invalid_grant");
        Response afterReplay = server.postForm(
                "/oauth/token",
                map("grant_type", "refresh_token", "client_id", TestServer.SPA, "refresh_token", rotated));
        assertThat(afterReplay.status()).isEqualTo(403);
    }

    @Test
    void tokenWhenWrongOtpThenInvalidGrant403() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response r = server.postJson("/oauth/token", otp(TestServer.SPA, phone, wrong(code)));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text("error")).isEqualTo("invalid_grant");
        assertThat(r.text("error_description")).isEqualTo("Wrong phone number or verification code.");
    }

    @Test
    void tokenWhenAudienceIsConfiguredApiThenJwtAccessTokenAcceptedByUserinfo() throws Exception {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response r = server.postForm(
                "/oauth/token",
                map(
                        "grant_type",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "client_id",
                        TestServer.SPA,
                        "username",
                        phone,
                        "otp",
                        code,
                        "realm",
                        "sms",
                        "audience",
                        TestServer.API,
                        "scope",
                        "openid"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JwtClaims at = verifyIndependently(r.text("access_token"), TestServer.API);
        assertThat(at.getClaimValueAsString("client_id")).isEqualTo(TestServer.SPA);
        Response info = server.get("/userinfo", "Authorization", "Bearer " + r.text("access_token"));
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.text("sub")).isEqualTo(at.getSubject());
    }

    @Test
    void tokenWhenApiSignsEdDsaOrEs256ThenAccessTokenSoSignedAndAcceptedByUserinfo() throws Exception {
        for (String[] api : new String[][] {{ED_API, "EdDSA"}, {EC_API, "ES256"}}) {
            String phone = phone();
            String code = server.startAndReadCode(TestServer.SPA, phone);
            Response r = server.postForm(
                    "/oauth/token",
                    map(
                            "grant_type",
                            "http://auth0.com/oauth/grant-type/passwordless/otp",
                            "client_id",
                            TestServer.SPA,
                            "username",
                            phone,
                            "otp",
                            code,
                            "realm",
                            "sms",
                            "audience",
                            api[0],
                            "scope",
                            "openid"));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            String accessToken = r.text("access_token");
            assertThat(joseHeader(accessToken))
                    .contains("\"alg\":\"" + api[1] + "\"")
                    .contains("\"typ\":\"at+jwt\"");
            JwtClaims at = verifyIndependently(accessToken, api[0]);
            // The id_token stays RS256: Auth0's browser libraries accept nothing else.
            assertThat(joseHeader(r.text("id_token"))).contains("\"alg\":\"RS256\"");
            Response info = server.get("/userinfo", "Authorization", "Bearer " + accessToken);
            assertThat(info.status()).isEqualTo(200);
            assertThat(info.text("sub")).isEqualTo(at.getSubject());
        }
    }

    @Test
    void tokenWhenUnknownAudienceThenAccessDenied() {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response r = server.postForm(
                "/oauth/token",
                map(
                        "grant_type",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "client_id",
                        TestServer.SPA,
                        "username",
                        phone,
                        "otp",
                        code,
                        "realm",
                        "sms",
                        "audience",
                        "https://unknown.example/"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text("error")).isEqualTo("access_denied");
        // Refused before the code was touched: the same code still signs in.
        Response ok = server.postJson("/oauth/token", otp(TestServer.SPA, phone, code));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.text("id_token")).isNotBlank();
    }

    @Test
    void tokenWhenBadGrantOrRealmThenErrors() {
        Response grant = server.postForm(
                "/oauth/token",
                map("grant_type", "urn:ietf:params:oauth:grant-type:device_code", "client_id", TestServer.SPA));
        assertThat(grant.status()).isEqualTo(400);
        assertThat(grant.text("error")).isEqualTo("unsupported_grant_type");
        // client_credentials is known, and refused to a public client (docs/management.md#access).
        Response machine =
                server.postForm("/oauth/token", map("grant_type", "client_credentials", "client_id", TestServer.SPA));
        assertThat(machine.status()).isEqualTo(403);
        assertThat(machine.text("error")).isEqualTo("unauthorized_client");
        Response realm = server.postForm(
                "/oauth/token",
                map(
                        "grant_type",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "client_id",
                        TestServer.SPA,
                        "username",
                        "+12015550000",
                        "otp",
                        "123456",
                        "realm",
                        "email"));
        assertThat(realm.status()).isEqualTo(400);
        assertThat(realm.text("error")).isEqualTo("invalid_request");
        Response missing = server.postForm("/oauth/token", map("client_id", TestServer.SPA));
        assertThat(missing.text("error_description")).isEqualTo("missing grant_type parameter");
    }

    @Test
    void tokenWhenConfidentialClientWithoutSecretThenInvalidClient() {
        Response r = server.postForm(
                "/oauth/token",
                map(
                        "grant_type",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "client_id",
                        TestServer.CONFIDENTIAL,
                        "username",
                        "+12015550000",
                        "otp",
                        "123456",
                        "realm",
                        "sms"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.text("error")).isEqualTo("invalid_client");
    }

    @Test
    void tokenWhenConfidentialClientUsesBasicAuthThenAccepted() {
        String phone = phone();
        Response start = server.postForm(
                "/passwordless/start",
                map(
                        "client_id",
                        TestServer.CONFIDENTIAL,
                        "client_secret",
                        TestServer.CONFIDENTIAL_SECRET,
                        "connection",
                        "sms",
                        "phone_number",
                        phone));
        assertThat(start.status()).isEqualTo(200);
        String basic = java.util.Base64.getEncoder()
                .encodeToString((TestServer.CONFIDENTIAL + ":" + TestServer.CONFIDENTIAL_SECRET)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Response r = server.postForm(
                "/oauth/token",
                map(
                        "grant_type",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "client_id",
                        TestServer.CONFIDENTIAL,
                        "username",
                        phone,
                        "otp",
                        server.latestCode(phone),
                        "realm",
                        "sms"),
                "Authorization",
                "Basic " + basic);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /**
     * Revoked by its own client: it stops working. Another client's attempt is refused and revokes nothing (RFC 7009
     * §2.1): TokenScopeAndRevocationTest.revokeWhenTokenBelongsToAnotherClientThenRefusedAndTokenKeepsWorking.
     */
    @Test
    void revokeWhenRefreshTokenRevokedThenItNoLongerRefreshes() {
        String revokingClient = TestServer.SPA;
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Response r = server.postJson("/oauth/token", otp(TestServer.SPA, phone, code));
        Response revoke =
                server.postJson("/oauth/revoke", Map.of("client_id", revokingClient, "token", r.text("refresh_token")));
        assertThat(revoke.status()).isEqualTo(200);
        assertThat(revoke.body()).isEmpty();
        Response refreshed = server.postForm(
                "/oauth/token",
                map(
                        "grant_type",
                        "refresh_token",
                        "client_id",
                        TestServer.SPA,
                        "refresh_token",
                        r.text("refresh_token")));
        assertThat(refreshed.status()).isEqualTo(403);
        assertThat(refreshed.text("error")).isEqualTo("invalid_grant");
        Response unknown = server.postJson("/oauth/revoke", Map.of("client_id", revokingClient, "token", "nope"));
        assertThat(unknown.status()).isEqualTo(200);
    }

    @Test
    void revokeWhenAccessTokenRevokedThenUserinfoRefuses() {
        Response r = server.login(TestServer.SPA, phone(), "openid");
        String at = r.text("access_token");
        assertThat(server.get("/userinfo", "Authorization", "Bearer " + at).status())
                .isEqualTo(200);
        server.postJson("/oauth/revoke", Map.of("client_id", TestServer.SPA, "token", at));
        assertThat(server.get("/userinfo", "Authorization", "Bearer " + at).status())
                .isEqualTo(401);
    }

    static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }
}
