package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.phonepass.server.config.ConfigException;
import org.phonepass.server.config.ConfigLoader;
import org.phonepass.server.config.Settings;

/**
 * Production mode refuses unsafe settings and warns on weak ones (docs/security.md, "Production mode: refused and
 * warned"). Each refusal is checked against a configuration that otherwise starts, so the message is the cause.
 */
class ProductionSafetyTest {
    private static final String RANDOM_HMAC = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";
    private static final String RANDOM_MASTER = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=";
    private static final String ZERO_KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final Map<String, String> SECRETS =
            Map.of("PHONEPASS_CODE_HMAC_KEY", RANDOM_HMAC, "PHONEPASS_MASTER_KEY", RANDOM_MASTER);
    private static final String BASE = """
            public_url: https://login.example.com
            clients:
              - client_id: app
                allowed_origins: [https://app.example]
            sms:
              provider: http_gateway
              http_gateway:
                url: https://sms-gateway.example/send
            """;
    private static final String PROXY =
            "http_port: 0\nhttp:\n  behind_tls_proxy: true\n  trusted_proxies: [10.0.0.0/8]\n";

    private Path dir;

    @BeforeEach
    void folder() throws Exception {
        dir = Files.createTempDirectory("phonepass-prod-safety");
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
                .satisfies(e -> assertThat(e.getMessage())
                        .contains("production mode refuses")
                        .contains(messageParts));
    }

    @Test
    void productionWhenBaseSettingsBehindProxyThenStarts() throws Exception {
        try (PhonepassServer server = new PhonepassServer(settings(BASE + PROXY, SECRETS), Clock.systemUTC()).start()) {
            assertThat(server.httpPort()).isPositive();
        }
    }

    @Test
    void productionWhenAllZeroCodeKeyThenRefused() throws Exception {
        refuses(
                BASE + PROXY,
                Map.of("PHONEPASS_CODE_HMAC_KEY", ZERO_KEY, "PHONEPASS_MASTER_KEY", RANDOM_MASTER),
                "code HMAC key is not random");
    }

    @Test
    void productionWhenAllZeroMasterKeyThenRefused() throws Exception {
        refuses(
                BASE + PROXY,
                Map.of("PHONEPASS_CODE_HMAC_KEY", RANDOM_HMAC, "PHONEPASS_MASTER_KEY", ZERO_KEY),
                "a master key is not random");
    }

    @Test
    void productionWhenSameKeyAsMasterAndHmacKeyThenRefused() throws Exception {
        refuses(
                BASE + PROXY,
                Map.of("PHONEPASS_CODE_HMAC_KEY", RANDOM_MASTER, "PHONEPASS_MASTER_KEY", RANDOM_MASTER),
                "code HMAC key is also a master key");
    }

    @Test
    void productionWhenEveryTrustedProxyThenRefused() throws Exception {
        refuses(
                BASE + "http_port: 0\nhttp:\n  behind_tls_proxy: true\n  trusted_proxies: [0.0.0.0/0]\n",
                SECRETS,
                "http.trusted_proxies[0] is 0.0.0.0/0",
                "trusts every address");
        refuses(
                BASE + "http_port: 0\nhttp:\n  behind_tls_proxy: true\n  trusted_proxies: [10.0.0.1, \"::/0\"]\n",
                SECRETS,
                "http.trusted_proxies[1] is ::/0");
    }

    @Test
    void productionWhenBehindProxyWithoutTrustedProxiesThenRefused() throws Exception {
        refuses(BASE + "http_port: 0\nhttp:\n  behind_tls_proxy: true\n", SECRETS, "http.trusted_proxies is empty");
    }

    @Test
    void productionWhenEverySendingLimitOffThenRefused() throws Exception {
        StringBuilder off = new StringBuilder("limits:\n");
        for (String rule : new String[] {
            "start_per_ip",
            "start_per_phone_hourly",
            "start_per_phone_daily",
            "start_per_country_hourly",
            "start_per_country_daily",
            "start_global_hourly",
            "start_global_daily"
        }) {
            off.append("  ").append(rule).append(": {enabled: false}\n");
        }
        refuses(BASE + PROXY + off, SECRETS, "every limit on sending codes is off");
    }

    @Test
    void productionWhenFourDigitCodesWithTenAttemptsThenRefused() throws Exception {
        refuses(
                BASE.replace(
                                "  provider: http_gateway\n",
                                "  provider: http_gateway\n  code_length: 4\n" + "  max_attempts: 10\n")
                        + PROXY,
                SECRETS,
                "codes are too easy to guess",
                "one guesser in 1000");
    }

    @Test
    void productionWhenWeakButNotUnsafeThenStartsAndWarns() throws Exception {
        Settings weak = settings(
                BASE.replace(
                                "  provider: http_gateway\n",
                                "  provider: http_gateway\n" + "  code_length: 4\n  max_attempts: 1\n")
                        + PROXY + "limits:\n  start_per_ip: {enabled: false}\n",
                SECRETS);
        assertThat(ProductionChecks.warnings(weak))
                .anySatisfy(w -> assertThat(w).contains("4-digit codes with 1 attempts", "one in 333333"))
                .anySatisfy(w -> assertThat(w).contains("limits.start_per_ip"));
        try (PhonepassServer server = new PhonepassServer(weak, Clock.systemUTC()).start()) {
            assertThat(server.httpPort()).isPositive();
        }
        assertThat(ProductionChecks.warnings(settings(BASE + PROXY, SECRETS))).isEmpty();
    }

    @Test
    void productionWhenCertificateExpiredThenRefused() throws Exception {
        Instant now = Instant.now();
        refuses(
                BASE + tls(now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1)), "login.example.com"),
                SECRETS,
                "the TLS certificate expired");
    }

    @Test
    void productionWhenCertificateForAnotherHostThenRefused() throws Exception {
        Instant now = Instant.now();
        refuses(
                BASE + tls(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)), "other.example.net"),
                SECRETS,
                "the TLS certificate is not for login.example.com",
                "other.example.net");
    }

    @Test
    void productionWhenCaCertificateForThePublicHostThenStarts() throws Exception {
        Instant now = Instant.now();
        Settings s = settings(
                BASE + tls(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)), "*.example.com"), SECRETS);
        try (PhonepassServer server = new PhonepassServer(s, Clock.systemUTC()).start()) {
            assertThat(server.tls().selfSigned()).isFalse();
        }
    }

    /** PEM files of a certificate for {@code host} issued by a throwaway CA, as the tls: settings. */
    private String tls(Instant notBefore, Instant notAfter, String host) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        KeyPair ca = gen.generateKeyPair();
        KeyPair leaf = gen.generateKeyPair();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                new X500Name("CN=Test CA"),
                new BigInteger(64, new SecureRandom()),
                Date.from(notBefore),
                Date.from(notAfter),
                new X500Name("CN=" + host),
                leaf.getPublic());
        builder.addExtension(
                Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
        Path certFile = dir.resolve("cert.pem");
        Path keyFile = dir.resolve("key.pem");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        PrivateKey key = leaf.getPrivate();
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        return "tls:\n  cert_file: " + certFile + "\n  key_file: " + keyFile + "\n";
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
