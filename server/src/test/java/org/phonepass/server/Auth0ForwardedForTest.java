package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.server.TestServer.Response;

/**
 * {@code auth0-forwarded-for} (docs/api.md, start): a backend that starts logins for its users may tell the end user's
 * IP, so that the per-IP limits count users and not the backend. Believed only from a confidential client that opted
 * in and sent its secret on that request.
 */
class Auth0ForwardedForTest {
    private static final String SECRET = "b4ckend-s3cret-b4ckend-s3cret-b4ckend-s3cret";
    private static final String YAML = TestServer.DEFAULT_YAML.replace("clients:\n", """
            clients:
              - client_id: trusting-backend
                client_secret: %s
                trust_auth0_forwarded_for: true
            """.formatted(SECRET)) + """
            limits:
              start_per_ip: {capacity: 2, period: 1h}
            """;

    private static Response start(TestServer server, String client, String secret, String phone, String forwarded) {
        var form = map("client_id", client, "connection", "sms", "phone_number", phone);
        if (secret != null) {
            form.put("client_secret", secret);
        }
        return server.postForm("/passwordless/start", form, "auth0-forwarded-for", forwarded);
    }

    @Test
    void forwardedForWhenTrustingConfidentialClientThenLimitsCountTheEndUser() {
        try (TestServer server = new TestServer(YAML, null)) {
            for (int i = 0; i < 4; i++) {
                Response r = start(server, "trusting-backend", SECRET, "+1201555090" + i, "198.51.100." + (10 + i));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
            assertThat(server.server().auditEvents().flush(Duration.ofSeconds(10)))
                    .isTrue();
            List<String> ips = server.server().auditEvents().recent(100).stream()
                    .filter(e -> e.type() == AuditEvent.Type.SEND)
                    .map(AuditEvent::ip)
                    .toList();
            assertThat(ips).contains("198.51.100.10", "198.51.100.13");
        }
    }

    @Test
    void forwardedForWhenClientDoesNotTrustItThenIgnored() {
        try (TestServer server = new TestServer(YAML, null)) {
            // backend is confidential but did not opt in: its calls count against the connection's address.
            for (int i = 0; i < 2; i++) {
                assertThat(start(
                                        server,
                                        TestServer.CONFIDENTIAL,
                                        TestServer.CONFIDENTIAL_SECRET,
                                        "+1201555091" + i,
                                        "198.51.100." + (20 + i))
                                .status())
                        .isEqualTo(200);
            }
            Response third = start(
                    server, TestServer.CONFIDENTIAL, TestServer.CONFIDENTIAL_SECRET, "+12015550912", "198.51.100.22");
            assertThat(third.status()).isEqualTo(429);
            // A public client's header is never believed either.
            Response spa = start(server, TestServer.SPA, null, "+12015550913", "198.51.100.23");
            assertThat(spa.status()).isEqualTo(429);
        }
    }

    @Test
    void trustOnPublicClientThenRefusedAtStartUp() {
        String yaml = TestServer.DEFAULT_YAML.replace("clients:\n", """
                clients:
                  - client_id: careless
                    trust_auth0_forwarded_for: true
                """);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TestServer(yaml, null).close())
                .hasMessageContaining("clients[0].trust_auth0_forwarded_for is only for confidential clients");
    }
}
