package org.phonepass.core.token;

import java.util.Map;
import java.util.Optional;

/** Signs and verifies JWTs with the server's current keys. The only seam that knows a JOSE library. */
public interface TokenSigner {
    /**
     * Signs the claims with the current RS256 key.
     *
     * @param type the JOSE {@code typ} header ({@code JWT}, or {@code at+jwt} for RFC 9068 access tokens)
     */
    String sign(Map<String, Object> claims, String type);

    /**
     * Signs the claims with the current key of {@code algorithm}: {@code RS256}, or {@code ES256} or {@code EdDSA}
     * when the signer was set up with them (access tokens for APIs configured so).
     */
    String sign(Map<String, Object> claims, String type, String algorithm);

    /** Verifies signature, {@code iss} and expiry; returns the claims, or empty for any invalid token. */
    Optional<Map<String, Object>> verify(String jwt, String expectedType);

    /** The public keys as a JWKS document: every key that signs now or signed tokens that may still be live. */
    Map<String, Object> publicJwks();
}
