package org.phonepass.server.admin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The console's cookies (docs/management.md#console-security): the session, and the sign-in in progress. Both are
 * signed with HMAC-SHA256 under a key derived from the code HMAC key, which every node shares, so any node accepts a
 * cookie another node set and no table is needed.
 *
 * <p>A console session only adds the console's own limits to the hosted-login session it was opened from: it names
 * that session's public id ({@code sid}), the admin's user id, when the code was typed (the absolute lifetime counts
 * from then) and when it was last used (the idle timeout). Whether the hosted session still lives, and whether the
 * user is still an admin, is checked on every request by the caller, against the shared store; so ending the hosted
 * session ends the console session on every node.
 *
 * <p>The sign-in cookie binds the {@code state} of one authorization request to the browser that started it. The
 * PKCE verifier and the {@code nonce} are derived from that state under the key, so the cookie carries no secret
 * and the browser cannot choose them.
 */
final class AdminSessions {
    static final String SESSION_COOKIE = "__Host-phonepass-admin";
    static final String LOGIN_COOKIE = "__Host-phonepass-admin-login";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    /** How long the person has to finish a sign-in on the hosted pages, from the console's redirect. */
    static final Duration LOGIN_LIFETIME = Duration.ofMinutes(10);

    private final byte[] key;
    private final Duration idle;
    private final Duration max;
    private final Clock clock;
    private final SecureRandom random;

    /**
     * A console session.
     *
     * @param id       random, minted at each sign-in; the CSRF token is bound to it
     * @param userId   the admin's user id (without {@code sms|})
     * @param sid      the public id of the hosted-login session it was opened from
     * @param authTime when the admin typed the code, from the id_token's {@code auth_time}
     * @param lastUsed the last request
     */
    record Session(String id, String userId, String sid, Instant authTime, Instant lastUsed) {}

    /** A sign-in in progress: the state sent to {@code /authorize}. */
    record Login(String state, Instant started) {}

    AdminSessions(byte[] codeHmacKey, Duration idle, Duration max, Clock clock, SecureRandom random) {
        this.key = hmac(codeHmacKey, "phonepass admin console cookies v2".getBytes(StandardCharsets.UTF_8));
        this.idle = Objects.requireNonNull(idle);
        this.max = Objects.requireNonNull(max);
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
    }

    /** The console's absolute lifetime, also the {@code max_age} it asks of {@code /authorize}. */
    Duration maxLifetime() {
        return max;
    }

    /** A new session for an admin who has just signed in: a fresh random id, whatever the request carried. */
    Session open(String userId, String sid, Instant authTime) {
        return new Session(randomId(), userId, sid, authTime, clock.instant());
    }

    /** The session the cookie value names, when its signature holds and neither of its limits has passed. */
    Optional<Session> read(String cookie) {
        Optional<Session> session = signed(cookie);
        Instant now = clock.instant();
        return session.filter(s -> !now.isAfter(s.authTime().plus(max))
                && !now.isAfter(s.lastUsed().plus(idle)));
    }

    /**
     * The session the cookie value names when its signature holds, expired or not: sign-out accepts it, so that a
     * page left open past the idle timeout can still end the hosted session behind it.
     */
    Optional<Session> signed(String cookie) {
        Optional<String[]> fields = verified(cookie, "s", 6);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        String[] f = fields.get();
        try {
            return Optional.of(new Session(
                    f[1],
                    f[2],
                    f[3],
                    Instant.ofEpochMilli(Long.parseLong(f[4])),
                    Instant.ofEpochMilli(Long.parseLong(f[5]))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The session as used now: its cookie value with the last use moved to now. */
    String touch(Session session) {
        return seal(
                "s",
                session.id(),
                session.userId(),
                session.sid(),
                millis(session.authTime()),
                millis(clock.instant()));
    }

    /** The cookie's lifetime for the browser: the session's remaining absolute lifetime. */
    long maxAgeSeconds(Session session) {
        return Math.max(
                0,
                Duration.between(clock.instant(), session.authTime().plus(max)).toSeconds());
    }

    /** The token every write must carry: bound to the session, unknown to other sites (docs/management.md). */
    String csrfToken(Session session) {
        return B64.encodeToString(hmac(key, ("csrf|" + session.id()).getBytes(StandardCharsets.UTF_8)));
    }

    boolean csrfMatches(Session session, String token) {
        return token != null
                && MessageDigest.isEqual(
                        csrfToken(session).getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** A sign-in started now, with a fresh random state. */
    Login startLogin() {
        return new Login(randomId(), clock.instant());
    }

    String seal(Login login) {
        return seal("l", login.state(), millis(login.started()));
    }

    /**
     * The sign-in the cookie value names, when its signature holds, it is not older than {@link #LOGIN_LIFETIME}
     * and its state is {@code state}: the callback of another browser, or of an older sign-in, does not match.
     */
    Optional<Login> readLogin(String cookie, String state) {
        Optional<String[]> fields = verified(cookie, "l", 3);
        if (fields.isEmpty() || state == null) {
            return Optional.empty();
        }
        String[] f = fields.get();
        Instant started;
        try {
            started = Instant.ofEpochMilli(Long.parseLong(f[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (clock.instant().isAfter(started.plus(LOGIN_LIFETIME))
                || !MessageDigest.isEqual(
                        f[1].getBytes(StandardCharsets.UTF_8), state.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(new Login(f[1], started));
    }

    /** The sign-in's PKCE verifier (RFC 7636 §4.1: 43 base64url characters), known only to the server. */
    String verifier(Login login) {
        return B64.encodeToString(hmac(key, ("pkce|" + login.state()).getBytes(StandardCharsets.UTF_8)));
    }

    /** Its S256 challenge (RFC 7636 §4.2). */
    String challenge(Login login) {
        try {
            return B64.encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier(login).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java", e);
        }
    }

    /** The sign-in's {@code nonce}, which the id_token must carry back. */
    String nonce(Login login) {
        return B64.encodeToString(hmac(key, ("nonce|" + login.state()).getBytes(StandardCharsets.UTF_8)));
    }

    private String randomId() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return B64.encodeToString(b);
    }

    private String seal(String kind, String... fields) {
        StringBuilder payload = new StringBuilder(kind);
        for (String f : fields) {
            payload.append('|').append(f);
        }
        String body = B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(hmac(key, body.getBytes(StandardCharsets.US_ASCII)));
    }

    private Optional<String[]> verified(String cookie, String kind, int count) {
        if (cookie == null || cookie.length() > 1024) {
            return Optional.empty();
        }
        int dot = cookie.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String body = cookie.substring(0, dot);
        byte[] mac;
        byte[] payload;
        try {
            mac = B64D.decode(cookie.substring(dot + 1));
            payload = B64D.decode(body);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac, hmac(key, body.getBytes(StandardCharsets.US_ASCII)))) {
            return Optional.empty();
        }
        String[] f = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        if (f.length != count || !f[0].equals(kind)) {
            return Optional.empty();
        }
        return Optional.of(f);
    }

    private static String millis(Instant t) {
        return Long.toString(t.toEpochMilli());
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java", e);
        }
    }
}
