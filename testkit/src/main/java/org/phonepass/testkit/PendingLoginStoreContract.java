package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.phonepass.core.authorize.PendingLogin;
import org.phonepass.core.authorize.PendingLoginStore;

/** The behaviour every {@link PendingLoginStore} must have. */
public abstract class PendingLoginStoreContract {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract PendingLoginStore store();

    private static byte[] hash() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static final Map<String, String> PARAMS = Map.of(
            "state", "c3RhdGU+/==&x=y", "redirect_uri", "https://app.example.com/cb?a=1&b=%20", "ui_locales", "fr es");

    private byte[] saved(byte[] browser) {
        byte[] h = hash();
        store().save(h, new PendingLogin("client-a", PARAMS, browser, null, t0, t0.plus(Duration.ofMinutes(30))));
        return h;
    }

    @Test
    void findWhenLiveThenRecordRoundTripsAndStays() {
        byte[] browser = hash();
        byte[] id = saved(browser);
        PendingLogin p = store().find(id, t0.plusSeconds(1)).orElseThrow();
        assertThat(p.clientId()).isEqualTo("client-a");
        assertThat(p.params()).isEqualTo(PARAMS);
        assertThat(p.browserHash()).isEqualTo(browser);
        assertThat(p.sid()).isNull();
        assertThat(p.createdAt()).isEqualTo(t0);
        assertThat(p.expiresAt()).isEqualTo(t0.plus(Duration.ofMinutes(30)));
        assertThat(store().find(id, t0.plusSeconds(2))).isPresent();
    }

    @Test
    void saveWhenSignedInThenSidRoundTrips() {
        byte[] id = hash();
        store().save(id, new PendingLogin("client-a", PARAMS, null, "sid-9", t0, t0.plusSeconds(300)));
        PendingLogin p = store().take(id, t0).orElseThrow();
        assertThat(p.sid()).isEqualTo("sid-9");
        assertThat(p.browserHash()).isNull();
    }

    @Test
    void findOrTakeWhenExpiredOrUnknownThenEmpty() {
        byte[] id = saved(null);
        assertThat(store().find(id, t0.plus(Duration.ofMinutes(30)))).isEmpty();
        assertThat(store().take(id, t0.plus(Duration.ofMinutes(30)))).isEmpty();
        assertThat(store().find(hash(), t0)).isEmpty();
    }

    @Test
    void takeWhenConcurrentThenExactlyOneGetsIt() throws Exception {
        byte[] id = saved(null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<PendingLogin>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return store().take(id, t0.plusSeconds(1));
                }));
            }
            go.countDown();
            int got = 0;
            for (Future<Optional<PendingLogin>> f : results) {
                got += f.get().isPresent() ? 1 : 0;
            }
            assertThat(got).isEqualTo(1);
            assertThat(store().find(id, t0.plusSeconds(1))).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deleteExpiredWhenPastCutoffThenGone() {
        byte[] id = saved(null);
        store().deleteExpired(t0.plus(Duration.ofMinutes(31)));
        assertThat(store().find(id, t0)).isEmpty();
    }
}
