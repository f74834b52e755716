package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.phonepass.core.token.AccessTokenRecord;
import org.phonepass.core.token.AccessTokenStore;
import org.phonepass.core.token.RefreshTokenRecord;
import org.phonepass.core.token.RefreshTokenStore;

/** The behaviour every {@link AccessTokenStore} must have. Stores may be shared between tests: hashes are random. */
public abstract class AccessTokenStoreContract {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract AccessTokenStore store();

    /** The refresh tokens of the same storage: revoking a family ends the access tokens issued with it. */
    protected abstract RefreshTokenStore refreshTokens();

    private static byte[] hash() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private AccessTokenRecord record(Instant expiresAt) {
        return new AccessTokenRecord("sms|000000000000000000000001", "client-a", "openid profile", expiresAt);
    }

    @Test
    void findWhenSavedAndUnexpiredThenSameRecord() {
        byte[] h = hash();
        AccessTokenRecord r = record(t0.plus(Duration.ofHours(1)));
        store().save(h, r);
        assertThat(store().find(h, t0)).contains(r);
    }

    @Test
    void findWhenPresentedHashIsACopyThenFound() {
        // Lookup is by value: the caller hashes the presented token afresh, it never holds the saved array.
        byte[] h = hash();
        store().save(h, record(t0.plus(Duration.ofHours(1))));
        assertThat(store().find(h.clone(), t0)).isPresent();
    }

    @Test
    void findWhenExpiredThenEmpty() {
        byte[] h = hash();
        store().save(h, record(t0.plusSeconds(60)));
        assertThat(store().find(h, t0.plusSeconds(59))).isPresent();
        assertThat(store().find(h, t0.plusSeconds(60))).isEmpty();
    }

    @Test
    void findWhenUnknownThenEmpty() {
        assertThat(store().find(hash(), t0)).isEmpty();
    }

    @Test
    void revokeWhenKnownThenTrueAndNoLongerFound() {
        byte[] h = hash();
        byte[] other = hash();
        store().save(h, record(t0.plus(Duration.ofHours(1))));
        store().save(other, record(t0.plus(Duration.ofHours(1))));
        assertThat(store().revoke(h)).isTrue();
        assertThat(store().find(h, t0)).isEmpty();
        assertThat(store().find(other, t0))
                .as("revoking one token leaves the others")
                .isPresent();
    }

    @Test
    void revokeWhenUnknownThenFalse() {
        assertThat(store().revoke(hash())).isFalse();
    }

    @Test
    void deleteExpiredWhenPastCutoffThenOnlyExpiredRemoved() {
        byte[] old = hash();
        byte[] live = hash();
        store().save(old, record(t0.plusSeconds(10)));
        store().save(live, record(t0.plus(Duration.ofDays(3650))));
        assertThat(store().deleteExpired(t0.plusSeconds(11))).isGreaterThanOrEqualTo(1);
        assertThat(store().find(live, t0)).isPresent();
        assertThat(store().find(old, t0))
                .as("deleted, even when asked about a time it was valid")
                .isEmpty();
    }

    @Test
    void findWhenFamilyRevokedThenEmptyAndOtherTokensUnaffected() {
        String family = UUID.randomUUID().toString();
        byte[] refresh = hash();
        refreshTokens()
                .save(
                        refresh,
                        new RefreshTokenRecord(
                                family,
                                "sms|000000000000000000000001",
                                "client-a",
                                "openid offline_access",
                                null,
                                t0,
                                t0.plus(Duration.ofDays(30))));
        byte[] inFamily = hash();
        byte[] alone = hash();
        store().save(
                        inFamily,
                        new AccessTokenRecord(
                                "sms|000000000000000000000001",
                                "client-a",
                                "openid",
                                t0.plus(Duration.ofHours(1)),
                                family));
        store().save(alone, record(t0.plus(Duration.ofHours(1))));
        assertThat(store().find(inFamily, t0)).map(AccessTokenRecord::familyId).contains(family);
        assertThat(refreshTokens().revokeFamily(refresh)).isTrue();
        assertThat(store().find(inFamily, t0))
                .as("the family's access token dies with it")
                .isEmpty();
        assertThat(store().find(alone, t0)).isPresent();
    }

    @Test
    void findWhenFamilyKilledByReuseDetectionThenEmpty() {
        String family = UUID.randomUUID().toString();
        byte[] first = hash();
        refreshTokens()
                .save(
                        first,
                        new RefreshTokenRecord(
                                family,
                                "sms|000000000000000000000001",
                                "client-a",
                                "openid offline_access",
                                null,
                                t0,
                                t0.plus(Duration.ofDays(30))));
        byte[] at = hash();
        store().save(
                        at,
                        new AccessTokenRecord(
                                "sms|000000000000000000000001",
                                "client-a",
                                "openid",
                                t0.plus(Duration.ofHours(1)),
                                family));
        refreshTokens().rotate(first, hash(), t0.plusSeconds(1));
        assertThat(store().find(at, t0.plusSeconds(2)))
                .as("a rotation leaves it")
                .isPresent();
        assertThat(refreshTokens().rotate(first, hash(), t0.plusSeconds(3)))
                .isInstanceOf(RefreshTokenStore.Rotation.Reused.class);
        assertThat(store().find(at, t0.plusSeconds(4))).isEmpty();
    }
}
