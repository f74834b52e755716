package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.phonepass.server.TestServer.map;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.server.TestServer.Response;

/**
 * What a token may carry and who may end it, against a running server: API scopes only as defined and granted,
 * revocation that ends a family's access tokens and only for the token's own client (RFC 7009 §2.1), profiles read
 * only from the token's client's origins and only as far as its scope allows, never cached, and no client secret in
 * a URL.
 */
class TokenScopeAndRevocationTest {
    static final String OTP = "http://auth0.com/oauth/grant-type/passwordless/otp";
    static final String OTHER_ORIGIN = "https://other.example";
    static final String OTHER_CLIENT = "other-origin";
    static TestServer server;
    private static int next = 0;

    @BeforeAll
    static void start() {
        server = new TestServer(TestServer.DEFAULT_YAML.replace("""
                    callbacks: [http://localhost:3000/]
                """, """
                    callbacks: [http://localhost:3000/]
                    api_grants:
                      - audience: https://api.example.com/
                        scopes: [read:orders]
                  - client_id: other-origin
                    allowed_origins: [https://other.example]
                """).replace("""
                apis:
                  - identifier: https://api.example.com/
                """, """
                apis:
                  - identifier: https://api.example.com/
                    scopes: [read:orders, write:orders, admin]
                """), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static synchronized String phone() {
        return "+1201555" + String.format("%04d", 6000 + next++);
    }

    private static Response otpLogin(String scope, String audience) {
        String phone = phone();
        String code = server.startAndReadCode(TestServer.SPA, phone);
        Map<String, String> form = map(
                "grant_type",
                OTP,
                "client_id",
                TestServer.SPA,
                "username",
                phone,
                "otp",
                code,
                "realm",
                "sms",
                "scope",
                scope);
        if (audience != null) {
            form.put("audience", audience);
        }
        Response r = server.postForm("/oauth/token", form);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    private static Response userinfo(String accessToken, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + accessToken;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return server.get("/userinfo", all);
    }

    private static Response refresh(String refreshToken) {
        return server.postForm(
                "/oauth/token",
                map("grant_type", "refresh_token", "client_id", TestServer.SPA, "refresh_token", refreshToken));
    }

    // ---------------------------------------------------------------- #1 API scopes

    @Test
    void tokenWhenUndefinedAndUngrantedScopesAskedThenJwtAndResponseCarryOnlyGrantedOnes() throws Exception {
        Response r = otpLogin("openid admin delete:users", TestServer.API);
        JwtClaims at = server.verifyWithJwks(r.text("access_token"), TestServer.API);
        assertThat(at.getClaimValueAsString("scope")).isEqualTo("openid");
        assertThat(r.text("scope")).isEqualTo("openid");
        assertThat(r.text("id_token")).isNotBlank();

        Response granted = otpLogin("openid admin read:orders write:orders delete:users", TestServer.API);
        JwtClaims grantedAt = server.verifyWithJwks(granted.text("access_token"), TestServer.API);
        assertThat(grantedAt.getClaimValueAsString("scope")).isEqualTo("openid read:orders");
        assertThat(granted.text("scope")).isEqualTo("openid read:orders");
    }

    @Test
    void tokenWhenNoAudienceThenOnlyOidcScopesOnTheOpaqueToken() {
        Response r = otpLogin("openid phone read:orders admin", null);
        assertThat(r.text("scope")).isEqualTo("openid phone");
    }

    @Test
    void refreshWhenApiTokenRefreshedThenStillOnlyGrantedScopes() throws Exception {
        Response r = otpLogin("openid offline_access read:orders admin", TestServer.API);
        assertThat(r.text("scope")).isEqualTo("openid offline_access read:orders");
        Response refreshed = refresh(r.text("refresh_token"));
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        JwtClaims at = server.verifyWithJwks(refreshed.text("access_token"), TestServer.API);
        assertThat(at.getClaimValueAsString("scope")).isEqualTo("openid offline_access read:orders");
    }

    // ---------------------------------------------------------------- #6 family revocation

    @Test
    void revokeWhenRefreshTokenRevokedThenItsOpaqueAccessTokensStopWorking() {
        Response r = otpLogin("openid offline_access", null);
        Response refreshed = refresh(r.text("refresh_token"));
        assertThat(userinfo(r.text("access_token")).status()).isEqualTo(200);
        assertThat(userinfo(refreshed.text("access_token")).status()).isEqualTo(200);
        Response revoke = server.postForm(
                "/oauth/revoke", map("client_id", TestServer.SPA, "token", refreshed.text("refresh_token")));
        assertThat(revoke.status()).isEqualTo(200);
        assertThat(userinfo(r.text("access_token")).status()).isEqualTo(401);
        assertThat(userinfo(refreshed.text("access_token")).status()).isEqualTo(401);
    }

    @Test
    void refreshWhenReuseDetectedThenTheFamilysAccessTokensStopWorking() {
        Response r = otpLogin("openid offline_access", null);
        Response refreshed = refresh(r.text("refresh_token"));
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refresh(r.text("refresh_token")).status()).as("replay").isEqualTo(403);
        assertThat(userinfo(r.text("access_token")).status()).isEqualTo(401);
        assertThat(userinfo(refreshed.text("access_token")).status()).isEqualTo(401);
        Response other = otpLogin("openid offline_access", null);
        assertThat(userinfo(other.text("access_token")).status())
                .as("another family")
                .isEqualTo(200);
    }

    // ---------------------------------------------------------------- #7 another client's token

    @Test
    void revokeWhenTokenBelongsToAnotherClientThenRefusedAndTokenKeepsWorking() {
        Response r = otpLogin("openid offline_access", null);
        for (String token : new String[] {r.text("refresh_token"), r.text("access_token")}) {
            Response revoke = server.postForm("/oauth/revoke", map("client_id", TestServer.OTP_ONLY, "token", token));
            assertThat(revoke.status()).isEqualTo(403);
            assertThat(revoke.text("error")).isEqualTo("unauthorized_client");
        }
        assertThat(userinfo(r.text("access_token")).status()).isEqualTo(200);
        assertThat(refresh(r.text("refresh_token")).status()).isEqualTo(200);
    }

    @Test
    void revokeWhenJwtAccessTokenThenUnsupportedTokenTypeAndAnotherClientRefused() {
        Response r = otpLogin("openid", TestServer.API);
        Response own =
                server.postForm("/oauth/revoke", map("client_id", TestServer.SPA, "token", r.text("access_token")));
        assertThat(own.status()).isEqualTo(400);
        assertThat(own.text("error")).isEqualTo("unsupported_token_type");
        Response foreign = server.postForm(
                "/oauth/revoke", map("client_id", TestServer.OTP_ONLY, "token", r.text("access_token")));
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.text("error")).isEqualTo("unauthorized_client");
    }

    // ---------------------------------------------------------------- audit rows

    /**
     * The REFRESH and REVOKE rows the running server stores for each outcome (docs/security.md#6-audit-events),
     * written by the domain's TokenManagementService behind the handlers.
     */
    @Test
    void refreshAndRevokeWhenCalledThenTheirAuditRowsAreStored() {
        assertThat(server.server().auditEvents().flush(Duration.ofSeconds(10))).isTrue();
        int before = server.server().auditEvents().recent(100_000).size();
        Response r = otpLogin("openid offline_access", null);
        Response refreshed = refresh(r.text("refresh_token"));
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refresh(r.text("refresh_token")).status()).as("replay").isEqualTo(403);
        assertThat(refresh("never-issued").status()).isEqualTo(403);
        Response other = otpLogin("openid offline_access", null);
        assertThat(server.postForm(
                                "/oauth/revoke",
                                map("client_id", TestServer.OTP_ONLY, "token", other.text("refresh_token")))
                        .status())
                .isEqualTo(403);
        assertThat(server.postForm(
                                "/oauth/revoke", map("client_id", TestServer.SPA, "token", other.text("refresh_token")))
                        .status())
                .isEqualTo(200);
        assertThat(server.server().auditEvents().flush(Duration.ofSeconds(10))).isTrue();
        List<AuditEvent> stored = server.server().auditEvents().recent(100_000);
        List<AuditEvent> ours = new ArrayList<>(stored.subList(0, stored.size() - before).stream()
                .filter(e -> e.type() == AuditEvent.Type.REFRESH || e.type() == AuditEvent.Type.REVOKE)
                .toList());
        Collections.reverse(ours); // recent() is newest first
        assertThat(ours)
                .allSatisfy(e -> assertThat(e.ip()).isEqualTo("127.0.0.1"))
                .extracting(AuditEvent::type, AuditEvent::clientId, AuditEvent::outcome, AuditEvent::detail)
                .containsExactly(
                        tuple(AuditEvent.Type.REFRESH, TestServer.SPA, AuditEvent.Outcome.SUCCESS, null),
                        tuple(
                                AuditEvent.Type.REFRESH,
                                TestServer.SPA,
                                AuditEvent.Outcome.FAILURE,
                                "reuse_family_revoked"),
                        tuple(
                                AuditEvent.Type.REFRESH,
                                TestServer.SPA,
                                AuditEvent.Outcome.FAILURE,
                                "invalid_refresh_token"),
                        tuple(
                                AuditEvent.Type.REVOKE,
                                TestServer.OTP_ONLY,
                                AuditEvent.Outcome.REFUSED,
                                "token_not_for_client"),
                        tuple(AuditEvent.Type.REVOKE, TestServer.SPA, AuditEvent.Outcome.SUCCESS, null));
    }

