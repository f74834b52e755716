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

    public CodeHasher(byte[] secret) {
        if (secret == null || secret.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the code HMAC key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    public byte[] hash(String clientId, String phoneE164, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            // Length-prefixed fields: no two (client, phone, code) triples share an input.
            for (String part : new String[] {clientId, phoneE164, code}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                mac.update((byte) (bytes.length >>> 8));
                mac.update((byte) bytes.length);
                mac.update(bytes);
            }
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
