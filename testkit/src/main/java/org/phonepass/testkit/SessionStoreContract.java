package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.phonepass.core.session.SessionRecord;
import org.phonepass.core.session.SessionStore;

/** The behaviour every {@link SessionStore} must have. */
public abstract class SessionStoreContract {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract SessionStore store();

    private static byte[] hash() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private byte[] saved(String userId) {
        byte[] h = hash();
        store().save(
                        h,
                        new SessionRecord(
                                "sid-" + UUID.randomUUID(),
                                userId,
                                t0,
                                t0.plus(Duration.ofDays(3)),
                                t0.plus(Duration.ofDays(30))));
        return h;
    }

    private static String user() {
        return "sms|" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    @Test
    void findWhenLiveThenRecordRoundTrips() {
        String user = user();
        byte[] id = saved(user);
        SessionRecord s = store().find(id, t0.plusSeconds(1)).orElseThrow();
        assertThat(s.userId()).isEqualTo(user);
        assertThat(s.sid()).startsWith("sid-");
        assertThat(s.authTime()).isEqualTo(t0);
        assertThat(s.idleExpiresAt()).isEqualTo(t0.plus(Duration.ofDays(3)));
        assertThat(s.absoluteExpiresAt()).isEqualTo(t0.plus(Duration.ofDays(30)));
        assertThat(store().find(hash(), t0)).isEmpty();
    }

    @Test
    void findWhenIdleExpiredThenEmptyUnlessExtended() {
        byte[] idle = saved(user());
        byte[] used = saved(user());
        assertThat(store().extend(used, t0.plus(Duration.ofDays(5)))).isTrue();
        assertThat(store().extend(hash(), t0.plus(Duration.ofDays(5)))).isFalse();
        assertThat(store().find(idle, t0.plus(Duration.ofDays(4)))).isEmpty();
        assertThat(store().find(used, t0.plus(Duration.ofDays(4)))).isPresent();
        assertThat(store().find(used, t0.plus(Duration.ofDays(5)))).isEmpty();
    }

    @Test
    void deleteWhenKnownThenGone() {
        byte[] id = saved(user());
        assertThat(store().delete(id)).isTrue();
        assertThat(store().find(id, t0)).isEmpty();
        assertThat(store().delete(id)).isFalse();
    }

    @Test
    void deleteForUserWhenSeveralSessionsThenAllOfThatUserAndNoOther() {
        String user = user();
        byte[] a = saved(user);
        byte[] b = saved(user);
        byte[] other = saved(user());
        assertThat(store().deleteForUser(user)).isEqualTo(2);
        assertThat(store().find(a, t0)).isEmpty();
        assertThat(store().find(b, t0)).isEmpty();
        assertThat(store().find(other, t0)).isPresent();
        assertThat(store().deleteForUser(user)).isZero();
    }

    @Test
    void deleteExpiredWhenIdlePastCutoffThenGone() {
        byte[] id = saved(user());
        store().deleteExpired(t0.plus(Duration.ofDays(3)).plusSeconds(1));
        assertThat(store().find(id, t0)).isEmpty();
    }
}
