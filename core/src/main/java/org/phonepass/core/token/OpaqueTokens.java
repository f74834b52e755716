package org.phonepass.core.token;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;

/**
 * Opaque access and refresh tokens, and the other secrets the stores keep only a key of (hosted-login sessions, login
 * transactions, cross-origin login tickets, authorization codes), with the keys the stores find them by.
 *
 * <p>A token is 38 bytes, base64url without padding (51 characters): six bytes of the millisecond it was made (since
 * the epoch, big-endian), then 32 bytes from {@link SecureRandom}. Its key is those six bytes followed by the SHA-256
 * of the whole token, so no store holds a token in clear and the key cannot be made without the token.
 *
 * <p>Why the time in front: the key is the primary key of {@code access_tokens}, {@code refresh_tokens},
 * {@code sessions}, {@code login_transactions}, {@code login_tickets} and {@code authorization_codes}. A key that
 * is a bare hash lands every new token on a random leaf page of that index, one page more written (and, on a large
 * store, read) per login and two per refresh; keys that grow with time land on the index's last pages, which the
 * tokens of one commit share (docs/benchmarks.md#time-ordered-token-keys). The six bytes say when the token was
 * issued, as the {@code iat} of the id_token issued with it does; the secret is the 256 random bits after them.
 *
 * <p>Values made by earlier versions are 43 characters (32 random bytes) and were stored under their bare SHA-256;
 * {@link #key} still gives that for them, so they keep working until they expire.
 */
public final class OpaqueTokens {
    static final int TIME_BYTES = 6;
    static final int RANDOM_BYTES = 32;
    /** base64url of 38 bytes, without padding. */
    static final int LENGTH = 51;
    /** base64url of the 32 random bytes earlier versions made, without padding. */
    static final int EARLIER_LENGTH = 43;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Clock clock;
    private final SecureRandom random;

    public OpaqueTokens(Clock clock, SecureRandom random) {
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
    }

    /** A new token: its key sorts after the key of every token made in an earlier millisecond. */
    public String next() {
        byte[] bytes = new byte[TIME_BYTES + RANDOM_BYTES];
        random.nextBytes(bytes);
        long millis = clock.millis();
        for (int i = TIME_BYTES - 1; i >= 0; i--) {
            bytes[i] = (byte) millis;
            millis >>>= 8;
        }
        return ENCODER.encodeToString(bytes);
    }

    /**
     * Whether {@code value} has the shape of a value made here: base64url of this layout, or of the 32 random bytes of
     * earlier versions. Says nothing of whether it was issued.
     */
    public static boolean wellFormed(String value) {
        return value != null
                && (value.length() == LENGTH || value.length() == EARLIER_LENGTH)
                && value.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'));
    }

    /**
     * The key a token is stored and found under: for a token of this layout its six time bytes and its SHA-256; for
     * anything else (a token of an earlier version, or a string that is no token at all) its SHA-256 alone, which is
     * what earlier versions stored. A presented string that is not one of ours gets a key no stored token has.
     */
    public static byte[] key(String token) {
        byte[] hash = TokenService.sha256(token);
        if (token.length() != LENGTH) {
            return hash;
        }
        byte[] time;
        try {
            // Eight base64url characters are six bytes; fewer come back when they end in padding.
            time = DECODER.decode(token.substring(0, 8));
        } catch (IllegalArgumentException notBase64url) {
            return hash;
        }
        if (time.length != TIME_BYTES) {
            return hash;
        }
        byte[] key = new byte[TIME_BYTES + hash.length];
        System.arraycopy(time, 0, key, 0, TIME_BYTES);
        System.arraycopy(hash, 0, key, TIME_BYTES, hash.length);
        return key;
    }
}
