package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/** {@code /tokeninfo}, {@code /userinfo}, discovery, country, logout, health and the dev inbox page. */
class ProfileAndPublicEndpointsTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokeninfoWhenValidIdTokenThenFullAuth0Profile() {
        Response login = server.login(TestServer.SPA, "+12015550301", "openid");
        for (Response r : new Response[] {
            server.postForm("/tokeninfo", map("id_token", login.text("id_token"))),
            server.postJson("/tokeninfo", Map.of("id_token", login.text("id_token")))
        }) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text("user_id")).matches("sms\\|[0-9a-f]{24}");
            assertThat(r.text("phone_number")).isEqualTo("+12015550301");
            assertThat(r.json().get("phone_verified").asBoolean()).isTrue();
            assertThat(r.json().get("identities").get(0).get("provider").asText())
                    .isEqualTo("sms");
            assertThat(r.json().get("identities").get(0).get("connection").asText())
                    .isEqualTo("sms");
            assertThat(r.json().get("logins_count").asLong()).isEqualTo(1);
            assertThat(r.text("clientID")).isEqualTo(TestServer.SPA);
            for (String field :
                    new String[] {"name", "nickname", "picture", "created_at", "updated_at", "last_login", "last_ip"}) {
                assertThat(r.text(field)).as(field).isNotBlank();
            }
        }
    }

    @Test
    void tokeninfoWhenJsonpThenProfileUnderUser() {
        Response login = server.login(TestServer.JSONP, "+12015550302", "openid");
        Response r = server.get("/tokeninfo?id_token=" + login.text("id_token") + "&cbx=__auth0jp7");
        assertThat(r.body())
                .startsWith("/**/ typeof __auth0jp7 === 'function' && __auth0jp7({\"status\":200,"
                        + "\"user\":{\"user_id\":\"sms|");
    }

    @Test
    void tokeninfoWhenJsonpForClientWithoutJsonpThenRefused() {
        Response login = server.login(TestServer.SPA, "+12015550306", "openid");
        Response r = server.get("/tokeninfo?id_token=" + login.text("id_token") + "&cbx=__auth0jp8");
        assertThat(r.body()).contains("__auth0jp8({\"status\":403").doesNotContain("user_id");
    }

    @Test
    void tokeninfoWhenTamperedOrGarbageThenInvalidToken() {
        Response login = server.login(TestServer.SPA, "+12015550303", "openid");
        String token = login.text("id_token");
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        for (String bad : new String[] {tampered, "garbage", "a.b.c"}) {
            Response r = server.postForm("/tokeninfo", map("id_token", bad));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.text("error")).isEqualTo("invalid_token");
        }
        Response missing = server.postForm("/tokeninfo", map());
        assertThat(missing.status()).isEqualTo(400);
    }

    @Test
    void userinfoWhenGetOrPostThenProfileWithSub() {
        // The phone scope is what puts the number in /userinfo (OIDC Core §5.4).
        Response login = server.login(TestServer.SPA, "+12015550304", "openid phone");
        String auth = "Bearer " + login.text("access_token");
        Response get = server.get("/userinfo", "Authorization", auth);
        Response post = server.send(server.request("/userinfo")
                .header("Authorization", auth)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.noBody()));
        for (Response r : new Response[] {get, post}) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text("sub")).startsWith("sms|");
            assertThat(r.text("phone_number")).isEqualTo("+12015550304");
        }
    }

    @Test
    void userinfoWhenNoOrBadTokenThen401WithChallenge() {
        Response none = server.get("/userinfo");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        Response bad = server.get("/userinfo", "Authorization", "Bearer nope");
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.text("error")).isEqualTo("invalid_token");
    }

    @Test
    void jwksWhenFetchedThenRsaKeysWithCorsForAnyOrigin() {
        Response r = server.get("/.well-known/jwks.json", "Origin", "https://any.example");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
        var key = r.json().get("keys").get(0);
        assertThat(key.get("kty").asText()).isEqualTo("RSA");
        assertThat(key.get("alg").asText()).isEqualTo("RS256");
        assertThat(key.get("use").asText()).isEqualTo("sig");
        assertThat(key.get("kid").asText()).isNotBlank();
        assertThat(key.get("e").asText()).isEqualTo("AQAB");
        assertThat(key.has("d")).isFalse();
        assertThat(key.has("p")).isFalse();
    }

    @Test
    void openidConfigurationWhenFetchedThenPointsAtThisServer() {
        Response r = server.get("/.well-known/openid-configuration");
        assertThat(r.text("issuer")).isEqualTo(server.issuer());
        assertThat(r.text("jwks_uri")).isEqualTo(server.issuer() + ".well-known/jwks.json");
        assertThat(r.text("token_endpoint")).isEqualTo(server.issuer() + "oauth/token");
    }

    @Test
    void countryWhenLanguageHasRegionThenThatRegionElseDefault() {
        assertThat(server.get("/user/geoloc/country", "Accept-Language", "en-GB,en;q=0.8")
                        .text("country_code"))
                .isEqualTo("GB");
        assertThat(server.get("/user/geoloc/country").text("country_code")).isEqualTo("US");
        Response cors = server.get("/user/geoloc/country", "Origin", TestServer.SPA_ORIGIN);
        assertThat(cors.header("Access-Control-Allow-Origin")).isEqualTo(TestServer.SPA_ORIGIN);
    }

    @Test
    void logoutWhenReturnToAllowedThenRedirectElseRefused() {
        Response ok = server.get(
                "/v2/logout?client_id=" + TestServer.SPA + "&returnTo=" + TestServer.enc("http://localhost:3000/"));
        assertThat(ok.status()).isEqualTo(302);
        assertThat(ok.header("Location")).isEqualTo("http://localhost:3000/");
        Response legacy = server.get("/logout?returnTo=" + TestServer.enc("http://localhost:3000/"));
        assertThat(legacy.status()).isEqualTo(302);
        Response evil = server.get(
                "/v2/logout?client_id=" + TestServer.SPA + "&returnTo=" + TestServer.enc("https://evil.example/"));
        assertThat(evil.status()).isEqualTo(400);
        assertThat(evil.header("Location")).isNull();
        assertThat(server.get("/logout").status()).isEqualTo(200);
    }

    @Test
    void healthWhenDatabaseUpThenUp() {
        Response r = server.get("/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("status")).isEqualTo("UP");
        assertThat(r.json().get("checks").get("database").asText()).isEqualTo("UP");
        assertThat(server.get("/health/live").status()).isEqualTo(200);
        server.startAndReadCode(TestServer.SPA, "+12015550307");
        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("jvm_memory_used_bytes");
        // SMS delivery per provider and country, never per number.
        assertThat(metrics).containsPattern("phonepass_sms_sent_total\\{[^}]*provider=\"dev\"");
        assertThat(metrics).doesNotContain("2015550307");
    }

    @Test
    void devInboxPageWhenDevModeThenHtmlWithSecurityHeaders() {
        server.startAndReadCode(TestServer.SPA, "+12015550305");
        Response r = server.get("/dev/sms");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.body()).contains("+12015550305");
        assertThat(r.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void unknownPathThen404JsonAndWrongMethodThen405() {
        Response missing = server.get("/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.text("error")).isEqualTo("not_found");
        Response method = server.send(server.request("/oauth/token").PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.text("error")).isEqualTo("method_not_allowed");
    }
}
