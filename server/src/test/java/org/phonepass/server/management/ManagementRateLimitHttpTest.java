package org.phonepass.server.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;

/**
 * A script looping on the Management API with one client's token: past {@link ManagementApi#PER_CLIENT} it gets
 * Auth0's 429 with the rate-limit headers, other clients are not affected, and the budget refills with time. The
 * server's clock stands still unless the test moves it.
 */
class ManagementRateLimitHttpTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(ManagementApiHttpTest.YAML, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String token(String client, String secret) {
        return server.postForm(
                        "/oauth/token",
                        TestServer.map(
                                "grant_type",
                                "client_credentials",
                                "client_id",
                                client,
                                "client_secret",
                                secret,
                                "audience",
                                server.issuer() + "api/v2/"))
                .text("access_token");
    }

    static TestServer.Response users(String token) {
        return server.get("/api/v2/users?per_page=1", "Authorization", "Bearer " + token);
    }

    @Test
    void clientWhenOverItsBudgetThen429WithHeadersWhileOthersGoOnAndItRefills() {
        String reader = token(ManagementApiHttpTest.READER, ManagementApiHttpTest.READER_SECRET);
        String admin = token(ManagementApiHttpTest.ADMIN, ManagementApiHttpTest.ADMIN_SECRET);
        long capacity = ManagementApi.PER_CLIENT.capacity();
        for (int i = 0; i < capacity; i++) {
            TestServer.Response r = users(reader);
            assertThat(r.status()).as("request " + i).isEqualTo(200);
        }
        TestServer.Response refused = users(reader);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("statusCode").asInt()).isEqualTo(429);
        assertThat(refused.text("error")).isEqualTo("Too Many Requests");
        assertThat(refused.text("errorCode")).isEqualTo("too_many_requests");
        assertThat(refused.header("x-ratelimit-limit")).isEqualTo(Long.toString(capacity));
        assertThat(refused.header("x-ratelimit-remaining")).isEqualTo("0");
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(users(admin).status()).isEqualTo(200);
        server.clock.advance(Duration.ofSeconds(1));
        assertThat(users(reader).status()).isEqualTo(200);
    }
}
