package org.phonepass.core.otp;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 of a code, keyed by a server secret and bound to the client and the phone number, so that a copy of
 * the database alone does not reveal codes (a 6-digit code has only a million values: a plain hash would be
 * reversed at once) and a hash for one phone is useless for another.
 */
public final class CodeHasher {
    public static final int MIN_KEY_BYTES = 32;
    private final SecretKeySpec key;
    /** A MAC keyed once, cloned for each hash; null when the provider's MAC cannot be cloned. */
    private final Mac keyed;

    public CodeHasher(byte[] secret) {
        if (secret == null || secret.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the code HMAC key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.keyed = cloneable(newMac());
    }

    /**
     * Length-prefixed fields, so that no two (client, phone, code) triples share an input, hashed in one call: the
     * MAC comes from a clone of one keyed at start rather than a provider look-up and a key set-up per hash, and the
     * input goes in as one array rather than a byte at a time (docs/benchmarks.md, "The request path, cut again").
     * The hash is the same as ever: codes stored before a restart still match.
     */
    public byte[] hash(String clientId, String phoneE164, String code) {
        byte[] a = clientId.getBytes(StandardCharsets.UTF_8);
        byte[] b = phoneE164.getBytes(StandardCharsets.UTF_8);
        byte[] c = code.getBytes(StandardCharsets.UTF_8);
        byte[] input = new byte[6 + a.length + b.length + c.length];
        int at = 0;
        for (byte[] part : new byte[][] {a, b, c}) {
            input[at++] = (byte) (part.length >>> 8);
            input[at++] = (byte) part.length;
            System.arraycopy(part, 0, input, at, part.length);
            at += part.length;
        }
        return mac().doFinal(input);
    }

    private Mac mac() {
        if (keyed != null) {
            try {
                return (Mac) keyed.clone();
            } catch (CloneNotSupportedException e) {
                // not expected: cloneable() tried it; fall through
            }
        }
        return newMac();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static Mac cloneable(Mac mac) {
        try {
            mac.clone();
            return mac;
        } catch (CloneNotSupportedException e) {
            return null;
        }
    }
}
