package org.phonepass.core.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.token.OpaqueTokens;

/**
 * Server sessions (docs/hosted-login.md#sessions): started when a person signs in on the hosted pages, found again
 * from the cookie by later authorization requests of any client (single sign-on), ended by logout and, for every
 * session of a user, when the user is blocked or deleted. The cookie holds 256 random bits after the millisecond the
 * session began; the store keeps only its key ({@link OpaqueTokens}: that millisecond and the SHA-256), so a copy of
 * the store opens no session.
 */
public final class SessionService {
    /** A used session's idle expiry is moved at most once a minute, so a burst of silent logins writes once. */
    private static final Duration EXTEND_STEP = Duration.ofMinutes(1);

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SessionStore store;
    private final SessionSettings settings;
    private final Clock clock;
    private final SecureRandom random;
    /** The cookie values: keys that begin with their time (docs/benchmarks.md#time-ordered-secret-keys). */
    private final OpaqueTokens ids;

    public SessionService(SessionStore store, SessionSettings settings, Clock clock, SecureRandom random) {
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
        this.ids = new OpaqueTokens(clock, random);
    }

    /** A new session: the cookie value to set, and what it stands for. */
    public record Started(String cookieValue, SessionRecord session) {}

    /** Starts a session for a person who just proved the number. */
    public Started start(String userId) {
        Instant now = clock.instant();
        String id = ids.next();
        SessionRecord session = new SessionRecord(
                randomToken(), userId, now, now.plus(settings.idleLifetime()), now.plus(settings.absoluteLifetime()));
        store.save(OpaqueTokens.key(id), session);
        return new Started(id, session);
    }

    /** The live session behind a cookie value, with its idle expiry moved on; empty for none or an ended one. */
    public Optional<SessionRecord> resume(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty() || cookieValue.length() > 128) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        byte[] key = OpaqueTokens.key(cookieValue);
        Optional<SessionRecord> found = store.find(key, now);
        if (found.isEmpty()) {
            return found;
        }
        SessionRecord s = found.get();
        Instant idle = min(now.plus(settings.idleLifetime()), s.absoluteExpiresAt());
        if (idle.isAfter(s.idleExpiresAt().plus(EXTEND_STEP))) {
            store.extend(key, idle);
            s = new SessionRecord(s.sid(), s.userId(), s.authTime(), idle, s.absoluteExpiresAt());
        }
        return Optional.of(s);
    }

    /** Ends the session behind a cookie value, if any. */
    public void end(String cookieValue) {
        if (cookieValue != null && !cookieValue.isEmpty() && cookieValue.length() <= 128) {
            store.delete(OpaqueTokens.key(cookieValue));
        }
    }

    /** Ends every session of a user: call it when the user is blocked or deleted. Answers how many ended. */
    public int endForUser(String userId) {
        return store.deleteForUser(userId);
    }

    /** Housekeeping: deletes ended sessions. */
    public int deleteExpired() {
        return store.deleteExpired(clock.instant());
    }

    public SessionSettings settings() {
        return settings;
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
