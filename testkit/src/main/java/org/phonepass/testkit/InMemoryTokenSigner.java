package org.phonepass.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.phonepass.core.token.TokenSigner;

/**
 * A {@code TokenSigner} for domain tests: it keeps the claims of every token it "signs" and {@link #verify} looks
 * them up, so a test reads what a token carries without a JOSE library or keys. The tokens have the three dotted
 * parts of a JWT, so code that tells JWTs from opaque tokens treats them alike; they prove nothing outside the
 * process that made them.
 */
public final class InMemoryTokenSigner implements TokenSigner {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private record Signed(Map<String, Object> claims, String type, String algorithm) {}

    private final Map<String, Signed> signed = new ConcurrentHashMap<>();
    private final AtomicLong serial = new AtomicLong();

    @Override
    public String sign(Map<String, Object> claims, String type) {
        return sign(claims, type, "RS256");
    }

    @Override
    public String sign(Map<String, Object> claims, String type, String algorithm) {
        String header = "{\"alg\":\"" + algorithm + "\",\"typ\":\"" + type + "\"}";
        String token = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(Long.toString(serial.incrementAndGet()).getBytes(StandardCharsets.UTF_8))
                + ".test";
        signed.put(token, new Signed(Map.copyOf(claims), type, algorithm));
        return token;
    }

    @Override
    public Optional<Map<String, Object>> verify(String jwt, String expectedType) {
        Signed s = jwt == null ? null : signed.get(jwt);
        return s == null || !s.type().equals(expectedType) ? Optional.empty() : Optional.of(s.claims());
    }

    @Override
    public Map<String, Object> publicJwks() {
        return Map.of("keys", List.of());
    }

    /** The claims of a token this signer made, whatever its type; fails for any other string. */
    public Map<String, Object> claims(String token) {
        Signed s = signed.get(token);
        if (s == null) {
            throw new IllegalArgumentException("not a token of this signer");
        }
        return s.claims();
    }

    /** The algorithm a token of this signer was made for. */
    public String algorithm(String token) {
        return signed.get(token).algorithm();
    }
}
