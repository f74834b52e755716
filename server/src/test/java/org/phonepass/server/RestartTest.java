package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/** A restart on the same data folder keeps users, signing keys, the certificate and the code key. */
class RestartTest {
    @Test
    void restartWhenSameDataFolderThenUsersKeysAndCertificateSurvive() throws Exception {
        Path dir = Files.createTempDirectory("phonepass-restart");
        // A fixed public URL: each start binds another free port, and the issuer must not change with it.
        String yaml = TestServer.DEFAULT_YAML + "public_url: https://phonepass.test\n";
        try {
            String idToken;
            String userId;
            String kid;
            byte[] certificate;
            String pendingCode;
            try (TestServer first = new TestServer(yaml, dir)) {
                Response login = first.login(TestServer.SPA, "+12015550401", "openid");
                idToken = login.text("id_token");
                userId = first.postForm("/tokeninfo", map("id_token", idToken)).text("user_id");
                kid = first.server().signer().currentKid();
                certificate = first.server().tls().certificate().getEncoded();
                pendingCode = first.startAndReadCode(TestServer.SPA, "+12015550402");
            }
            try (TestServer second = new TestServer(yaml, dir)) {
                assertThat(second.server().signer().currentKid()).isEqualTo(kid);
                assertThat(second.server().tls().certificate().getEncoded()).isEqualTo(certificate);
                Response info = second.postForm("/tokeninfo", map("id_token", idToken));
                assertThat(info.status()).isEqualTo(200);
                assertThat(info.text("user_id")).isEqualTo(userId);
                Response again = second.login(TestServer.SPA, "+12015550401", "openid");
                Response info2 = second.postForm("/tokeninfo", map("id_token", again.text("id_token")));
                assertThat(info2.text("user_id")).isEqualTo(userId);
                assertThat(info2.json().get("logins_count").asLong()).isEqualTo(2);
                // A code sent before the restart still works after it: the code key survived too.
                Response late = second.postForm(
                        "/oauth/ro",
                        map(
                                "client_id",
                                TestServer.SPA,
                                "connection",
                                "sms",
                                "grant_type",
                                "password",
                                "username",
                                "+12015550402",
                                "password",
                                pendingCode));
                assertThat(late.status()).isEqualTo(200);
            }
        } finally {
            TestServer.deleteTree(dir);
        }
    }
}
