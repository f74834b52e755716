package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.phonepass.core.session.SessionRecord;
import org.phonepass.core.session.SessionService;
import org.phonepass.core.session.SessionSettings;
import org.phonepass.core.token.OpaqueTokens;
import org.phonepass.core.token.TokenService;

/** Server sessions: idle and absolute expiry, logout, and the end of every session of a blocked user. */
class SessionServiceTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemorySessionStore store = new InMemorySessionStore();
    private final SessionService sessions =
            new SessionService(store, SessionSettings.DEFAULTS, clock, new SecureRandom());

    @Test
    void startWhenSignedInThenCookieFindsSessionAndIdsDiffer() {
        SessionService.Started s = sessions.start("sms|1");
        assertThat(s.cookieValue()).hasSize(51).isNotEqualTo(s.session().sid());
        SessionRecord found = sessions.resume(s.cookieValue()).orElseThrow();
        assertThat(found.userId()).isEqualTo("sms|1");
        assertThat(found.authTime()).isEqualTo(clock.instant());
        assertThat(sessions.resume(s.cookieValue() + "x")).isEmpty();
        assertThat(sessions.resume(null)).isEmpty();
        assertThat(sessions.resume("x".repeat(200))).isEmpty();
    }

    @Test
    void startWhenSameMillisecondThenKeysOrderedByTimeAndStillDistinct() {
        SessionService.Started first = sessions.start("sms|1");
        SessionService.Started second = sessions.start("sms|2");
        clock.advance(Duration.ofMillis(1));
        SessionService.Started later = sessions.start("sms|3");

        assertThat(OpaqueTokens.key(first.cookieValue())).isNotEqualTo(OpaqueTokens.key(second.cookieValue()));
        assertThat(Arrays.compareUnsigned(
                        OpaqueTokens.key(second.cookieValue()), OpaqueTokens.key(later.cookieValue())))
                .as("a later session's key sorts after")
                .isNegative();
        assertThat(Arrays.compareUnsigned(OpaqueTokens.key(first.cookieValue()), OpaqueTokens.key(later.cookieValue())))
                .isNegative();
    }

    @Test
    void cookieWhenStartedByAnEarlierVersionThenResumedAndEndedUnderItsBareHash() {
        // Earlier versions set 32 random bytes (43 characters) and stored the session under their SHA-256.
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String earlier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant now = clock.instant();
        store.save(
                TokenService.sha256(earlier),
                new SessionRecord(
                        "sid-earlier", "sms|9", now, now.plus(Duration.ofDays(3)), now.plus(Duration.ofDays(30))));

        assertThat(sessions.resume(earlier))
                .hasValueSatisfying(r -> assertThat(r.userId()).isEqualTo("sms|9"));
        sessions.end(earlier);
        assertThat(sessions.resume(earlier)).isEmpty();
    }

    @Test
    void resumeWhenIdleLongerThanIdleLifetimeThenEnded() {
        SessionService.Started s = sessions.start("sms|1");
        clock.advance(Duration.ofDays(3).minusMinutes(1));
        assertThat(sessions.resume(s.cookieValue()))
                .as("used: idle expiry moves")
                .isPresent();
        clock.advance(Duration.ofDays(3).minusMinutes(1));
        assertThat(sessions.resume(s.cookieValue())).isPresent();
        clock.advance(Duration.ofDays(3));
        assertThat(sessions.resume(s.cookieValue())).isEmpty();
    }

    @Test
    void resumeWhenUsedEveryDayThenEndsAtAbsoluteLifetime() {
        SessionService.Started s = sessions.start("sms|1");
        for (int day = 1; day < 30; day++) {
            clock.advance(Duration.ofDays(1));
            assertThat(sessions.resume(s.cookieValue())).as("day " + day).isPresent();
        }
        clock.advance(Duration.ofDays(1));
        assertThat(sessions.resume(s.cookieValue())).isEmpty();
    }

    @Test
    void endAndEndForUserWhenCalledThenSessionsGone() {
        SessionService.Started a = sessions.start("sms|1");
        SessionService.Started b = sessions.start("sms|1");
        SessionService.Started c = sessions.start("sms|2");
        sessions.end(a.cookieValue());
        assertThat(sessions.resume(a.cookieValue())).isEmpty();
        assertThat(sessions.endForUser("sms|1")).isEqualTo(1);
        assertThat(sessions.resume(b.cookieValue())).isEmpty();
        assertThat(sessions.resume(c.cookieValue())).isPresent();
    }

    @Test
    void settingsWhenShorterThenFollowed() {
        SessionService shortLived = new SessionService(
                store,
                new SessionSettings(Duration.ofHours(1), Duration.ofHours(2), Duration.ofMinutes(5)),
                clock,
                new SecureRandom());
        SessionService.Started s = shortLived.start("sms|3");
        clock.advance(Duration.ofMinutes(59));
        assertThat(shortLived.resume(s.cookieValue())).isPresent();
        clock.advance(Duration.ofMinutes(59));
        assertThat(shortLived.resume(s.cookieValue())).isPresent();
        clock.advance(Duration.ofMinutes(3));
        assertThat(shortLived.resume(s.cookieValue())).as("absolute").isEmpty();
        assertThat(shortLived.deleteExpired()).isEqualTo(1);
    }
}
