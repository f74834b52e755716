package org.phonepass.bench.jmh;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * the server's own RS256 signer, and with Nimbus ES256 and EdDSA (Ed25519 through Tink) for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SigningBench {
    private NimbusTokenSigner rs256;
    private String rs256Token;
    private JWSSigner es256;
    private String es256Kid;
    private JWSSigner eddsa;
    private String eddsaKid;

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
    public void setUp() throws JOSEException {
        rs256 = new NimbusTokenSigner(new MemoryKeyStore(), "https://localhost:8443/", Clock.systemUTC(),
                Duration.ofDays(2));
        rs256Token = rs256.sign(idTokenClaims(), "JWT");
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec1").generate();
        es256 = new ECDSASigner(ec);
        es256Kid = ec.getKeyID();
        OctetKeyPair ed = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed1").generate();
        eddsa = new Ed25519Signer(ed);
        eddsaKid = ed.getKeyID();
    }

    private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid) throws JOSEException {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
        idTokenClaims().forEach(b::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(),
                b.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    @Benchmark
    public String signRS256() {
        return rs256.sign(idTokenClaims(), "JWT");
    }

    @Benchmark
    public String signES256() throws JOSEException {
        return sign(es256, JWSAlgorithm.ES256, es256Kid);
    }

    @Benchmark
    public String signEdDSA() throws JOSEException {
        return sign(eddsa, JWSAlgorithm.EdDSA, eddsaKid);
    }

    @Benchmark
    public Object verifyRS256() {
        return rs256.verify(rs256Token, "JWT").orElseThrow();
    }
}
