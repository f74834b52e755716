package org.phonepass.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPrivateKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.core.token.StoredKey;
import org.phonepass.core.token.TokenSigner;
import org.phonepass.server.crypto.CryptoProviders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing with keys kept in a {@link SigningKeyStore}, so that every node and every restart signs with, and
 * publishes, the same keys. RS256 always (every id_token); ES256 and EdDSA (Ed25519, through Tink) when an API's
 * access tokens are configured to use them: each algorithm has its own keys, its own current key and its own
 * rotation, all in one JWKS.
 *
 * <p>Rotation: {@link #rotate(Duration)} stores a new key that is published in the JWKS at once but signs only from
 * {@code now + publishAhead}, so that resource servers that cache the JWKS learn it before they meet it. When a newer
 * key starts signing the older one is retired; it stays in the JWKS for {@code retention} (the longest token
 * lifetime) so the tokens it signed still verify, then it is deleted.
 */
public final class NimbusTokenSigner implements TokenSigner {
    private static final Logger log = LoggerFactory.getLogger(NimbusTokenSigner.class);
    private static final Duration LEEWAY = Duration.ofSeconds(30);
    public static final String RS256 = "RS256";
    /** The algorithm names this signer understands: what {@code apis[].signing_alg} accepts. */
    public static final List<String> ALGORITHMS = java.util.Arrays.stream(SigningAlgorithm.values())
            .map(SigningAlgorithm::jwsName)
            .toList();

    private final SigningKeyStore store;
    private final String issuer;
    private final Clock clock;
    private final Duration retention;
    private final Set<JWSAlgorithm> algorithms;
    private final CryptoProviders.Choice crypto;
    private volatile KeyRing ring = new KeyRing(List.of(), Map.of());

    private record Loaded(StoredKey stored, JWK jwk, JWSAlgorithm algorithm, JWSSigner signer, JWSVerifier verifier) {}

    private record KeyRing(List<Loaded> keys, Map<JWSAlgorithm, Loaded> current) {
        Optional<Loaded> byKid(String kid) {
            return keys.stream().filter(k -> k.stored().kid().equals(kid)).findFirst();
        }
    }

    /** RS256 only. */
    public NimbusTokenSigner(SigningKeyStore store, String issuer, Clock clock, Duration retention) {
        this(store, issuer, clock, retention, Set.of(RS256));
    }

    /**
     * @param algorithms what it signs with besides RS256 ({@code ES256}, {@code EdDSA}); a key is generated for any
     *                   of them that has none yet
     */
    public NimbusTokenSigner(
            SigningKeyStore store, String issuer, Clock clock, Duration retention, Set<String> algorithms) {
        this(store, issuer, clock, retention, algorithms, CryptoProviders.jdk());
    }

    /**
     * @param crypto the provider every RSA and EC key object, and its signatures, come from (Ed25519 goes through
     *               Tink); docs/security.md#crypto-provider
     */
    public NimbusTokenSigner(
            SigningKeyStore store,
            String issuer,
            Clock clock,
            Duration retention,
            Set<String> algorithms,
            CryptoProviders.Choice crypto) {
        this.crypto = Objects.requireNonNull(crypto, "crypto cannot be null");
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.retention = Objects.requireNonNull(retention, "retention cannot be null");
        Set<JWSAlgorithm> algs = new LinkedHashSet<>();
        algs.add(JWSAlgorithm.RS256);
        for (String a : algorithms) {
            algs.add(supported(a));
        }
        this.algorithms = Set.copyOf(algs);
        reload();
        for (JWSAlgorithm alg : algs) {
            if (ring.current().get(alg) == null) {
                store.add(generate(alg, clock.instant()));
                reload();
                log.info(
                        "generated {} signing key {}",
                        alg,
                        ring.current().get(alg).stored().kid());
            }
        }
    }

    private static JWSAlgorithm supported(String name) {
        if (!ALGORITHMS.contains(name)) {
            throw new IllegalArgumentException("unsupported signing algorithm " + name + "; use one of " + ALGORITHMS);
        }
        return JWSAlgorithm.parse(name);
    }

    /**
     * Adds, for every algorithm in use, a key that is published now and signs from {@code now + publishAhead};
     * returns the new RS256 key's kid.
     */
    public synchronized String rotate(Duration publishAhead) {
        String rs256 = null;
        for (JWSAlgorithm alg : algorithmsInUse()) {
            StoredKey key = generate(alg, clock.instant().plus(publishAhead));
            store.add(key);
            log.info("signing key rotation: new {} key {} signs from {}", alg, key.kid(), key.activeAt());
            if (alg.equals(JWSAlgorithm.RS256)) {
                rs256 = key.kid();
            }
        }
        reload();
        return rs256;
    }

    /** The configured algorithms, and any other that still has a stored key (a setting changed since). */
    private Set<JWSAlgorithm> algorithmsInUse() {
        Set<JWSAlgorithm> inUse = new LinkedHashSet<>(List.of(JWSAlgorithm.RS256));
        inUse.addAll(algorithms);
        ring.keys().forEach(k -> inUse.add(k.algorithm()));
        return inUse;
    }

    /** Re-reads the keys (other nodes may have rotated), retires superseded keys and deletes expired ones. */
    public synchronized void reload() {
        Instant now = clock.instant();
        List<StoredKey> stored = sorted(store.all());
        Map<JWSAlgorithm, List<StoredKey>> byAlgorithm = new LinkedHashMap<>();
        for (StoredKey k : stored) {
            byAlgorithm.computeIfAbsent(algorithmOf(k), a -> new ArrayList<>()).add(k);
        }
        Map<JWSAlgorithm, String> currentKids = new LinkedHashMap<>();
        for (Map.Entry<JWSAlgorithm, List<StoredKey>> e : byAlgorithm.entrySet()) {
            StoredKey current = null;
            for (StoredKey k : e.getValue()) {
                if (!k.activeAt().isAfter(now)
                        && (k.retiredAt() == null || k.retiredAt().isAfter(now))) {
                    current = k;
                }
            }
            if (current == null) {
                continue;
            }
            currentKids.put(e.getKey(), current.kid());
            for (StoredKey k : e.getValue()) {
                if (k != current && k.retiredAt() == null && k.activeAt().isBefore(current.activeAt())) {
                    store.retire(k.kid(), current.activeAt());
                }
            }
        }
        int deleted = store.deleteRetiredBefore(now.minus(retention));
        if (deleted > 0 || stored.size() != ring.keys().size()) {
            stored = sorted(store.all());
        }
        List<Loaded> loaded = new ArrayList<>();
        Map<JWSAlgorithm, Loaded> current = new LinkedHashMap<>();
        for (StoredKey k : stored) {
            Loaded l = ring.byKid(k.kid())
                    .map(old -> new Loaded(k, old.jwk(), old.algorithm(), old.signer(), old.verifier()))
                    .orElseGet(() -> load(k));
            loaded.add(l);
            if (k.kid().equals(currentKids.get(l.algorithm()))) {
                current.put(l.algorithm(), l);
            }
        }
        ring = new KeyRing(List.copyOf(loaded), Map.copyOf(current));
    }

    private static List<StoredKey> sorted(List<StoredKey> keys) {
        List<StoredKey> sorted = new ArrayList<>(keys);
        sorted.sort(Comparator.comparing(StoredKey::activeAt));
        return sorted;
    }

    /** Keys stored before other algorithms existed carry {@code "alg":"RS256"} too; one without is RS256. */
    private static JWSAlgorithm algorithmOf(StoredKey k) {
        try {
            JWK jwk = JWK.parse(k.jwk());
            return jwk.getAlgorithm() == null
                    ? JWSAlgorithm.RS256
                    : JWSAlgorithm.parse(jwk.getAlgorithm().getName());
        } catch (ParseException e) {
            throw new IllegalStateException("stored signing key " + k.kid() + " cannot be read", e);
        }
    }

    /** The RS256 kid that signs now. */
    public String currentKid() {
        return ring.current().get(JWSAlgorithm.RS256).stored().kid();
    }

    @Override
    public String sign(Map<String, Object> claims, String type) {
        return sign(claims, type, RS256);
    }

    @Override
    public String sign(Map<String, Object> claims, String type, String algorithm) {
        Loaded key = ring.current().get(JWSAlgorithm.parse(algorithm));
        if (key == null) {
            throw new IllegalStateException("no current " + algorithm + " signing key");
        }
        try {
            JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
            claims.forEach(b::claim);
            SignedJWT jwt = new SignedJWT(header(key, type), b.build());
            jwt.sign(key.signer());
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    /** A header signed with: for one loaded key (the same object) and one type. */
    private record CachedHeader(Loaded key, String type, JWSHeader header) {}

    /** The headers signed with, a few per signing key; replaced whole when one is added. */
    private volatile List<CachedHeader> headers = List.of();

    /**
     * The header of a token, made once per key and type: a header parsed from its own base64url keeps those bytes
     * and gives them back as they are, where a new header was written out as JSON and encoded again for every token
     * (docs/benchmarks.md, "The request path, cut again"). The tokens are the same bytes either way.
     */
    private JWSHeader header(Loaded key, String type) {
        List<CachedHeader> known = headers;
        for (CachedHeader h : known) {
            if (h.key() == key && h.type().equals(type)) {
                return h.header();
            }
        }
        JWSHeader built = new JWSHeader.Builder(key.algorithm())
                .keyID(key.stored().kid())
                .type(new JOSEObjectType(type))
                .build();
        JWSHeader header;
        try {
            header = JWSHeader.parse(built.toBase64URL());
        } catch (ParseException e) {
            throw new IllegalStateException("a header this signer wrote cannot be read back", e);
        }
        // Keys are reloaded and rotated: past 16 headers the list starts again from the one needed now.
        List<CachedHeader> next = new ArrayList<>(known.size() < 16 ? known : List.of());
        next.add(new CachedHeader(key, type, header));
        headers = List.copyOf(next);
        return header;
    }

    @Override
    public Optional<Map<String, Object>> verify(String token, String expectedType) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            if (header.getKeyID() == null) {
                return Optional.empty();
            }
            String type = header.getType() == null ? null : header.getType().getType();
            if (expectedType != null && !expectedType.equalsIgnoreCase(type)) {
                return Optional.empty();
            }
            Optional<Loaded> key = ring.byKid(header.getKeyID());
            // The algorithm of the key, never the one the token names (no "none", no confusion between keys).
            if (key.isEmpty()
                    || !key.get().algorithm().equals(header.getAlgorithm())
                    || !jwt.verify(key.get().verifier())) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims.getExpirationTime();
            if (!issuer.equals(claims.getIssuer())
                    || exp == null
                    || exp.toInstant().plus(LEEWAY).isBefore(clock.instant())) {
                return Optional.empty();
            }
            return Optional.of(claims.getClaims());
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Map<String, Object> publicJwks() {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (Loaded k : ring.keys()) {
            keys.add(new LinkedHashMap<>(k.jwk().toPublicJWK().toJSONObject()));
        }
        return Map.of("keys", keys);
    }

    private static StoredKey generate(JWSAlgorithm alg, Instant activeAt) {
        String kid = UUID.randomUUID().toString().replace("-", "");
        try {
            JWK key;
            if (alg.equals(JWSAlgorithm.ES256)) {
                key = new ECKeyGenerator(Curve.P_256)
                        .keyID(kid)
                        .keyUse(KeyUse.SIGNATURE)
                        .algorithm(alg)
                        .generate();
            } else if (alg.equals(JWSAlgorithm.EdDSA)) {
                key = new OctetKeyPairGenerator(Curve.Ed25519)
                        .keyID(kid)
                        .keyUse(KeyUse.SIGNATURE)
                        .algorithm(alg)
                        .generate();
            } else {
                key = new RSAKeyGenerator(2048)
                        .keyID(kid)
                        .keyUse(KeyUse.SIGNATURE)
                        .algorithm(alg)
                        .generate();
            }
            return new StoredKey(kid, key.toJSONString(), Instant.now(), activeAt, null);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + alg + " key", e);
        }
    }

    /**
     * The key objects are made by the chosen provider's {@link KeyFactory}, and the signer and verifier use that
     * provider's {@code Signature}: a key object made by another provider would be converted on every signature (with
     * ACCP about 0.55 ms per token, half the signature again).
     */
    private Loaded load(StoredKey k) {
        try {
            JWK jwk = JWK.parse(k.jwk());
            JWSAlgorithm alg = algorithmOf(k);
            if (jwk instanceof ECKey ec) {
                ECParameterSpec params = ec.getCurve().toECParameterSpec();
                KeyFactory kf = crypto.keyFactory("EC");
                ECPublicKey pub = (ECPublicKey) kf.generatePublic(new ECPublicKeySpec(
                        new ECPoint(ec.getX().decodeToBigInteger(), ec.getY().decodeToBigInteger()), params));
                ECPrivateKey priv = (ECPrivateKey)
                        kf.generatePrivate(new ECPrivateKeySpec(ec.getD().decodeToBigInteger(), params));
                ECDSASigner signer = new ECDSASigner(priv);
                ECDSAVerifier verifier = new ECDSAVerifier(pub);
                signer.getJCAContext().setProvider(crypto.signatureProvider("EC"));
                verifier.getJCAContext().setProvider(crypto.signatureProvider("EC"));
                return new Loaded(k, jwk, alg, signer, verifier);
            }
            if (jwk instanceof OctetKeyPair okp) {
                return new Loaded(k, jwk, alg, new Ed25519Signer(okp), new Ed25519Verifier(okp.toPublicJWK()));
            }
            RSAKey rsa = (RSAKey) jwk;
            KeyFactory kf = crypto.keyFactory("RSA");
            RSAPublicKey pub = (RSAPublicKey) kf.generatePublic(new RSAPublicKeySpec(
                    rsa.getModulus().decodeToBigInteger(),
                    rsa.getPublicExponent().decodeToBigInteger()));
            PrivateKey priv = rsa.getFirstPrimeFactor() != null
                    ? kf.generatePrivate(new RSAPrivateCrtKeySpec(
                            rsa.getModulus().decodeToBigInteger(),
                            rsa.getPublicExponent().decodeToBigInteger(),
                            rsa.getPrivateExponent().decodeToBigInteger(),
                            rsa.getFirstPrimeFactor().decodeToBigInteger(),
                            rsa.getSecondPrimeFactor().decodeToBigInteger(),
                            rsa.getFirstFactorCRTExponent().decodeToBigInteger(),
                            rsa.getSecondFactorCRTExponent().decodeToBigInteger(),
                            rsa.getFirstCRTCoefficient().decodeToBigInteger()))
                    : kf.generatePrivate(new RSAPrivateKeySpec(
                            rsa.getModulus().decodeToBigInteger(),
                            rsa.getPrivateExponent().decodeToBigInteger()));
            RSASSASigner signer = new RSASSASigner(priv);
            RSASSAVerifier verifier = new RSASSAVerifier(pub);
            signer.getJCAContext().setProvider(crypto.signatureProvider("RSA"));
            verifier.getJCAContext().setProvider(crypto.signatureProvider("RSA"));
            return new Loaded(k, jwk, alg, signer, verifier);
        } catch (ParseException | GeneralSecurityException | JOSEException | ClassCastException e) {
            throw new IllegalStateException("stored signing key " + k.kid() + " cannot be read", e);
        }
    }

    /** Who made the current RS256 key object: what {@code crypto.provider} chose (tests check it). */
    public String signingKeyClass() {
        RSASSASigner s = (RSASSASigner) ring.current().get(JWSAlgorithm.RS256).signer();
        return s.getPrivateKey().getClass().getName();
    }
}
