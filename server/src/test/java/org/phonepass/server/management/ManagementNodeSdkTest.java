package org.phonepass.server.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;

/**
 * The unmodified Auth0 Node.js SDK ({@code auth0} 4.x, {@code ManagementClient}) drives the Management API of a
 * running server: users getAll with q, get, update blocked, delete; clients create, update, delete; logs getAll.
 * The SDK gets its own token with the client_credentials grant. Its npm project is server/src/test/node, installed
 * by .ci/install-browser-deps.
 */
class ManagementNodeSdkTest {
    static final Path PROJECT = Path.of("src/test/node");
    static TestServer server;

    @BeforeAll
    static void start() {
        if (!Files.isRegularFile(PROJECT.resolve("node_modules/auth0/package.json"))) {
            String message = "the Auth0 Node SDK is not installed: run bash .ci/install-browser-deps";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("CI=true: " + message);
            }
            Assumptions.abort(message);
        }
        server = new TestServer(ManagementApiHttpTest.YAML, null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void nodeManagementClientWhenDrivingTheApiThenEveryCallWorksAsOnAuth0() throws Exception {
        String phone = "+12015559876";
        String code = server.startAndReadCode(TestServer.SPA, phone);
        assertThat(server.postForm(
                                "/oauth/token",
                                TestServer.map(
                                        "grant_type",
                                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                                        "client_id",
                                        TestServer.SPA,
                                        "realm",
                                        "sms",
                                        "username",
                                        phone,
                                        "otp",
                                        code))
                        .status())
                .isEqualTo(200);
        server.server().auditEvents().flush(java.time.Duration.ofSeconds(5));

        Path ca = Files.createTempFile("phonepass-ca", ".pem");
        Files.writeString(
                ca,
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(
                                        server.server().tls().certificate().getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        ProcessBuilder pb = new ProcessBuilder("node", "management-sdk.mjs")
                .directory(PROJECT.toFile())
                .redirectErrorStream(true);
        pb.environment().put("NODE_EXTRA_CA_CERTS", ca.toString());
        pb.environment().put("PHONEPASS_DOMAIN", "localhost:" + server.server().httpsPort());
        pb.environment().put("PHONEPASS_CLIENT_ID", ManagementApiHttpTest.ADMIN);
        pb.environment().put("PHONEPASS_CLIENT_SECRET", ManagementApiHttpTest.ADMIN_SECRET);
        pb.environment().put("PHONEPASS_PHONE", phone);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Files.deleteIfExists(ca);
        assertThat(p.exitValue()).as(out).isZero();
        JsonNode seen = server.json.readTree(out.substring(out.lastIndexOf('\n') + 1));
        assertThat(seen.get("found").get(0).asText()).isEqualTo(phone);
        assertThat(seen.get("user_id").asText()).startsWith("sms|");
        assertThat(seen.get("blocked").asBoolean()).isTrue();
        assertThat(seen.get("log_types").toString()).isEqualTo("[\"s\"]");
        assertThat(seen.get("client_renamed").asText()).isEqualTo("Renamed by Node");
        assertThat(seen.get("client_deleted").asBoolean()).isTrue();
        assertThat(seen.get("user_deleted").asBoolean()).isTrue();
        assertThat(seen.get("error_code").asText()).isEqualTo("inexistent_user");
    }
}
