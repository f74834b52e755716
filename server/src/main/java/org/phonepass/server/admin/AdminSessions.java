package org.phonepass.server.admin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The console's session and sign-in cookies (docs/management.md#console-security). Both are signed with HMAC-SHA256
 * under a key derived from the code HMAC key, which every node shares, so any node accepts a session another node
 * issued and no session table is needed. A session names the user id, when it was issued, when it was last used and
 * a random id; it is re-issued on use (sliding idle timeout) and ends at the absolute lifetime whatever happens.
 *
 * <p>A session id is random and minted only by a successful sign-in, never taken from the request (no fixation).
 * Sign-out remembers the id as ended on this node until the session would have expired anyway; on other nodes it
 * ends at its idle timeout. Whether the user is still an admin is checked on every request by the caller.
 */
final class AdminSessions {
    static final String SESSION_COOKIE = "__Host-phonepass-admin";
    static final String LOGIN_COOKIE = "__Host-phonepass-admin-login";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    /** How long the sign-in cookie (the number typed, between the two steps) lives. */
    static final Duration LOGIN_LIFETIME = Duration.ofMinutes(10);

    private final byte[] key;
    private final Duration idle;
    private final Duration max;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<String, Instant> ended = new ConcurrentHashMap<>();

    /** A live session. */
    record Session(String id, String userId, Instant issued, Instant lastUsed) {}

    /** A sign-in in progress: the number typed at step one. */
    record Login(String id, String phone, Instant started) {}

    AdminSessions(byte[] codeHmacKey, Duration idle, Duration max, Clock clock, SecureRandom random) {
        this.key = hmac(codeHmacKey, "phonepass admin console cookies v1".getBytes(StandardCharsets.UTF_8));
        this.idle = Objects.requireNonNull(idle);
        this.max = Objects.requireNonNull(max);
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
    }

    Duration idleTimeout() {
        return idle;
    }

    /** A new session for a user who has just signed in: a fresh random id, whatever the request carried. */
    Session open(String userId) {
        Instant now = clock.instant();
        return new Session(randomId(), userId, now, now);
    }

    /** The session the cookie value names, when its signature holds and it has not ended. */
    Optional<Session> read(String cookie) {
        Optional<String[]> fields = verified(cookie, "s", 5);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        String[] f = fields.get();
        Instant issued;
        Instant used;
        try {
            issued = Instant.ofEpochMilli(Long.parseLong(f[3]));
            used = Instant.ofEpochMilli(Long.parseLong(f[4]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (now.isAfter(issued.plus(max)) || now.isAfter(used.plus(idle)) || ended.containsKey(f[1])) {
            return Optional.empty();
        }
        return Optional.of(new Session(f[1], f[2], issued, used));
    }

    /** The session as used now: its cookie value with the last use moved to now. */
    String touch(Session session) {
        return seal("s", session.id(), session.userId(), millis(session.issued()), millis(clock.instant()));
    }

    /** Ends a session on this node until it would have expired anyway. */
    void end(Session session) {
        Instant now = clock.instant();
        ended.values().removeIf(until -> until.isBefore(now));
        ended.put(session.id(), session.issued().plus(max));
    }

    /** The cookie's lifetime for the browser: the session's remaining absolute lifetime. */
    long maxAgeSeconds(Session session) {
        return Math.max(
                0, Duration.between(clock.instant(), session.issued().plus(max)).toSeconds());
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

    /** A sign-in started now for {@code phone}. */
    Login startLogin(String phone) {
        return new Login(randomId(), phone, clock.instant());
    }

    String seal(Login login) {
        return seal("l", login.id(), login.phone(), millis(login.started()));
    }

    Optional<Login> readLogin(String cookie) {
        Optional<String[]> fields = verified(cookie, "l", 4);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        String[] f = fields.get();
        Instant started;
        try {
            started = Instant.ofEpochMilli(Long.parseLong(f[3]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (clock.instant().isAfter(started.plus(LOGIN_LIFETIME))) {
            return Optional.empty();
        }
        return Optional.of(new Login(f[1], f[2], started));
    }

    /** The sign-in form's token, bound to the sign-in cookie so that another site cannot post it. */
    String loginToken(String loginCookieId) {
        return B64.encodeToString(hmac(key, ("login|" + loginCookieId).getBytes(StandardCharsets.UTF_8)));
    }

    boolean loginTokenMatches(String loginCookieId, String token) {
        return token != null
                && MessageDigest.isEqual(
                        loginToken(loginCookieId).getBytes(StandardCharsets.UTF_8),
                        token.getBytes(StandardCharsets.UTF_8));
    }

    /** A random id for a pre-sign-in form (the first step has no cookie yet). */
    String randomId() {
        byte[] b = new byte[18];
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
