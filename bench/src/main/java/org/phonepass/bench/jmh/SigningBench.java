package org.phonepass.bench.jmh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.phonepass.server.keys.NimbusTokenSigner;

/**
 * One id_token of the shape {@code TokenService} issues (iss, sub, aud, iat, exp, nonce, phone claims), signed with
 * the server's own signer in each algorithm it offers: RS256 (every id_token), and ES256 and EdDSA (Ed25519 through
 * Tink), which an API's access tokens may use ({@code apis[].signing_alg}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SigningBench {
    private NimbusTokenSigner signer;
    private String rs256Token;

    /** The claims of a typical SPA login's id_token. */
    public static Map<String, Object> idTokenClaims() {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "https://localhost:8443/");
        claims.put("sub", "sms|6a3f0c1d2e4b5a69788f9e0d");
        claims.put("aud", "bench-client");
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(Duration.ofHours(10)).getEpochSecond());
        claims.put("nonce", "n-0S6_WzA2Mj");
        claims.put("phone_number", "+12015550123");
        claims.put("phone_number_verified", true);
        return claims;
    }

    @Setup
    public void setUp() {
        signer = new NimbusTokenSigner(
                new MemoryKeyStore(),
                "https://localhost:8443/",
                Clock.systemUTC(),
                Duration.ofDays(2),
                Set.of("ES256", "EdDSA"));
        rs256Token = signer.sign(idTokenClaims(), "JWT");
    }

    @Benchmark
    public String signRS256() {
        return signer.sign(idTokenClaims(), "JWT", "RS256");
    }

    @Benchmark
    public String signES256() {
        return signer.sign(idTokenClaims(), "JWT", "ES256");
    }

    @Benchmark
    public String signEdDSA() {
        return signer.sign(idTokenClaims(), "JWT", "EdDSA");
    }

    @Benchmark
    public Object verifyRS256() {
        return signer.verify(rs256Token, "JWT").orElseThrow();
    }
}
