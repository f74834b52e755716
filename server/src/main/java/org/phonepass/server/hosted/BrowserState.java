package org.phonepass.server.hosted;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the hosted pages keep in the browser, signed so that it cannot be forged: the anti-CSRF binding, and the
 * number a code was sent to (docs/hosted-login.md#security-of-the-pages). Both are {@code __Host-} cookies
 * ({@code Secure}, no {@code Domain}, {@code Path=/}), {@code HttpOnly} and {@code SameSite=Strict}. The key is
 * derived from the code HMAC key, so every node of a cluster accepts what another one set.
 */
final class BrowserState {
    static final String CSRF_COOKIE = "__Host-pp-browser";
    static final String LOGIN_COOKIE = "__Host-pp-login";

    private final byte[] key;
    private final SecureRandom random = new SecureRandom();

    /** A number the code was sent to, for one login transaction, and when. */
    record SentCode(String transactionId, String e164, Instant sentAt) {}

    BrowserState(byte[] codeHmacKey) {
        this.key = hmac(codeHmacKey, "phonepass hosted pages v1".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The CSRF token for forms of this transaction: an HMAC of the browser's random id (its own cookie, set here
     * when missing) and the transaction id. A page of another browser, or of another transaction, has another one.
     */
    String csrfToken(Context ctx, String transactionId) {
        String browser = ctx.cookie(CSRF_COOKIE);
        if (browser == null || browser.length() != 22) {
            byte[] b = new byte[16];
            random.nextBytes(b);
            browser = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            setCookie(ctx, CSRF_COOKIE, browser, -1);
        }
        return token(browser, transactionId);
    }

    /** Whether the form's token is the one this browser's cookie gives for this transaction. */
    boolean csrfValid(Context ctx, String transactionId, String sent) {
        String browser = ctx.cookie(CSRF_COOKIE);
        if (browser == null || sent == null) {
            return false;
        }
        return MessageDigest.isEqual(
                token(browser, transactionId).getBytes(StandardCharsets.US_ASCII),
                sent.getBytes(StandardCharsets.US_ASCII));
    }

    private String token(String browser, String transactionId) {
        return b64(hmac(key, ("csrf\n" + browser + "\n" + transactionId).getBytes(StandardCharsets.UTF_8)));
    }

    void rememberSent(Context ctx, SentCode sent, long maxAgeSeconds) {
        String payload =
                sent.transactionId() + "\n" + sent.e164() + "\n" + sent.sentAt().getEpochSecond();
        String value = b64(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + b64(hmac(key, ("sent\n" + payload).getBytes(StandardCharsets.UTF_8)));
        setCookie(ctx, LOGIN_COOKIE, value, maxAgeSeconds);
    }

    /** The number a code was sent to for this transaction, when this browser asked for one. */
    Optional<SentCode> sent(Context ctx, String transactionId) {
        String value = ctx.cookie(LOGIN_COOKIE);
        if (value == null || value.length() > 512) {
            return Optional.empty();
        }
        int dot = value.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(value.substring(0, dot));
            byte[] mac = Base64.getUrlDecoder().decode(value.substring(dot + 1));
            byte[] expected = hmac(
                    key, ("sent\n" + new String(payload, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            if (!MessageDigest.isEqual(expected, mac)) {
                return Optional.empty();
            }
            String[] parts = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
            if (parts.length != 3 || !parts[0].equals(transactionId)) {
                return Optional.empty();
            }
            return Optional.of(new SentCode(parts[0], parts[1], Instant.ofEpochSecond(Long.parseLong(parts[2]))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    void forgetSent(Context ctx) {
        setCookie(ctx, LOGIN_COOKIE, "", 0);
    }

    private static void setCookie(Context ctx, String name, String value, long maxAgeSeconds) {
        // Written by hand: the servlet cookie API of this Jetty has no SameSite attribute.
        StringBuilder header =
                new StringBuilder(name).append('=').append(value).append("; Path=/; Secure; HttpOnly; SameSite=Strict");
        if (maxAgeSeconds >= 0) {
            header.append("; Max-Age=").append(maxAgeSeconds);
        }
        ctx.res().addHeader("Set-Cookie", header.toString());
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
