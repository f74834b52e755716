package org.phonepass.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.phonepass.server.TestServer;
import org.phonepass.server.config.Settings;
import org.phonepass.server.keys.NimbusTokenSigner;
import org.phonepass.testkit.InMemorySigningKeyStore;

/**
 * {@code crypto.provider} (docs/security.md#crypto-provider): with {@code auto} the signing keys are ACCP's key
 * objects, with {@code jdk} the JDK's; the tokens of both verify with jose4j against the served JWKS; and a native
 * library that does not load falls back to the JDK with one warning.
 */
class CryptoProviderTest {
    private static final String PHONE = "+12015550123";

    @Test
    void autoSignsWithAccpKeysAndItsTokensVerifyWithJose4jAndTheJwks() throws Exception {
        try (TestServer s = new TestServer()) {
            CryptoProviders.Choice crypto = s.server().crypto();
            assertThat(crypto.setting()).isEqualTo(Settings.CryptoProvider.AUTO);
            // The test machines are Linux with glibc on x86-64: ACCP loads there.
            assertThat(crypto.isNative())
                    .as("ACCP loaded: %s", crypto.loadError())
                    .isTrue();
            assertThat(s.server().signer().signingKeyClass()).startsWith("com.amazon.corretto.crypto.provider.");
            assertTokenVerifies(s);
            assertThat(s.get("/metrics").body())
                    .contains(
                            "phonepass_crypto_provider_info{provider=\"AmazonCorrettoCryptoProvider\",setting=\"auto\"");
        }
    }

    @Test
    void jdkSignsWithTheJdksKeysAndItsTokensVerifyWithJose4jAndTheJwks() throws Exception {
        try (TestServer s = new TestServer(TestServer.DEFAULT_YAML + "crypto:\n  provider: jdk\n", null)) {
            CryptoProviders.Choice crypto = s.server().crypto();
            assertThat(crypto.isNative()).isFalse();
            assertThat(crypto.name()).isEqualTo("JDK");
            assertThat(s.server().signer().signingKeyClass()).startsWith("sun.security.rsa.");
            assertTokenVerifies(s);
            assertThat(s.get("/metrics").body())
                    .contains("phonepass_crypto_provider_info{provider=\"JDK\",setting=\"jdk\"");
        }
    }

    @Test
    void theLoaderHandsOverTheSettingFromTheEnvironmentBeforeItChecksAnyKey() {
        List<Settings.CryptoProvider> seen = new ArrayList<>();
        // A master key that is not base64 fails validation: the crypto section was handed over before that.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new org.phonepass.server.config.ConfigLoader()
                        .load(
                                null,
                                Map.of("PHONEPASS_CRYPTO_PROVIDER", "jdk", "PHONEPASS_MASTER_KEY", "not base64!"),
                                c -> seen.add(c.provider())))
                .isInstanceOf(org.phonepass.server.config.ConfigException.class);
        assertThat(seen).containsExactly(Settings.CryptoProvider.JDK);
    }

    private static void assertTokenVerifies(TestServer s) throws Exception {
        TestServer.Response r = s.login(TestServer.SPA, PHONE, "openid");
        assertThat(r.status()).isEqualTo(200);
        JwtClaims claims = s.verifyWithJwks(r.text("id_token"), TestServer.SPA);
        assertThat(claims.getSubject()).isNotBlank();
    }

    @Test
    void everyAlgorithmSignsWithEitherProviderAndVerifiesWithJose4j() throws Exception {
        for (CryptoProviders.Choice crypto :
                List.of(CryptoProviders.choose(Settings.CryptoProvider.AUTO), CryptoProviders.jdk())) {
            NimbusTokenSigner signer = new NimbusTokenSigner(
                    new InMemorySigningKeyStore(),
                    "https://login.example.com/",
                    Clock.systemUTC(),
                    Duration.ofDays(2),
                    Set.of("ES256", "EdDSA"),
                    crypto);
            JsonWebKeySet jwks = new JsonWebKeySet(
                    new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(signer.publicJwks()));
            for (String alg : List.of("RS256", "ES256", "EdDSA")) {
                long now = Instant.now().getEpochSecond();
                String token = signer.sign(
                        Map.of("iss", "https://login.example.com/", "sub", "u1", "aud", "a", "exp", now + 60),
                        "JWT",
                        alg);
                JwtClaims claims = new JwtConsumerBuilder()
                        .setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys()))
                        .setExpectedAudience("a")
                        .build()
                        .processToClaims(token);
                assertThat(claims.getSubject())
                        .as("%s with %s", alg, crypto.name())
                        .isEqualTo("u1");
                assertThat(signer.verify(token, "JWT"))
                        .as("%s with %s", alg, crypto.name())
                        .isPresent();
            }
        }
    }

    /**
     * ACCP's own switch {@code com.amazon.corretto.crypto.provider.useExternalLib} makes it skip its bundled library
     * and look for one on the system, where there is none: a real load failure, in a server process of its own (ACCP
     * loads once per JVM). The server starts on the JDK's providers, says so once, and says it on the banner.
     */
    @Test
    void aLibraryThatDoesNotLoadFallsBackToTheJdkWithOneWarning(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Dcom.amazon.corretto.crypto.provider.useExternalLib=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.phonepass.server.Main")
                .directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PHONEPASS_HTTPS_PORT", "0");
        pb.environment().put("PHONEPASS_DATA_DIR", dir.resolve("data").toString());
        pb.environment().remove("PHONEPASS_CONFIG");
        pb.environment().remove("PHONEPASS_CRYPTO_PROVIDER");
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("  Clients")) {
                    break;
                }
            }
        } finally {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        String all = String.join("\n", lines);
        assertThat(all).contains("Phonepass is running");
        assertThat(lines.stream()
                        .filter(l -> l.contains("WARN") && l.toLowerCase().contains("crypto")))
                .as(all)
                .hasSize(1)
                .allMatch(l -> l.contains("did not load on this platform"));
        assertThat(lines.stream().filter(l -> l.startsWith("  Crypto")))
                .singleElement()
                .satisfies(l -> assertThat(l).contains("the JDK's providers").contains("ACCP did not load"));
        Files.deleteIfExists(dir.resolve("data").resolve("phonepass.db"));
    }
}
