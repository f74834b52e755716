package org.phonepass.server.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.testkit.ExternalServices;

/**
 * Two servers on one PostgreSQL database with codes in Redis, as behind a load balancer: what the Management API
 * changes through one node holds on the other without a restart (docs/management.md#clients).
 */
class ManagementTwoNodesTest {
    static final String PUBLIC_URL = "https://login.phonepass.test";
    static final String AUDIENCE = PUBLIC_URL + "/api/v2/";
    static ExternalServices.PostgresDatabase db;
    static TestServer a;
    static TestServer b;
    static String token;

    @BeforeAll
    static void start() {
        db = ExternalServices.postgresDatabase();
        ExternalServices.RedisTarget redis = ExternalServices.redis();
        String storage = "storage:\n  type: postgres\n  url: " + db.url() + "\n  user: " + db.user() + "\n"
                + (db.password() == null || db.password().isEmpty() ? "" : "  password: " + db.password() + "\n")
                + "  pool_size: 4\n"
                + "redis:\n  url: " + redis.url() + "\n  key_prefix: \"" + redis.keyPrefix() + "\"\n"
                + "secrets:\n  code_hmac_key: " + key() + "\n  master_key: " + key() + "\n"
                + "public_url: " + PUBLIC_URL + "\n";
        String yaml = ManagementApiHttpTest.YAML.replace("storage:\n  type: embedded\n", storage);
        a = new TestServer(yaml, null);
        b = new TestServer(yaml, null);
        TestServer.Response r = a.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        ManagementApiHttpTest.ADMIN,
                        "client_secret",
                        ManagementApiHttpTest.ADMIN_SECRET,
                        "audience",
                        AUDIENCE));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        token = r.text("access_token");
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (db != null) {
            db.drop();
        }
    }

    static String key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    static TestServer.Response call(TestServer node, String method, String path, Object body) {
        try {
            HttpRequest.Builder r = node.request("/api/v2" + path).header("Authorization", "Bearer " + token);
            if (body != null) {
                r.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(node.json.writeValueAsString(body)));
            } else {
                r.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return node.send(r);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static TestServer.Response login(TestServer node, String clientId, String phone) {
        String code = node.startAndReadCode(clientId, phone);
        return node.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "client_id",
                        clientId,
                        "realm",
                        "sms",
                        "username",
                        phone,
                        "otp",
                        code,
                        "scope",
                        "openid"));
    }

    /** Waits for a change made on one node to reach the other: each node checks at least once a second. */
    static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime())
                    .as("not seen on the other node within 5 s")
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    @Test
    void clientWhenCreatedThroughOneNodeThenItLogsAUserInOnTheOtherAtOnceAndStopsWhenDeleted() throws Exception {
        TestServer.Response created = call(a, "POST", "/clients", Map.of("name", "Made on A", "app_type", "spa"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.text("client_id");
        // No wait: an unknown client id makes node B look in the database at once.
        TestServer.Response login = login(b, id, "+12015550301");
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode claims = b.json.readTree(
                Base64.getUrlDecoder().decode(login.text("id_token").split("\\.")[1]));
        assertThat(claims.get("aud").asText()).isEqualTo(id);
        assertThat(claims.get("iss").asText()).isEqualTo(PUBLIC_URL + "/");

        assertThat(call(a, "DELETE", "/clients/" + id, null).status()).isEqualTo(204);
        eventually(() -> b.postForm(
                                "/passwordless/start",
                                TestServer.map("client_id", id, "connection", "sms", "phone_number", "+12015550302"))
                        .status()
                == 400);
    }

    @Test
    void userWhenBlockedThroughOneNodeThenTheOtherRefusesTheLoginAtOnce() {
        String phone = "+12015550303";
        assertThat(login(b, TestServer.SPA, phone).status()).isEqualTo(200);
        TestServer.Response found =
                call(b, "GET", "/users?q=" + TestServer.enc("phone_number:\"" + phone + "\""), null);
        String id = found.json().get(0).get("user_id").asText();
        assertThat(call(a, "PATCH", "/users/" + TestServer.enc(id), Map.of("blocked", true))
                        .status())
                .isEqualTo(200);
        TestServer.Response refused = login(b, TestServer.SPA, phone);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.text("error_description")).isEqualTo("user is blocked");
    }

    @Test
    void connectionWhenChangedThroughOneNodeThenTheOtherSendsTheNewCodes() throws Exception {
        try {
            TestServer.Response p = call(
                    a,
                    "PATCH",
                    "/connections/" + ConnectionManagement.ID,
                    Map.of("options", Map.of("totp", Map.of("length", 9))));
            assertThat(p.status()).as(p.body()).isEqualTo(200);
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger(310);
            eventually(() -> b.startAndReadCode(TestServer.SPA, "+12015550" + next.incrementAndGet())
                            .length()
                    == 9);
            assertThat(call(b, "GET", "/connections/" + ConnectionManagement.ID, null)
                            .json()
                            .get("options")
                            .get("totp")
                            .get("length")
                            .asInt())
                    .isEqualTo(9);
        } finally {
            call(
                    a,
                    "PATCH",
                    "/connections/" + ConnectionManagement.ID,
                    Map.of("options", Map.of("totp", Map.of("length", 6))));
        }
    }
}
