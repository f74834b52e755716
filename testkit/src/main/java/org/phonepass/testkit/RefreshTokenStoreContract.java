package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.phonepass.core.token.RefreshTokenRecord;
import org.phonepass.core.token.RefreshTokenStore;
import org.phonepass.core.token.RefreshTokenStore.Rotation;

/** The behaviour every {@link RefreshTokenStore} must have. */
public abstract class RefreshTokenStoreContract {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract RefreshTokenStore store();

    private static byte[] hash() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private byte[] saved() {
        byte[] h = hash();
        store().save(
                        h,
                        new RefreshTokenRecord(
                                UUID.randomUUID().toString(),
                                "sms|000000000000000000000001",
                                "client-a",
                                "openid offline_access",
                                null,
                                t0,
                                t0.plus(Duration.ofDays(30))));
        return h;
    }

    @Test
    void rotateWhenLiveThenNewTokenIsLiveAndOldIsUsed() {
        byte[] first = saved();
        byte[] second = hash();
        assertThat(store().rotate(first, second, t0.plusSeconds(1))).isInstanceOf(Rotation.Rotated.class);
        assertThat(store().findLive(first, t0.plusSeconds(2))).isEmpty();
        assertThat(store().findLive(second, t0.plusSeconds(2))).isPresent();
    }

    @Test
    void rotateWhenReplayedThenFamilyIsRevoked() {
        byte[] first = saved();
        byte[] second = hash();
        store().rotate(first, second, t0.plusSeconds(1));
        assertThat(store().rotate(first, hash(), t0.plusSeconds(2))).isInstanceOf(Rotation.Reused.class);
        assertThat(store().findLive(second, t0.plusSeconds(3))).isEmpty();
        assertThat(store().rotate(second, hash(), t0.plusSeconds(3))).isInstanceOf(Rotation.Invalid.class);
    }

    @Test
    void rotateWhenExpiredOrUnknownThenInvalid() {
        byte[] first = saved();
        assertThat(store().rotate(first, hash(), t0.plus(Duration.ofDays(31)))).isInstanceOf(Rotation.Invalid.class);
        assertThat(store().rotate(hash(), hash(), t0)).isInstanceOf(Rotation.Invalid.class);
    }

    @Test
    void revokeFamilyWhenKnownThenNoTokenOfFamilyIsLive() {
        byte[] first = saved();
        byte[] second = hash();
        store().rotate(first, second, t0.plusSeconds(1));
        assertThat(store().revokeFamily(first)).isTrue();
        assertThat(store().findLive(second, t0.plusSeconds(2))).isEmpty();
        assertThat(store().revokeFamily(hash())).isFalse();
    }

    @Test
    void findWhenKnownThenRecordInAnyStateAndUnknownEmpty() {
        byte[] first = saved();
        assertThat(store().find(first)).map(RefreshTokenRecord::clientId).contains("client-a");
        store().rotate(first, hash(), t0.plusSeconds(1));
        assertThat(store().find(first)).as("used").isPresent();
        store().revokeFamily(first);
        assertThat(store().find(first)).as("revoked").isPresent();
        assertThat(store().find(hash())).isEmpty();
    }

    @Test
    void rotateWhenFamilyHasASessionThenAuthTimeAndSidCarryOn() {
        byte[] first = hash();
        store().save(
                        first,
                        new RefreshTokenRecord(
                                UUID.randomUUID().toString(),
                                "sms|000000000000000000000002",
                                "client-a",
                                "openid offline_access",
                                null,
                                t0,
                                t0.plus(Duration.ofDays(30)),
                                t0.minusSeconds(7),
                                "sid-7"));
        byte[] second = hash();
        Rotation rotation = store().rotate(first, second, t0.plusSeconds(1));
        assertThat(((Rotation.Rotated) rotation).record().authTime()).isEqualTo(t0.minusSeconds(7));
        RefreshTokenRecord next = store().findLive(second, t0.plusSeconds(2)).orElseThrow();
        assertThat(next.authTime()).isEqualTo(t0.minusSeconds(7));
        assertThat(next.sid()).isEqualTo("sid-7");
        assertThat(store().find(saved()).orElseThrow().authTime()).isNull();
    }
}
