package org.phonepass.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.server.TestServer.Response;
import org.phonepass.testkit.ExternalServices;

/**
 * Two dev-mode nodes on one PostgreSQL database, each with its own data folder and no configured code HMAC key, as a
 * newcomer trying a cluster would start them: they share the key the first one generated (kept in the database), so
 * a code sent by one verifies on the other (docs/security.md, "Dev mode exposure").
 */
class DevSharedCodeKeyTest {
    @Test
    void devNodesWithoutConfiguredKeyWhenCodeSentByOneThenVerifiesOnTheOther() {
        ExternalServices.PostgresDatabase db = ExternalServices.postgresDatabase();
        String yaml = """
                mode: dev
                https_port: 0
                dev:
                  sample_app: false
                clients:
                  - client_id: sample-spa
                    allowed_origins: [http://localhost:3000]
                storage:
                  type: postgres
                  url: %s
                  user: %s
                  pool_size: 2
                """.formatted(db.url(), db.user())
                + (db.password().isEmpty() ? "" : "  password: \"" + db.password() + "\"\n");
        try (TestServer a = new TestServer(yaml, null);
                TestServer b = new TestServer(yaml, null)) {
            String phone = "+12015550921";
            String code = a.startAndReadCode(TestServer.SPA, phone);
            Response onB = b.postForm(
                    "/oauth/ro",
                    TestServer.map(
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
                            "openid"));
            assertThat(onB.status()).as(onB.body()).isEqualTo(200);
            assertThat(onB.text("id_token")).isNotBlank();

            // And the other way round, after both have started.
            String second = b.startAndReadCode(TestServer.SPA, "+12015550922");
            Response onA = a.postForm(
                    "/oauth/ro",
                    TestServer.map(
                            "client_id",
                            TestServer.SPA,
                            "connection",
                            "sms",
                            "grant_type",
                            "password",
                            "username",
                            "+12015550922",
                            "password",
                            second,
                            "scope",
                            "openid"));
            assertThat(onA.status()).as(onA.body()).isEqualTo(200);
        } finally {
            db.drop();
        }
    }
}
