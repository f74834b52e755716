package org.phonepass.server.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;

/**
 * The Management API over HTTPS against a real server: access, every endpoint's happy path, and what an attacker
 * with a script tries (forged and foreign tokens, scope escalation, injection through q, huge pages).
 */
class ManagementApiHttpTest {
    static final String ADMIN = "m2m-admin";
    static final String ADMIN_SECRET = "admin-secret-admin-secret-admin-secret-42";
    static final String READER = "m2m-reader";
    static final String READER_SECRET = "reader-secret-reader-secret-reader-secret-42";
    static final String NO_GRANT = "m2m-nogrant";
    static final String NO_GRANT_SECRET = "nogrant-secret-nogrant-secret-nogrant-42";

    static final String YAML = TestServer.DEFAULT_YAML.replace("clients:\n", """
            clients:
              - client_id: m2m-admin
                name: Automation
                client_secret: admin-secret-admin-secret-admin-secret-42
                grants: [client_credentials]
                api_grants:
                  - audience: management
                    scopes: [read:users, update:users, delete:users, create:users, read:clients, create:clients,
                             update:clients, delete:clients, read:connections, update:connections, read:logs,
                             read:stats]
              - client_id: m2m-reader
                name: Reader
                client_secret: reader-secret-reader-secret-reader-secret-42
                grants: [client_credentials, passwordless_otp]
                api_grants:
                  - audience: management
                    scopes: [read:users]
              - client_id: m2m-nogrant
                name: No grant
                client_secret: nogrant-secret-nogrant-secret-nogrant-42
                grants: [client_credentials]
            """);

    static TestServer server;
    static String audience;
    static String admin;
    static final AtomicInteger phones = new AtomicInteger(100);

