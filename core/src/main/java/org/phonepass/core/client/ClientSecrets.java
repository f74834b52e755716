package org.phonepass.core.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Client secrets are stored as {@code sha256:<hex>}. A client secret is a high-entropy random string issued by the
 * operator, not a password a person chose, so a fast hash is the right tool (slow password hashes protect
 * low-entropy secrets and would only cost CPU on every confidential request).
 */
public final class ClientSecrets {
    private static final String PREFIX = "sha256:";

    private ClientSecrets() {}

    public static String hash(String secret) {
        return PREFIX + HexFormat.of().formatHex(sha256(secret));
    }

    public static boolean isHash(String value) {
        return value != null && value.startsWith(PREFIX) && value.length() == PREFIX.length() + 64;
    }

    /** Constant-time comparison of a presented secret with a stored hash. */
    public static boolean matches(String presented, String storedHash) {
        if (presented == null || !isHash(storedHash)) {
            return false;
        }
        byte[] expected = HexFormat.of().parseHex(storedHash.substring(PREFIX.length()));
        return MessageDigest.isEqual(sha256(presented), expected);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
