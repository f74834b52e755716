package org.phonepass.core.token;

import java.time.Instant;
import java.util.Objects;

/**
 * A signing key as stored.
 *
 * @param kid       key id, published in the JWKS and in every token header
 * @param jwk       the private key as a JWK JSON document
 * @param createdAt when it was generated (and published in the JWKS)
 * @param activeAt  from when it signs; a new key is published before it signs so caches learn it first
 * @param retiredAt when it stopped signing, or null while it is the current key
 */
public record StoredKey(String kid, String jwk, Instant createdAt, Instant activeAt, Instant retiredAt) {
    public StoredKey {
        Objects.requireNonNull(kid, "kid cannot be null");
        Objects.requireNonNull(jwk, "jwk cannot be null");
        Objects.requireNonNull(createdAt, "createdAt cannot be null");
        Objects.requireNonNull(activeAt, "activeAt cannot be null");
    }
}
