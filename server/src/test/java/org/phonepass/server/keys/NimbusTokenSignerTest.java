package org.phonepass.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;
import org.phonepass.testkit.InMemorySigningKeyStore;
import org.phonepass.testkit.MutableClock;

class NimbusTokenSignerTest {
    private static final String ISSUER = "https://login.example.com/";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final InMemorySigningKeyStore store = new InMemorySigningKeyStore();

    private Map<String, Object> claims() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", ISSUER);
        c.put("sub", "sms|0123456789abcdef01234567");
        c.put("aud", "https://api.example.com/");
        c.put("iat", clock.instant().getEpochSecond());
        c.put("exp", clock.instant().plusSeconds(600).getEpochSecond());
        return c;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> ktyByAlg(NimbusTokenSigner signer) {
        return ((List<Map<String, Object>>) signer.publicJwks().get("keys"))
                .stream().collect(Collectors.toMap(k -> (String) k.get("alg"), k -> (String) k.get("kty")));
    }

    private static String header(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))), StandardCharsets.UTF_8);
    }

    private JwtClaims verifyWithJwks(NimbusTokenSigner signer, String jwt) throws Exception {
        JsonWebKeySet jwks = new JsonWebKeySet(
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(signer.publicJwks()));
        return new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys()))
                .setExpectedIssuer(ISSUER)
                .setExpectedAudience("https://api.example.com/")
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromMilliseconds(clock.millis()))
                .build()
                .processToClaims(jwt);
    }

    @Test
    void signWhenHeaderReusedThenSameBytesAsANewHeaderPerToken() throws Exception {
        NimbusTokenSigner signer = new NimbusTokenSigner(store, ISSUER, clock, Duration.ofDays(2));
        for (String type : List.of("JWT", "at+jwt", "JWT")) {
            String jwt = signer.sign(claims(), type);
            com.nimbusds.jose.JWSHeader fresh = new com.nimbusds.jose.JWSHeader.Builder(
                            com.nimbusds.jose.JWSAlgorithm.RS256)
                    .keyID(signer.currentKid())
                    .type(new com.nimbusds.jose.JOSEObjectType(type))
                    .build();
            assertThat(jwt.substring(0, jwt.indexOf('.')))
                    .isEqualTo(fresh.toBase64URL().toString());
            assertThat(signer.verify(jwt, type)).isPresent();
        }
        // After a rotation the new key's id is in the header.
        String next = signer.rotate(Duration.ZERO);
        clock.advance(Duration.ofSeconds(1));
        String jwt = signer.sign(claims(), "JWT");
        assertThat(header(jwt)).contains("\"kid\":\"" + signer.currentKid() + "\"");
        assertThat(signer.currentKid()).isEqualTo(next);
    }

    @Test
    void signerWhenOnlyRs256ThenJwksHoldsOneRsaKeyAsBefore() {
        NimbusTokenSigner signer = new NimbusTokenSigner(store, ISSUER, clock, Duration.ofDays(2));
        assertThat(ktyByAlg(signer)).containsExactly(Map.entry("RS256", "RSA"));
        assertThat(header(signer.sign(claims(), "JWT"))).contains("\"alg\":\"RS256\"");
    }

    @Test
    void signerWhenEs256AndEdDsaConfiguredThenEachSignsWithItsOwnKeyAndAnyJwksClientVerifies() throws Exception {
        NimbusTokenSigner signer =
                new NimbusTokenSigner(store, ISSUER, clock, Duration.ofDays(2), Set.of("ES256", "EdDSA"));
        assertThat(ktyByAlg(signer))
                .containsOnly(Map.entry("RS256", "RSA"), Map.entry("ES256", "EC"), Map.entry("EdDSA", "OKP"));
        for (String alg : List.of("RS256", "ES256", "EdDSA")) {
            String jwt = signer.sign(claims(), "at+jwt", alg);
            assertThat(header(jwt)).contains("\"alg\":\"" + alg + "\"").contains("\"typ\":\"at+jwt\"");
            assertThat(signer.verify(jwt, "at+jwt"))
                    .hasValueSatisfying(c -> assertThat(c.get("sub")).isEqualTo("sms|0123456789abcdef01234567"));
            assertThat(verifyWithJwks(signer, jwt).getSubject()).isEqualTo("sms|0123456789abcdef01234567");
        }
        assertThat(header(signer.sign(claims(), "JWT"))).contains("\"alg\":\"RS256\"");
    }

    @Test
    void verifyWhenHeaderNamesAnotherAlgorithmThanItsKeyThenRefused() {
        NimbusTokenSigner signer = new NimbusTokenSigner(store, ISSUER, clock, Duration.ofDays(2), Set.of("EdDSA"));
        String jwt = signer.sign(claims(), "at+jwt", "EdDSA");
        String[] parts = jwt.split("\\.");
        String forged = header(jwt).replace("\"alg\":\"EdDSA\"", "\"alg\":\"RS256\"");
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + "." + parts[2];
        assertThat(signer.verify(token, "at+jwt")).isEmpty();
        String none = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(header(jwt)
                                .replace("\"alg\":\"EdDSA\"", "\"alg\":\"none\"")
                                .getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        assertThat(signer.verify(none, "at+jwt")).isEmpty();
    }

    @Test
    void restartAndRotationWhenSeveralAlgorithmsThenKeysKeptAndEachRotatesOnItsOwn() {
        NimbusTokenSigner first = new NimbusTokenSigner(store, ISSUER, clock, Duration.ofDays(2), Set.of("EdDSA"));
        String edKid = kidOf(first.sign(claims(), "at+jwt", "EdDSA"));
        String rsKid = first.currentKid();

        NimbusTokenSigner second = new NimbusTokenSigner(store, ISSUER, clock, Duration.ofDays(2), Set.of("EdDSA"));
        assertThat(second.currentKid()).isEqualTo(rsKid);
        assertThat(kidOf(second.sign(claims(), "at+jwt", "EdDSA"))).isEqualTo(edKid);
        assertThat(store.all()).hasSize(2);

        String newRs = second.rotate(Duration.ofHours(1));
        assertThat(store.all()).hasSize(4);
        // Published at once, signing only from the hour on.
        assertThat(second.currentKid()).isEqualTo(rsKid);
        assertThat(kidOf(second.sign(claims(), "at+jwt", "EdDSA"))).isEqualTo(edKid);
        clock.advance(Duration.ofHours(1));
        second.reload();
        assertThat(second.currentKid()).isEqualTo(newRs);
        assertThat(kidOf(second.sign(claims(), "at+jwt", "EdDSA"))).isNotEqualTo(edKid);
        // The old keys stay published for the retention, then go.
        assertThat((List<?>) second.publicJwks().get("keys")).hasSize(4);
        clock.advance(Duration.ofDays(3));
        second.reload();
        assertThat(store.all()).hasSize(2);
        assertThat(ktyByAlg(second)).containsOnly(Map.entry("RS256", "RSA"), Map.entry("EdDSA", "OKP"));
    }

    @Test
    void signWhenAlgorithmNotSetUpThenRefused() {
        NimbusTokenSigner signer = new NimbusTokenSigner(store, ISSUER, clock, Duration.ofDays(2));
        assertThatThrownBy(() -> signer.sign(claims(), "at+jwt", "EdDSA")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new NimbusTokenSigner(store, ISSUER, clock, Duration.ofDays(2), Set.of("HS256")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HS256");
    }

    private static String kidOf(String jwt) {
        String h = header(jwt);
        int i = h.indexOf("\"kid\":\"") + 7;
        return h.substring(i, h.indexOf('"', i));
    }
}
