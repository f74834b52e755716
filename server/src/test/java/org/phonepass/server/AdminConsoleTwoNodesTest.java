package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.AdminConsoleHttpTest.Visitor;
import org.phonepass.server.TestServer.Response;
import org.phonepass.testkit.ExternalServices;

/**
 * The console on two nodes sharing one PostgreSQL database and one Redis key prefix (docs/management.md#console-
 * security): a console session opened on one node ends on the other when it is signed out, logged out or its user's
 * sessions are ended anywhere, because it is bound to the hosted-login session in the shared store. Before, sign-out was
 * remembered only by the node that served it, and the cookie kept opening the console elsewhere until its idle
 * timeout. Skipped without PostgreSQL or Redis (failed under CI=true).
 */
class AdminConsoleTwoNodesTest {
    private static final String ADMIN = "+12015550642";
    private static final String OTHER_ADMIN = "+12015550643";
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
                """.formatted(db.url(), db.user(), db.password(), redis.url(), redis.keyPrefix()))
                + """
                admin:
                  phone_numbers: ["+12015550642", "+12015550643"]
                """;
        a = new TestServer(yaml, null);
        b = new TestServer(yaml, null);
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

    @Test
    void consoleWhenSignedOutOnOneNodeThenTheOldCookiesOpenNothingOnTheOther() {
        Visitor onA = new Visitor(a, new LinkedHashMap<>());
        Visitor onB = onA.on(b);
        assertThat(onA.signIn(ADMIN).header("Location")).isEqualTo("/admin/dashboard");
        assertThat(onA.get("/admin/users").status()).isEqualTo(200);
        // One browser, either node: the cookies are signed with the shared key, the hosted session is in Redis.
        Response onNodeB = onB.get("/admin/users");
        assertThat(onNodeB.status()).isEqualTo(200);
        String csrf = AdminConsoleHttpTest.field(onNodeB.body(), "csrf");
        Map<String, String> kept = new LinkedHashMap<>(onA.jar);

        Response out = onB.post("/admin/logout", TestServer.map("csrf", csrf));
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.header("Location")).isEqualTo("/admin/signed-out");

        // The cookies the browser had before signing out, presented to node A: refused at once.
        Visitor replay = new Visitor(a, new LinkedHashMap<>(kept));
        Response refused = replay.get("/admin/users");
        assertThat(refused.status()).isEqualTo(303);
        assertThat(refused.header("Location")).isEqualTo("/admin/login");
        assertThat(new Visitor(b, new LinkedHashMap<>(kept)).get("/admin/users").status())
                .isEqualTo(303);
    }

    @Test
    void consoleWhenLoggedOutOrBlockedThroughTheOtherNodeThenEndsOnThisOne() {
        Visitor onA = new Visitor(a, new LinkedHashMap<>());
        onA.signIn(OTHER_ADMIN);
        assertThat(onA.get("/admin/users").status()).isEqualTo(200);
        // /v2/logout, the logout of every app, served by node B.
        onA.on(b).get("/v2/logout");
        assertThat(onA.get("/admin/users").status()).isEqualTo(303);

        // The user's sessions ended in the store through node B, as blocking or deleting the user does there
        // (UserManagement's listener): the console on node A sees it at the next request.
        Visitor again = new Visitor(a, new LinkedHashMap<>());
        again.signIn(OTHER_ADMIN);
        String id = AdminConsoleHttpTest.userIdOf(again, OTHER_ADMIN);
        assertThat(again.get("/admin/users/" + id).status()).isEqualTo(200);
        assertThat(b.server().sessions().endForUser("sms|" + id)).isPositive();
        assertThat(again.get("/admin/users/" + id).status()).isEqualTo(303);
    }
}