    // ---------------------------------------------------------------- #8 profile endpoints

    @Test
    void userinfoWhenOriginAllowedOnlyByAnotherClientThenRefused() {
        Response r = otpLogin("openid phone", null);
        Response foreign = userinfo(r.text("access_token"), "Origin", OTHER_ORIGIN);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body()).doesNotContain("phone_number\"");
        assertThat(userinfo(r.text("access_token"), "Origin", TestServer.SPA_ORIGIN)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void tokeninfoWhenOriginAllowedOnlyByAnotherClientThenRefused() {
        Response login = server.login(TestServer.SPA, phone(), "openid");
        Response foreign =
                server.postForm("/tokeninfo", map("id_token", login.text("id_token")), "Origin", OTHER_ORIGIN);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body()).doesNotContain("phone_number");
        assertThat(server.postForm(
                                "/tokeninfo", map("id_token", login.text("id_token")), "Origin", TestServer.SPA_ORIGIN)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void userinfoWhenScopeOpenidOnlyThenSubAlone() {
        Response r = otpLogin("openid", null);
        Response info = userinfo(r.text("access_token"));
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.json().fieldNames()).toIterable().containsExactly("sub");
    }

    @Test
    void userinfoWhenPhoneOrProfileScopeThenTheirClaimsOnly() {
        Response phone = userinfo(otpLogin("openid phone", null).text("access_token"));
        assertThat(phone.json().fieldNames())
                .toIterable()
                .containsExactly("sub", "phone_number", "phone_number_verified");
        Response profile = userinfo(otpLogin("openid profile", null).text("access_token"));
        assertThat(profile.json().fieldNames())
                .toIterable()
                .containsExactly("sub", "name", "nickname", "picture", "updated_at");
        Response jwt = userinfo(otpLogin("openid phone", TestServer.API).text("access_token"));
        assertThat(jwt.json().fieldNames())
                .toIterable()
                .containsExactly("sub", "phone_number", "phone_number_verified");
        assertThat(jwt.body()).doesNotContain("last_ip").doesNotContain("logins_count");
    }

    // ---------------------------------------------------------------- #16 no caching

    @Test
    void profileEndpointsWhenAnsweredThenNoStore() {
        Response r = otpLogin("openid", null);
        assertThat(userinfo(r.text("access_token")).header("Cache-Control")).isEqualTo("no-store");
        Response login = server.login(TestServer.JSONP, phone(), "openid");
        assertThat(server.postForm("/tokeninfo", map("id_token", login.text("id_token")))
                        .header("Cache-Control"))
                .isEqualTo("no-store");
        Response jsonp = server.get("/tokeninfo?id_token=" + login.text("id_token") + "&cbx=__cb1");
        assertThat(jsonp.body()).contains("__cb1({\"status\":200");
        assertThat(jsonp.header("Cache-Control")).isEqualTo("no-store");
    }

    // ---------------------------------------------------------------- #9 secrets in URLs

    @Test
    void clientSecretWhenInUrlThenRefusedOnRedirectAndJsonpGets() {
        Response redirect = server.get("/passwordless/verify_redirect?client_id=" + TestServer.CONFIDENTIAL
                + "&client_secret=" + TestServer.CONFIDENTIAL_SECRET + "&redirect_uri="
                + TestServer.enc("http://localhost:3000/") + "&response_type=token&connection=sms"
                + "&phone_number=%2B12015550000&verification_code=123456");
        assertThat(redirect.status()).isEqualTo(400);
        assertThat(redirect.text("error")).isEqualTo("invalid_request");
        assertThat(redirect.text("error_description")).contains("client_secret must not be sent in a URL");
        Response jsonp = server.get("/oauth/ro?client_id=" + TestServer.CONFIDENTIAL + "&client_secret="
                + TestServer.CONFIDENTIAL_SECRET + "&connection=sms&grant_type=password&username=%2B12015550000"
                + "&password=123456&cbx=__cb2");
        assertThat(jsonp.status()).isEqualTo(400);
        assertThat(jsonp.body()).contains("client_secret must not be sent in a URL");
    }
}