    @BeforeAll
    static void start() {
        server = new TestServer(YAML, null);
        audience = server.issuer() + "api/v2/";
        admin = token(ADMIN, ADMIN_SECRET, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String phone() {
        return "+1201555" + String.format("%04d", phones.incrementAndGet());
    }

    static TestServer.Response tokenResponse(String clientId, String secret, String scope, String aud) {
        Map<String, String> form = TestServer.map(
                "grant_type", "client_credentials", "client_id", clientId, "client_secret", secret, "audience", aud);
        if (scope != null) {
            form.put("scope", scope);
        }
        return server.postForm("/oauth/token", form);
    }

    static String token(String clientId, String secret, String scope) {
        TestServer.Response r = tokenResponse(clientId, secret, scope, audience);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.text("access_token");
    }

    static TestServer.Response call(String method, String path, String token, Object body) {
        try {
            HttpRequest.Builder b = server.request("/api/v2" + path);
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(server.json.writeValueAsString(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return server.send(b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String enc(String s) {
        return TestServer.enc(s);
    }

    static void assertAuth0Error(TestServer.Response r, int status, String errorCode) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("statusCode").asInt()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).isNotBlank();
        assertThat(r.json().get("message").asText()).isNotBlank();
        if (errorCode != null) {
            assertThat(r.text("errorCode")).isEqualTo(errorCode);
        }
    }

    /** Logs a user in over /oauth/token with the SPA and answers the token response. */
    static TestServer.Response otpLogin(String clientId, String phone, String scope) {
        String code = server.startAndReadCode(clientId, phone);
        return server.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type", "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "client_id", clientId,
                        "realm", "sms",
                        "username", phone,
                        "otp", code,
                        "scope", scope));
    }

    static String userIdOf(String phone) {
        TestServer.Response r = call("GET", "/users?q=" + enc("phone_number:\"" + phone + "\""), admin, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json()).hasSize(1);
        return r.json().get(0).get("user_id").asText();
    }

    // ---- access ----

    @Test
    void clientCredentialsWhenGrantedThenAnRs256JwtForTheManagementAudienceWithTheGrantedScopes() throws Exception {
        TestServer.Response r = tokenResponse(ADMIN, ADMIN_SECRET, null, audience);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("token_type")).isEqualTo("Bearer");
        assertThat(r.json().has("id_token")).isFalse();
        assertThat(r.json().has("refresh_token")).isFalse();
        JwtClaims claims = server.verifyWithJwks(r.text("access_token"), audience);
        assertThat(claims.getSubject()).isEqualTo(ADMIN + "@clients");
        assertThat(claims.getClaimValueAsString("gty")).isEqualTo("client-credentials");
        assertThat(claims.getClaimValueAsString("scope").split(" "))
                .containsExactlyInAnyOrderElementsOf(ManagementScopes.ALL);
        String header = new String(
                java.util.Base64.getUrlDecoder().decode(r.text("access_token").split("\\.")[0]));
        assertThat(header).contains("\"RS256\"");
    }

    @Test
    void clientCredentialsWhenScopesAskedBeyondTheGrantThenOnlyGrantedOnesAndNeverAnUngrantedOne() throws Exception {
        TestServer.Response r = tokenResponse(
                READER,
                READER_SECRET,
                "read:users delete:users update:clients create:clients admin:all openid",
                audience);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("scope")).isEqualTo("read:users");
        assertThat(server.verifyWithJwks(r.text("access_token"), audience).getClaimValueAsString("scope"))
                .isEqualTo("read:users");
        // The token's scope is what the server checks: delete with it is refused.
        TestServer.Response del =
                call("DELETE", "/users/" + enc("sms|000000000000000000000000"), r.text("access_token"), null);
        assertAuth0Error(del, 403, "insufficient_scope");
        assertThat(del.text("message")).isEqualTo("Insufficient scope, expected any of: delete:users");
    }

    @Test
    void clientCredentialsWhenRefusedThenAuth0Errors() {
        // Wrong secret.
        assertThat(tokenResponse(ADMIN, "wrong-secret-wrong-secret-wrong-secret", null, audience)
                        .status())
                .isEqualTo(401);
        // A public client, even naming the grant, has no secret to prove.
        assertThat(tokenResponse(TestServer.SPA, "", null, audience).text("error"))
                .isEqualTo("unauthorized_client");
        // A confidential client without the grant.
        TestServer.Response backend =
                tokenResponse(TestServer.CONFIDENTIAL, TestServer.CONFIDENTIAL_SECRET, null, audience);
        assertThat(backend.status()).isEqualTo(403);
        assertThat(backend.text("error")).isEqualTo("unauthorized_client");
        // A client with the grant but no API grant for this audience.
        TestServer.Response none = tokenResponse(NO_GRANT, NO_GRANT_SECRET, null, audience);
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.text("error")).isEqualTo("access_denied");
        // No audience.
        TestServer.Response noAudience = server.postForm(
                "/oauth/token",
                TestServer.map("grant_type", "client_credentials", "client_id", ADMIN, "client_secret", ADMIN_SECRET));
        assertThat(noAudience.status()).isEqualTo(403);
        assertThat(noAudience.text("error")).isEqualTo("access_denied");
    }

