package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.phonepass.server.config.ConfigLoader;
import org.phonepass.server.config.Settings;

/**
 * In production the meters (SMS volume per country, abuse counters) and the named health checks are not on the API
 * port: they are on the management port, on loopback unless configured otherwise. The public health answers say up
 * or down and nothing more.
 */
class ManagementPortTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Path dir;

    @BeforeEach
    void folder() throws Exception {
        dir = Files.createTempDirectory("phonepass-mgmt");
    }

    @AfterEach
    void clean() {
        TestServer.deleteTree(dir);
    }

    @Test
    void productionWhenMetricsAskedOnTheApiPortThen404AndHealthSaysOnlyUpWhileTheManagementPortHasBoth()
            throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, """
                mode: production
                public_url: https://login.example.com
                https_port: 0
                http_port: 0
                data_dir: %s
                http: {behind_tls_proxy: true, trusted_proxies: [127.0.0.1/32], management_port: 0}
                clients:
                  - client_id: app
                    allowed_origins: [https://app.example]
                sms:
                  provider: http_gateway
                  http_gateway:
                    url: https://sms-gateway.example/send
                """.formatted(dir.resolve("data")));
        Settings settings = new ConfigLoader()
                .load(
                        file,
                        Map.of(
                                "PHONEPASS_CODE_HMAC_KEY", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
                                "PHONEPASS_MASTER_KEY", "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY="));
        try (PhonepassServer server = new PhonepassServer(settings, Clock.systemUTC()).start()) {
            String api = "http://127.0.0.1:" + server.httpPort();
            HttpResponse<String> metrics = get(api + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(404);
            assertThat(metrics.body()).doesNotContain("jvm_").doesNotContain("phonepass_");
            for (String path : new String[] {"/health", "/health/ready", "/health/live"}) {
                HttpResponse<String> health = get(api + path);
                assertThat(health.statusCode()).as(path).isEqualTo(200);
                JsonNode body = JSON.readTree(health.body());
                assertThat(body.get("status").asText()).as(path).isEqualTo("UP");
                assertThat(body.size()).as(path + ": " + health.body()).isEqualTo(1);
            }

            assertThat(server.management()).isNotNull();
            assertThat(server.management().address().getAddress().isLoopbackAddress())
                    .isTrue();
            String management = "http://127.0.0.1:" + server.management().port();
            HttpResponse<String> scrape = get(management + "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(scrape.body()).contains("jvm_memory_used_bytes");
            HttpResponse<String> detailed = get(management + "/health");
            assertThat(detailed.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(detailed.body())
                            .get("checks")
                            .get("database")
                            .asText())
                    .isEqualTo("UP");
            assertThat(get(management + "/oauth/token").statusCode()).isEqualTo(404);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
