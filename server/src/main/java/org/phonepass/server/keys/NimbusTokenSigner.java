package org.phonepass.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.core.token.StoredKey;
import org.phonepass.core.token.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RS256 signing with keys kept in a {@link SigningKeyStore}, so that every node and every restart signs with, and
 * publishes, the same keys.
 *
 * <p>Rotation: {@link #rotate(Duration)} stores a new key that is published in the JWKS at once but signs only from
 * {@code now + publishAhead}, so that resource servers that cache the JWKS learn it before they meet it. When a newer
 * key starts signing the older one is retired; it stays in the JWKS for {@code retention} (the longest token
 * lifetime) so the tokens it signed still verify, then it is deleted.
 */
public final class NimbusTokenSigner implements TokenSigner {
    private static final Logger log = LoggerFactory.getLogger(NimbusTokenSigner.class);
    private static final Duration LEEWAY = Duration.ofSeconds(30);

    private final SigningKeyStore store;
    private final String issuer;
    private final Clock clock;
    private final Duration retention;
    private volatile KeyRing ring = new KeyRing(List.of(), null);

    private record Loaded(StoredKey stored, RSAKey jwk, RSASSASigner signer, RSASSAVerifier verifier) {
    }

    private record KeyRing(List<Loaded> keys, Loaded current) {
        Optional<Loaded> byKid(String kid) {
            return keys.stream().filter(k -> k.stored().kid().equals(kid)).findFirst();
        }
    }

    public NimbusTokenSigner(SigningKeyStore store, String issuer, Clock clock, Duration retention) {
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.retention = Objects.requireNonNull(retention, "retention cannot be null");
        reload();
        if (ring.current() == null) {
            store.add(generate(clock.instant()));
            reload();
            log.info("generated signing key {}", ring.current().stored().kid());
        }
    }

    /** Adds a key that is published now and signs from {@code now + publishAhead}; returns its kid. */
    public synchronized String rotate(Duration publishAhead) {
        StoredKey key = generate(clock.instant().plus(publishAhead));
        store.add(key);
        reload();
        log.info("signing key rotation: new key {} signs from {}", key.kid(), key.activeAt());
        return key.kid();
    }

    /** Re-reads the keys (other nodes may have rotated), retires superseded keys and deletes expired ones. */
    public synchronized void reload() {
        Instant now = clock.instant();
        List<StoredKey> stored = new ArrayList<>(store.all());
        stored.sort(Comparator.comparing(StoredKey::activeAt));
        StoredKey current = null;
        for (StoredKey k : stored) {
            if (!k.activeAt().isAfter(now) && (k.retiredAt() == null || k.retiredAt().isAfter(now))) {
                current = k;
            }
        }
        for (StoredKey k : stored) {
            if (current != null && k != current && k.retiredAt() == null && k.activeAt().isBefore(current.activeAt())) {
                store.retire(k.kid(), current.activeAt());
            }
        }
        int deleted = store.deleteRetiredBefore(now.minus(retention));
        if (deleted > 0 || stored.size() != ring.keys().size()) {
            stored = new ArrayList<>(store.all());
            stored.sort(Comparator.comparing(StoredKey::activeAt));
        }
        List<Loaded> loaded = new ArrayList<>();
        Loaded currentLoaded = null;
        for (StoredKey k : stored) {
            Loaded l = ring.byKid(k.kid()).map(old -> new Loaded(k, old.jwk(), old.signer(), old.verifier()))
                    .orElseGet(() -> load(k));
            loaded.add(l);
            if (current != null && k.kid().equals(current.kid())) {
                currentLoaded = l;
            }
        }
        ring = new KeyRing(List.copyOf(loaded), currentLoaded);
    }

    /** The kid that signs now. */
    public String currentKid() {
        return ring.current().stored().kid();
    }

    @Override
    public String sign(Map<String, Object> claims, String type) {
        Loaded key = ring.current();
        try {
            JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
            claims.forEach(b::claim);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .keyID(key.stored().kid()).type(new JOSEObjectType(type)).build(), b.build());
            jwt.sign(key.signer());
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    @Override
    public Optional<Map<String, Object>> verify(String token, String expectedType) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            if (!JWSAlgorithm.RS256.equals(header.getAlgorithm()) || header.getKeyID() == null) {
                return Optional.empty();
            }
            String type = header.getType() == null ? null : header.getType().getType();
            if (expectedType != null && !expectedType.equalsIgnoreCase(type)) {
                return Optional.empty();
            }
            Optional<Loaded> key = ring.byKid(header.getKeyID());
            if (key.isEmpty() || !jwt.verify(key.get().verifier())) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims.getExpirationTime();
            if (!issuer.equals(claims.getIssuer()) || exp == null
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

    private static StoredKey generate(Instant activeAt) {
        try {
            RSAKey key = new RSAKeyGenerator(2048)
                    .keyID(UUID.randomUUID().toString().replace("-", ""))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate();
            return new StoredKey(key.getKeyID(), key.toJSONString(), Instant.now(), activeAt, null);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    private static Loaded load(StoredKey k) {
        try {
            RSAKey jwk = RSAKey.parse(k.jwk());
            return new Loaded(k, jwk, new RSASSASigner(jwk), new RSASSAVerifier(jwk.toRSAPublicKey()));
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("stored signing key " + k.kid() + " cannot be read", e);
        }
    }
}