    @Test
    void userLoginWhenAskingForTheManagementAudienceThenRefusedSoAPhoneNeverGetsManagementScopes() {
        String phone = phone();
        TestServer.Response start = server.postForm(
                "/passwordless/start",
                TestServer.map(
                        "client_id",
                        READER,
                        "client_secret",
                        READER_SECRET,
                        "connection",
                        "sms",
                        "phone_number",
                        phone));
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        String code = server.latestCode(phone);
        TestServer.Response r = server.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type", "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "client_id", READER,
                        "client_secret", READER_SECRET,
                        "realm", "sms",
                        "username", phone,
                        "otp", code,
                        "audience", audience,
                        "scope", "openid read:users"));
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.text("error")).isEqualTo("access_denied");
    }

    @Test
    void bearerWhenMissingForgedForeignOrAUserTokenThen401() throws Exception {
        assertAuth0Error(call("GET", "/users", null, null), 401, null);
        assertAuth0Error(call("GET", "/users", "not-a-jwt", null), 401, "invalid_token");
        // Signed by a key of the attacker's, with every scope.
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        JwtClaims forged = new JwtClaims();
        forged.setIssuer(server.issuer());
        forged.setAudience(audience);
        forged.setSubject(ADMIN + "@clients");
        forged.setClaim("client_id", ADMIN);
        forged.setClaim("gty", "client-credentials");
        forged.setClaim("scope", String.join(" ", ManagementScopes.ALL));
        forged.setExpirationTimeMinutesInTheFuture(10);
        forged.setIssuedAtToNow();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(forged.toJson());
        jws.setKey((RSAPrivateKey) gen.generateKeyPair().getPrivate());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "at+jwt");
        String[] real = admin.split("\\.");
        String kid = server.json
                .readTree(java.util.Base64.getUrlDecoder().decode(real[0]))
                .get("kid")
                .asText();
        jws.setKeyIdHeaderValue(kid);
        assertAuth0Error(call("GET", "/users", jws.getCompactSerialization(), null), 401, "invalid_token");
        // alg none.
        String none = java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes())
                + "." + real[1] + ".";
        assertAuth0Error(call("GET", "/users", none, null), 401, "invalid_token");
        // A payload swapped under the real signature.
        String swapped = real[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(forged.toJson().getBytes()) + "."
                + real[2];
        assertAuth0Error(call("GET", "/users", swapped, null), 401, "invalid_token");
        // A real token for another API.
        TestServer.Response other = server.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        ADMIN,
                        "client_secret",
                        ADMIN_SECRET,
                        "audience",
                        TestServer.API));
        assertThat(other.status()).isEqualTo(403);
        // A user's access token (opaque) and id_token.
        TestServer.Response login = otpLogin(TestServer.SPA, phone(), "openid");
        assertAuth0Error(call("GET", "/users", login.text("access_token"), null), 401, "invalid_token");
        assertAuth0Error(call("GET", "/users", login.text("id_token"), null), 401, "invalid_token");
    }

    // ---- users ----

    @Test
    void usersWhenSearchedThenTheLuceneSubsetWorksAndAnythingElseIs400() {
        String a = phone();
        String b = phone();
        otpLogin(TestServer.SPA, a, "openid");
        otpLogin(TestServer.SPA, b, "openid");
        String idA = userIdOf(a);
        TestServer.Response byId = call("GET", "/users?q=" + enc("user_id:\"" + idA + "\""), admin, null);
        assertThat(byId.json()).hasSize(1);
        assertThat(byId.json().get(0).get("phone_number").asText()).isEqualTo(a);
        TestServer.Response either = call(
                "GET",
                "/users?include_totals=true&sort=" + enc("phone_number:1") + "&q="
                        + enc("phone_number:\"" + a + "\" OR phone_number:\"" + b + "\""),
                admin,
                null);
        assertThat(either.json().get("total").asLong()).isEqualTo(2);
        assertThat(either.json().get("users").get(0).get("phone_number").asText())
                .isEqualTo(a);
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        TestServer.Response range = call(
                "GET",
                "/users?per_page=100&q="
                        + enc("created_at:[" + today + " TO *] AND NOT blocked:true AND _exists_:last_login"),
                admin,
                null);
        assertThat(range.status()).isEqualTo(200);
        assertThat(range.json().size()).isGreaterThanOrEqualTo(2);
        TestServer.Response prefix = call("GET", "/users?q=" + enc("phone_number:+1201555*"), admin, null);
        assertThat(prefix.json().size()).isGreaterThanOrEqualTo(2);
        // Injection and unsupported syntax.
        for (String q : List.of(
                "phone_number:\"+1' OR '1'='1\"",
                "phone_number:+1%",
                "name:bob",
                "user_id:(a OR b",
                "phone_number:/.*/",
                "email:*",
                "logins_count:[1 TO 5]",
                "created_at:[yesterday TO now]",
                "((((((((((((blocked:true))))))))))))",
                "x".repeat(1_001))) {
            TestServer.Response r = call("GET", "/users?q=" + enc(q), admin, null);
            assertAuth0Error(r, 400, "invalid_query_string");
        }
        assertAuth0Error(call("GET", "/users?per_page=101", admin, null), 400, "invalid_query_string");
        assertAuth0Error(call("GET", "/users?per_page=100&page=10", admin, null), 400, "invalid_paging");
        assertAuth0Error(call("GET", "/users?page=abc", admin, null), 400, "invalid_query_string");
        assertAuth0Error(call("GET", "/users?sort=phone;drop", admin, null), 400, "invalid_query_string");
    }

    @Test
    void userWhenBlockedThenNoLoginOnAnyPathAndItsRefreshTokensEndAndUnblockedThenLoginsAgain() {
        String phone = phone();
        TestServer.Response first = otpLogin(TestServer.SPA, phone, "openid offline_access");
        String refresh = first.text("refresh_token");
        assertThat(refresh).isNotNull();
        String id = userIdOf(phone);
        TestServer.Response patched = call("PATCH", "/users/" + enc(id), admin, Map.of("blocked", true));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().get("blocked").asBoolean()).isTrue();

        TestServer.Response otp = otpLogin(TestServer.SPA, phone, "openid");
        assertThat(otp.status()).as(otp.body()).isEqualTo(401);
        assertThat(otp.text("error")).isEqualTo("unauthorized");
        assertThat(otp.text("error_description")).isEqualTo("user is blocked");
        TestServer.Response ro = server.login(TestServer.SPA, phone, "openid");
        assertThat(ro.status()).isEqualTo(401);
        assertThat(ro.text("error")).isEqualTo("unauthorized");
        assertThat(ro.text("error_description")).isEqualTo("user is blocked");
        TestServer.Response refreshed = server.postForm(
                "/oauth/token",
                TestServer.map("grant_type", "refresh_token", "client_id", TestServer.SPA, "refresh_token", refresh));
        assertThat(refreshed.status()).isEqualTo(403);
        assertThat(refreshed.text("error")).isEqualTo("invalid_grant");
        assertThat(call("GET", "/users?q=" + enc("blocked:true AND phone_number:\"" + phone + "\""), admin, null)
                        .json())
                .hasSize(1);

        call("PATCH", "/users/" + enc(id), admin, Map.of("blocked", false));
        assertThat(otpLogin(TestServer.SPA, phone, "openid").status()).isEqualTo(200);
    }

    @Test
    void userWhenPatchedThenMetadataMergesAsAuth0DoesAndANewNumberIsChecked() {
        String phone = phone();
        otpLogin(TestServer.SPA, phone, "openid");
        String id = userIdOf(phone);
        call("PATCH", "/users/" + enc(id), admin, Map.of("user_metadata", Map.of("lang", "fr", "plan", "pro")));
        java.util.Map<String, Object> patch = new java.util.HashMap<>();
        patch.put("plan", null);
        patch.put("tier", 2);
        TestServer.Response r = call(
                "PATCH",
                "/users/" + enc(id),
                admin,
                Map.of("user_metadata", patch, "app_metadata", Map.of("role", "x")));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("user_metadata").toString()).isEqualTo("{\"lang\":\"fr\",\"tier\":2}");
        assertThat(r.json().get("app_metadata").get("role").asText()).isEqualTo("x");
        // Another user's number is taken; a malformed one is refused; unknown fields are refused.
        String other = phone();
        otpLogin(TestServer.SPA, other, "openid");
        assertAuth0Error(call("PATCH", "/users/" + enc(id), admin, Map.of("phone_number", other)), 409, null);
        assertAuth0Error(
                call("PATCH", "/users/" + enc(id), admin, Map.of("phone_number", "12345")), 400, "invalid_body");
        assertAuth0Error(call("PATCH", "/users/" + enc(id), admin, Map.of("email", "a@b.c")), 400, "invalid_body");
        assertAuth0Error(
                call("PATCH", "/users/" + enc(id), admin, Map.of("user_metadata", Map.of("big", "x".repeat(9_000)))),
                400,
                "invalid_body");
        String moved = phone();
        TestServer.Response changed = call("PATCH", "/users/" + enc(id), admin, Map.of("phone_number", moved));
        assertThat(changed.json().get("phone_number").asText()).isEqualTo(moved);
        assertThat(userIdOf(moved)).isEqualTo(id);
    }

    @Test
    void userWhenCreatedThenSignUpsOffStillLetThatNumberInAndTwiceIsAConflict() {
        String phone = phone();
        TestServer.Response created = call(
                "POST",
                "/users",
                admin,
                Map.of("connection", "sms", "phone_number", phone, "app_metadata", Map.of("vip", true)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.text("user_id")).startsWith("sms|");
        assertThat(created.json().get("logins_count").asLong()).isZero();
        assertAuth0Error(call("POST", "/users", admin, Map.of("connection", "sms", "phone_number", phone)), 409, null);
        assertAuth0Error(
                call("POST", "/users", admin, Map.of("connection", "email", "phone_number", phone())), 400, null);
        assertThat(call("GET", "/users/" + enc(created.text("user_id")), admin, null)
                        .json()
                        .get("app_metadata")
                        .get("vip")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void userWhenDeletedThenErasedWithTokensAndCodesWhileItsLogsStayMasked() throws Exception {
        String phone = phone();
        TestServer.Response login = otpLogin(TestServer.SPA, phone, "openid offline_access");
        String id = userIdOf(phone);
        server.startAndReadCode(TestServer.SPA, phone);
        TestServer.Response del = call("DELETE", "/users/" + enc(id), admin, null);
        assertThat(del.status()).isEqualTo(204);
        assertAuth0Error(call("GET", "/users/" + enc(id), admin, null), 404, "inexistent_user");
        assertAuth0Error(call("DELETE", "/users/" + enc(id), admin, null), 404, "inexistent_user");
        TestServer.Response refreshed = server.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type",
                        "refresh_token",
                        "client_id",
                        TestServer.SPA,
                        "refresh_token",
                        login.text("refresh_token")));
        assertThat(refreshed.status()).isEqualTo(403);
        assertThat(server.get("/userinfo", "Authorization", "Bearer " + login.text("access_token"))
                        .status())
                .isEqualTo(401);
        server.server().auditEvents().flush(Duration.ofSeconds(5));
        TestServer.Response logs = call("GET", "/users/" + enc(id) + "/logs", admin, null);
        assertThat(logs.status()).as(logs.body()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        logs.json().forEach(l -> types.add(l.get("type").asText()));
        assertThat(types).contains("s", "sdu");
        String digits = phone.substring(1);
        assertThat(logs.body()).doesNotContain(digits).doesNotContain(phone);
    }

    @Test
    void lifecycleListenersWhenAUserIsBlockedOrDeletedThenToldSoSessionsCanEnd() {
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.server().managementServices().users().addListener(new org.phonepass.core.user.UserLifecycleListener() {
            @Override
            public void userBlocked(String userId) {
                told.add("blocked " + userId);
            }

            @Override
            public void userDeleted(String userId) {
                told.add("deleted " + userId);
            }
        });
        String phone = phone();
        otpLogin(TestServer.SPA, phone, "openid");
        String id = userIdOf(phone);
        call("PATCH", "/users/" + enc(id), admin, Map.of("blocked", true));
        call("PATCH", "/users/" + enc(id), admin, Map.of("blocked", true));
        call("DELETE", "/users/" + enc(id), admin, null);
        assertThat(told).containsExactly("blocked " + id, "deleted " + id);
    }

    @Test
    void userIdsWhenUnknownOrMalformedThen404() {
        for (String id : List.of("sms|ffffffffffffffffffffffff", "auth0|abc", "sms|' OR 1=1 --", "x".repeat(200))) {
            assertAuth0Error(call("GET", "/users/" + enc(id), admin, null), 404, "inexistent_user");
        }
    }

    // ---- clients ----

    @Test
    void clientsWhenCreatedUpdatedRotatedAndDeletedThenTheyWorkAtOnceAndStopAtOnce() {
        TestServer.Response created = call(
                "POST",
                "/clients",
                admin,
                Map.of(
                        "name",
                        "Shop",
                        "app_type",
                        "spa",
                        "callbacks",
                        List.of("https://shop.example.com/cb"),
                        "allowed_origins",
                        List.of("https://shop.example.com")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.text("client_id");
        assertThat(created.json().has("client_secret")).isFalse();
        assertThat(created.text("token_endpoint_auth_method")).isEqualTo("none");
        // Logs a user in on this node at once.
        assertThat(otpLogin(id, phone(), "openid").status()).isEqualTo(200);

        TestServer.Response patched = call(
                "PATCH",
                "/clients/" + id,
                admin,
                Map.of("name", "Shop 2", "jwt_configuration", Map.of("lifetime_in_seconds", 600)));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.text("name")).isEqualTo("Shop 2");
        assertThat(patched.json()
                        .get("jwt_configuration")
                        .get("lifetime_in_seconds")
                        .asLong())
                .isEqualTo(600);

        TestServer.Response list = call("GET", "/clients", admin, null);
        assertThat(list.body())
                .contains(id)
                .contains(ADMIN)
                .doesNotContain(ADMIN_SECRET)
                .doesNotContain("sha256:");

        // A confidential machine client: its secret is shown once, and rotating it ends the old one.
        TestServer.Response m2m =
                call("POST", "/clients", admin, Map.of("name", "Cron", "app_type", "non_interactive"));
        assertThat(m2m.status()).as(m2m.body()).isEqualTo(201);
        String secret = m2m.text("client_secret");
        assertThat(secret).hasSizeGreaterThan(40);
        assertThat(call("GET", "/clients/" + m2m.text("client_id"), admin, null)
                        .json()
                        .has("client_secret"))
                .isFalse();
        // It has no API grant, so it gets no management token: creating clients never grants scopes.
        assertThat(tokenResponse(m2m.text("client_id"), secret, null, audience).status())
                .isEqualTo(403);
        TestServer.Response rotated = call("POST", "/clients/" + m2m.text("client_id") + "/rotate-secret", admin, null);
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.text("client_secret")).isNotEqualTo(secret);
        assertThat(tokenResponse(m2m.text("client_id"), secret, null, audience).status())
                .isEqualTo(401);

        assertThat(call("DELETE", "/clients/" + id, admin, null).status()).isEqualTo(204);
        assertAuth0Error(call("GET", "/clients/" + id, admin, null), 404, "inexistent_client");
        TestServer.Response after = server.postForm(
                "/passwordless/start", TestServer.map("client_id", id, "connection", "sms", "phone_number", phone()));
        assertThat(after.status()).isEqualTo(400);
    }

    @Test
    void clientsWhenAttackerTriesToEscalateThenRefused() {
        // No API grants through the API, not even for a new client.
        assertAuth0Error(
                call(
                        "POST",
                        "/clients",
                        admin,
                        Map.of(
                                "name", "Evil",
                                "app_type", "non_interactive",
                                "api_grants",
                                        List.of(Map.of("audience", "management", "scopes", ManagementScopes.ALL)))),
                400,
                "invalid_body");
        // The settings file's clients are read-only: no rotating the admin's secret, no widening its grants.
        assertAuth0Error(
                call("POST", "/clients/" + ADMIN + "/rotate-secret", admin, null), 400, "operation_not_supported");
        assertAuth0Error(
                call("PATCH", "/clients/" + READER, admin, Map.of("grant_types", List.of("client_credentials"))),
                400,
                "operation_not_supported");
        assertAuth0Error(call("DELETE", "/clients/" + ADMIN, admin, null), 400, "operation_not_supported");
        // A public client cannot get client_credentials.
        assertAuth0Error(
                call(
                        "POST",
                        "/clients",
                        admin,
                        Map.of("name", "Evil", "app_type", "spa", "grant_types", List.of("client_credentials"))),
                400,
                "invalid_body");
        // Bad values.
        assertAuth0Error(
                call("POST", "/clients", admin, Map.of("name", "x", "callbacks", List.of("javascript:alert(1)"))),
                400,
                "invalid_body");
        assertAuth0Error(
                call("POST", "/clients", admin, Map.of("name", "x", "allowed_origins", List.of("https://a.b/path"))),
                400,
                "invalid_body");
        assertAuth0Error(call("POST", "/clients", admin, Map.of("app_type", "spa")), 400, "invalid_body");
        // A reader cannot write.
        String reader = token(READER, READER_SECRET, null);
        assertAuth0Error(call("POST", "/clients", reader, Map.of("name", "x")), 403, "insufficient_scope");
        assertAuth0Error(call("GET", "/clients", reader, null), 403, "insufficient_scope");
    }

    // ---- connection ----

    @Test
    void connectionWhenReadAndPatchedThenTheRunningRulesChangeAndNoSecretShows() {
        TestServer.Response list = call("GET", "/connections?strategy=sms", admin, null);
        assertThat(list.json()).hasSize(1);
        TestServer.Response c = call("GET", "/connections/" + ConnectionManagement.ID, admin, null);
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.json().get("options").get("totp").get("length").asInt()).isEqualTo(6);
        assertThat(c.body())
                .doesNotContain("secret")
                .doesNotContain("auth_token")
                .doesNotContain("hmac");
        try {
            TestServer.Response p = call(
                    "PATCH",
                    "/connections/" + ConnectionManagement.ID,
                    admin,
                    Map.of(
                            "options",
                            Map.of(
                                    "totp",
                                    Map.of("length", 8, "time_step", 300),
                                    "template",
                                    "Code {{ code }} for {{ application.name }}")));
            assertThat(p.status()).as(p.body()).isEqualTo(200);
            assertThat(p.json().get("options").get("syntax").asText()).isEqualTo("liquid");
            String phone = phone();
            String code = server.startAndReadCode(TestServer.SPA, phone);
            assertThat(code).hasSize(8);
            assertThat(server.get("/dev/sms.json?to=" + enc(phone)).body())
                    .contains("Code " + code + " for Sample SPA");
            assertAuth0Error(
                    call(
                            "PATCH",
                            "/connections/" + ConnectionManagement.ID,
                            admin,
                            Map.of("options", Map.of("brute_force_protection", false))),
                    400,
                    "invalid_body");
            assertAuth0Error(
                    call(
                            "PATCH",
                            "/connections/" + ConnectionManagement.ID,
                            admin,
                            Map.of("options", Map.of("totp", Map.of("length", 3)))),
                    400,
                    "invalid_body");
            assertAuth0Error(
                    call(
                            "PATCH",
                            "/connections/" + ConnectionManagement.ID,
                            admin,
                            Map.of("options", Map.of("template", "no code here"))),
                    400,
                    "invalid_body");
            assertAuth0Error(
                    call(
                            "PATCH",
                            "/connections/" + ConnectionManagement.ID,
                            admin,
                            Map.of("options", Map.of("template", "@@password@@ " + "é".repeat(400)))),
                    400,
                    "invalid_body");
            assertAuth0Error(call("GET", "/connections/con_other", admin, null), 404, "inexistent_connection");
        } finally {
            call(
                    "PATCH",
                    "/connections/" + ConnectionManagement.ID,
                    admin,
                    Map.of(
                            "options",
                            Map.of(
                                    "totp",
                                    Map.of("length", 6, "time_step", 180),
                                    "template",
                                    "Your verification code is: @@password@@")));
        }
    }

    @Test
    void connectionSenderWhenTheProviderIsNotTwilioThenRefusedAsTheProvidersOwn() {
        TestServer.Response c = call("GET", "/connections/" + ConnectionManagement.ID, admin, null);
        assertThat(c.json().get("options").has("from")).isFalse();
        assertThat(c.json().get("options").has("messaging_service_sid")).isFalse();
        for (Map<String, Object> options : List.<Map<String, Object>>of(
                Map.of("from", "+14155550100"),
                Map.of("messaging_service_sid", "MG0123456789abcdef0123456789abcdef"))) {
            TestServer.Response r =
                    call("PATCH", "/connections/" + ConnectionManagement.ID, admin, Map.of("options", options));
            assertAuth0Error(r, 400, "operation_not_supported");
            assertThat(r.text("message")).contains("Twilio").contains("(dev)");
        }
    }

    // ---- logs and stats ----

    @Test
    void logsWhenReadThenAuth0TypesFiltersAndCheckpointPaging() {
        String phone = phone();
        otpLogin(TestServer.SPA, phone, "openid");
        server.startAndReadCode(TestServer.SPA, phone);
        server.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type", "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "client_id", TestServer.SPA,
                        "realm", "sms",
                        "username", phone,
                        "otp", "000000x",
                        "scope", "openid"));
        server.server().auditEvents().flush(Duration.ofSeconds(5));
        TestServer.Response all = call("GET", "/logs?per_page=100", admin, null);
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        all.json().forEach(l -> types.add(l.get("type").asText()));
        assertThat(types).contains("s", "cs", "fp", "seccft");
        assertThat(all.body()).doesNotContain(phone.substring(1));

        TestServer.Response fp = call("GET", "/logs?q=" + enc("type:fp AND client_id:" + TestServer.SPA), admin, null);
        assertThat(fp.json().size()).isGreaterThanOrEqualTo(1);
        fp.json().forEach(l -> assertThat(l.get("type").asText()).isEqualTo("fp"));
        TestServer.Response f = call("GET", "/logs?q=type:f", admin, null);
        f.json().forEach(l -> assertThat(l.get("type").asText()).isEqualTo("f"));

        JsonNode oldest =
                call("GET", "/logs?sort=date:1&per_page=1&page=0", admin, null).json();
        String logId = all.json().get(all.json().size() - 1).get("log_id").asText();
        TestServer.Response next = call("GET", "/logs?from=" + logId + "&take=2", admin, null);
        assertThat(next.json().size()).isLessThanOrEqualTo(2);
        next.json()
                .forEach(l ->
                        assertThat(Long.parseLong(l.get("log_id").asText())).isGreaterThan(Long.parseLong(logId)));
        assertThat(oldest).isNotNull();
        TestServer.Response one = call("GET", "/logs/" + logId, admin, null);
        assertThat(one.text("log_id")).isEqualTo(logId);
        assertAuth0Error(call("GET", "/logs/999999999", admin, null), 404, "inexistent_log");
        assertAuth0Error(call("GET", "/logs/abc", admin, null), 404, "inexistent_log");

        TestServer.Response totals = call("GET", "/logs?include_totals=true&per_page=2", admin, null);
        assertThat(totals.json().get("total").asLong())
                .isGreaterThanOrEqualTo(totals.json().get("logs").size());
        for (String bad : List.of("type:nope", "foo:bar", "type:s OR type:f", "ip:1.2.3.4) DROP", "date:2024-01-01")) {
            assertAuth0Error(call("GET", "/logs?q=" + enc(bad), admin, null), 400, "invalid_query_string");
        }
        assertAuth0Error(call("GET", "/logs?take=101&from=1", admin, null), 400, "invalid_query_string");
        assertAuth0Error(call("GET", "/logs?per_page=1000", admin, null), 400, "invalid_query_string");
    }

    @Test
    void statsWhenReadThenTodaysLoginsAndActiveUsers() {
        otpLogin(TestServer.SPA, phone(), "openid");
        server.server().auditEvents().flush(Duration.ofSeconds(5));
        TestServer.Response daily = call("GET", "/stats/daily", admin, null);
        assertThat(daily.status()).isEqualTo(200);
        assertThat(daily.json()).hasSize(30);
        JsonNode today = daily.json().get(29);
        assertThat(today.get("logins").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(today.get("signups").asLong()).isGreaterThanOrEqualTo(1);
        TestServer.Response active = call("GET", "/stats/active-users", admin, null);
        assertThat(active.body()).matches("[0-9]+");
        assertThat(Long.parseLong(active.body())).isGreaterThanOrEqualTo(1);
        assertAuth0Error(call("GET", "/stats/daily?from=20240101&to=20260101", admin, null), 400, null);
        assertAuth0Error(call("GET", "/stats/daily?from=yesterday", admin, null), 400, null);
    }

    @Test
    void writesWhenMadeThenAuditedWithTheActingClient() {
        String phone = phone();
        call("POST", "/users", admin, Map.of("phone_number", phone));
        server.server().auditEvents().flush(Duration.ofSeconds(5));
        assertThat(server.server().auditEvents().recent(20)).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(org.phonepass.core.abuse.AuditEvent.Type.USER_CREATE);
            assertThat(e.clientId()).isEqualTo(ADMIN);
            assertThat(e.userId()).startsWith("sms|");
        });
    }

    @Test
    void unknownRoutesAndBadBodiesThenAuth0ShapedErrors() {
        assertAuth0Error(call("GET", "/roles", admin, null), 404, null);
        TestServer.Response notJson = server.send(server.request("/api/v2/users")
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")));
        assertAuth0Error(notJson, 400, "invalid_body");
        TestServer.Response form = server.send(server.request("/api/v2/users")
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("phone_number=%2B1")));
        assertAuth0Error(form, 415, null);
        TestServer.Response array = call("POST", "/users", admin, List.of(1, 2));
        assertAuth0Error(array, 400, "invalid_body");
        assertThat(server.get("/api/v2/openapi.json").json().get("openapi").asText())
                .startsWith("3.1");
    }
}
