package org.phonepass.server.authorize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.server.TestServer.Response;
import org.phonepass.testkit.ExternalServices;

/**
 * Two nodes on one PostgreSQL database and one Redis key prefix, one browser going back and forth between them: the
 * login transaction, the session and the code live in Redis, so each step may land on either node
 * (docs/hosted-login.md#sessions). Skipped without PostgreSQL or Redis (failed under CI=true).
 */
class HostedLoginTwoNodesTest {
    private static final String CB = "http://localhost:3000/";
    private static ExternalServices.PostgresDatabase db;
    private static TestServer a;
    private static TestServer b;

    @BeforeAll
    static void start() {
        db = ExternalServices.postgresDatabase();
        ExternalServices.RedisTarget redis = ExternalServices.redis();
        String yaml = TestServer.DEFAULT_YAML.replace(
                """
                storage:
                  type: embedded
                """, """
                storage:
                  type: postgres
                  url: %s
                  user: %s
                  password: "%s"
                redis:
                  url: %s
                  key_prefix: "%s"
                """.formatted(db.url(), db.user(), db.password(), redis.url(), redis.keyPrefix()));
        a = new TestServer(yaml, null, s -> s.withHostedRoutes(HostedLoginClient::pages));
        b = new TestServer(yaml, null, s -> s.withHostedRoutes(HostedLoginClient::pages));
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (db != null) {
            db.drop();
        }
    }

    private static Response get(TestServer node, HttpClient browser, String path) {
        return node.send(
                browser, HttpRequest.newBuilder(URI.create(node.base() + path)).GET());
    }

    @Test
    void hostedLoginWhenEachStepLandsOnAnotherNodeThenItWorksAndLogoutEndsItEverywhere() {
        CookieManager jar = new CookieManager();
        HttpClient onA = a.newBrowser(jar);
        HttpClient onB = b.newBrowser(jar);
        HostedLoginClient app = new HostedLoginClient(a);
        String authorize = app.authorizeUrl(TestServer.SPA, CB, "st+/=", "n0nce");

        Response started = get(a, onA, authorize);
        assertThat(started.header("Location")).startsWith(AuthorizeEndpoints.LOGIN_PAGE);
        String tx =
                started.header("Location").substring(started.header("Location").indexOf("state=") + 6);
        assertThat(b.server().loginTransactions().find(tx))
                .as("the transaction, seen from node B")
                .isPresent();

        String phone = "+12015550444";
        String code = a.startAndReadCode(TestServer.SPA, phone);
        Response signedIn = b.send(
                onB,
                HttpRequest.newBuilder(URI.create(b.base() + HostedLoginClient.SIGN_IN))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                TestServer.form(map("state", tx, "phone", phone, "code", code)))));
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);

        Response back = get(a, onA, signedIn.header("Location"));
        assertThat(back.status()).as(back.body()).isEqualTo(302);
        Map<String, String> callback = HostedLoginClient.params(back.header("Location"), '?');
        assertThat(callback).containsEntry("state", "st+/=");
        Response tokens = b.postForm(
                "/oauth/token",
                map(
                        "client_id",
                        TestServer.SPA,
                        "code_verifier",
                        app.verifier,
                        "grant_type",
                        "authorization_code",
                        "code",
                        callback.get("code"),
                        "redirect_uri",
                        CB));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        Response replay = a.postForm(
                "/oauth/token",
                map(
                        "client_id",
                        TestServer.SPA,
                        "code_verifier",
                        app.verifier,
                        "grant_type",
                        "authorization_code",
                        "code",
                        callback.get("code"),
                        "redirect_uri",
                        CB));
        assertThat(replay.text("error")).as("single use across nodes").isEqualTo("invalid_grant");

        Response silent = get(b, onB, app.authorizeUrl(TestServer.SPA, CB, "s2", "n2", "prompt", "none"));
        assertThat(silent.header("Location")).as("the session, on node B").contains("code=");
        Response logout = get(a, onA, "/v2/logout");
        assertThat(logout.status()).isEqualTo(200);
        Response after = get(b, onB, app.authorizeUrl(TestServer.SPA, CB, "s3", "n3", "prompt", "none"));
        assertThat(after.header("Location")).contains("error=login_required");
    }
}
