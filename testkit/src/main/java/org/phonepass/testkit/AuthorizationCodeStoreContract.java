package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.phonepass.core.authorize.AuthorizationCodeRecord;
import org.phonepass.core.authorize.AuthorizationCodeStore;
import org.phonepass.core.authorize.AuthorizationCodeStore.Redemption;

/** The behaviour every {@link AuthorizationCodeStore} must have. */
public abstract class AuthorizationCodeStoreContract {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract AuthorizationCodeStore store();

    private static byte[] hash() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private byte[] saved() {
        byte[] h = hash();
        store().save(
                        h,
                        new AuthorizationCodeRecord(
                                "client-a",
                                "sms|000000000000000000000001",
                                "https://app.example.com/cb?x=1",
                                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                                "openid profile offline_access",
                                "https://api.example.com/",
                                "bm9uY2U+/=",
                                t0.minusSeconds(5),
                                "sid-1",
                                t0.plusSeconds(60)));
        return h;
    }

    @Test
    void redeemWhenLiveThenRecordRoundTripsOnce() {
        byte[] code = saved();
        Redemption first = store().redeem(code, t0.plusSeconds(1));
        assertThat(first).isInstanceOf(Redemption.Redeemed.class);
        AuthorizationCodeRecord r = ((Redemption.Redeemed) first).record();
        assertThat(r.clientId()).isEqualTo("client-a");
        assertThat(r.userId()).isEqualTo("sms|000000000000000000000001");
        assertThat(r.redirectUri()).isEqualTo("https://app.example.com/cb?x=1");
        assertThat(r.codeChallenge()).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assertThat(r.scope()).isEqualTo("openid profile offline_access");
        assertThat(r.audience()).isEqualTo("https://api.example.com/");
        assertThat(r.nonce()).isEqualTo("bm9uY2U+/=");
        assertThat(r.authTime()).isEqualTo(t0.minusSeconds(5));
        assertThat(r.sid()).isEqualTo("sid-1");
        assertThat(r.expiresAt()).isEqualTo(t0.plusSeconds(60));
        assertThat(store().redeem(code, t0.plusSeconds(2))).isInstanceOf(Redemption.Replayed.class);
    }

    @Test
    void redeemWhenReplayedThenIssuedHashesComeBackAndLaterRecordingIsRefused() {
        byte[] code = saved();
        byte[] refresh = hash();
        byte[] access = hash();
        store().redeem(code, t0.plusSeconds(1));
        assertThat(store().recordIssued(code, refresh, access)).isTrue();
        Redemption replay = store().redeem(code, t0.plusSeconds(2));
        assertThat(replay).isInstanceOf(Redemption.Replayed.class);
        assertThat(((Redemption.Replayed) replay).refreshTokenKey()).isEqualTo(refresh);
        assertThat(((Redemption.Replayed) replay).accessTokenKey()).isEqualTo(access);
        assertThat(store().recordIssued(code, refresh, access)).isFalse();
    }

    @Test
    void recordIssuedWhenReplayedBeforeRecordingThenFalse() {
        byte[] code = saved();
        store().redeem(code, t0.plusSeconds(1));
        Redemption replay = store().redeem(code, t0.plusSeconds(1));
        assertThat(((Redemption.Replayed) replay).refreshTokenKey()).isNull();
        assertThat(store().recordIssued(code, hash(), null)).isFalse();
    }

    @Test
    void redeemWhenExpiredOrUnknownThenInvalid() {
        byte[] code = saved();
        assertThat(store().redeem(code, t0.plusSeconds(60))).isInstanceOf(Redemption.Invalid.class);
        assertThat(store().redeem(hash(), t0)).isInstanceOf(Redemption.Invalid.class);
    }

    @Test
    void redeemWhenConcurrentThenExactlyOneWins() throws Exception {
        byte[] code = saved();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Redemption>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<Redemption> attempt = () -> {
                    go.await();
                    return store().redeem(code, t0.plusSeconds(1));
                };
                results.add(pool.submit(attempt));
            }
            go.countDown();
            int won = 0;
            for (Future<Redemption> f : results) {
                if (f.get() instanceof Redemption.Redeemed) {
                    won++;
                } else {
                    assertThat(f.get()).isInstanceOf(Redemption.Replayed.class);
                }
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deleteExpiredWhenPastCutoffThenGone() {
        byte[] code = saved();
        store().deleteExpired(t0.plusSeconds(61));
        assertThat(store().redeem(code, t0)).isInstanceOf(Redemption.Invalid.class);
    }
}
