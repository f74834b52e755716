package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.phonepass.server.config.ConfigException;
import org.phonepass.server.config.ConfigLoader;
import org.phonepass.server.config.Settings;
import org.phonepass.server.tls.TlsMaterial;

/** Production mode refuses development conveniences, each with a message that says how to fix it. */
class ProductionModeTest {
    private Path dir;

    @BeforeEach
    void folder() throws Exception {
        dir = Files.createTempDirectory("phonepass-prod");
    }

    @AfterEach
    void clean() {
        TestServer.deleteTree(dir);
    }

    private Settings settings(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, "mode: production\nhttps_port: 0\ndata_dir: " + dir.resolve("data") + "\n" + yaml);
        return new ConfigLoader().load(file, env);
    }

    private void refuses(String yaml, Map<String, String> env, String... messageParts) throws Exception {
        Settings s = settings(yaml, env);
        assertThatThrownBy(
                        () -> new PhonepassServer(s, Clock.systemUTC()).start().close())
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(messageParts));
    }

    private static final String CLIENT = "clients:\n  - client_id: app\n    allowed_origins: [https://app.example]\n";

    @Test
    void productionWhenDevSmsProviderThenRefused() throws Exception {
        refuses(CLIENT + "sms:\n  provider: dev\n", Map.of(), "sms.provider is 'dev'", "docs/sms-providers.md");
    }

    @Test
    void productionWhenNoCodeKeyThenRefusedWithHowTo() throws Exception {
        refuses(CLIENT, Map.of(), "PHONEPASS_CODE_HMAC_KEY", "openssl rand -base64 32");
    }

    @Test
    void productionWhenNoCertificateThenRefused() throws Exception {
        refuses(CLIENT, Map.of(), "tls.cert_file", "http.behind_tls_proxy");
    }

    @Test
    void productionWhenPlainHttpWithoutProxyThenRefused() throws Exception {
        refuses(CLIENT + "http_port: 8080\n", Map.of(), "http_port serves plain HTTP");
    }

    @Test
    void productionWhenPublicUrlIsHttpThenRefused() throws Exception {
        refuses(CLIENT + "public_url: http://login.example.com\n", Map.of(), "public_url must start with https://");
    }

    @Test
    void productionWhenNoClientsThenRefused() throws Exception {
        refuses("", Map.of(), "no clients are configured");
    }

    @Test
    void productionWhenSelfSignedCertificateThenRefused() throws Exception {
        // A self-signed certificate, written as PEM files the way an operator would configure it.
        TlsMaterial selfSigned = TlsMaterial.devCertificate(dir.resolve("made"), List.of());
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, pem("CERTIFICATE", selfSigned.certificate().getEncoded()));
        Files.writeString(
                key,
                pem(
                        "PRIVATE KEY",
                        selfSigned
                                .keyStore()
                                .getKey(TlsMaterial.ALIAS, selfSigned.password())
                                .getEncoded()));
        String yaml = CLIENT + GATEWAY + "tls:\n  cert_file: " + cert + "\n  key_file: " + key + "\n";
        refuses(yaml, SECRETS, "self-signed", "Let's Encrypt");
    }

    @Test
    void productionWhenEverythingSetBehindProxyThenStartsWithoutDevInbox() throws Exception {
        Settings s = settings(
                CLIENT + GATEWAY + "http_port: 0\nhttp:\n  behind_tls_proxy: true\n"
                        + "  trusted_proxies: [127.0.0.1]\n",
                SECRETS);
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Settings fixed = new Settings(
                s.mode(),
                "https://login.example.com",
                s.httpsPort(),
                port,
                s.bindAddress(),
                s.dataDir(),
                s.tls(),
                s.http(),
                s.storage(),
                s.secrets(),
                s.clients(),
                s.apis(),
                s.sms(),
                s.geoloc(),
                s.redis(),
                s.limits(),
                s.dev(),
                s.session(),
                s.hosted());
        try (PhonepassServer server = new PhonepassServer(fixed, Clock.systemUTC()).start()) {
            assertThat(server.tls()).isNull();
            assertThat(server.devInbox()).isNull();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (String path : new String[] {"/dev/sms", "/dev/sms.json"}) {
                var r = http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(404);
            }
            var health = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/health"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("Strict-Transport-Security")).isPresent();
        }
    }

    @Test
    void productionWhenNoMasterKeyThenRefused() throws Exception {
        refuses(
                CLIENT + GATEWAY,
                Map.of("PHONEPASS_CODE_HMAC_KEY", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="),
                "PHONEPASS_MASTER_KEY");
    }

    @Test
    void productionWhenTestNumbersNotAllowedThenRefused() throws Exception {
        refuses(
                CLIENT + GATEWAY
                        + "  test_numbers:\n    numbers:\n      - {number: \"+12015550199\", code: \"424242\"}\n"
                        + "http_port: 0\nhttp:\n  behind_tls_proxy: true\n  trusted_proxies: [127.0.0.1]\n",
                SECRETS,
                "test_numbers");
    }

    private static final String GATEWAY =
            "sms:\n  provider: http_gateway\n  http_gateway:\n" + "    url: https://sms-gateway.example/send\n";
    private static final Map<String, String> SECRETS = Map.of(
            "PHONEPASS_CODE_HMAC_KEY", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
            "PHONEPASS_MASTER_KEY", "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=");

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type
                + "-----\n";
    }
}
