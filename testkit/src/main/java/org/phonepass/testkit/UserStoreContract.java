package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.phonepass.core.user.User;
import org.phonepass.core.user.UserStore;

/** The behaviour every {@link UserStore} must have. */
public abstract class UserStoreContract {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract UserStore store();

    private static String newId() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String phone() {
        return "+4479" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    @Test
    void recordLoginWhenNewPhoneThenCreatesUserWithOneLogin() {
        String phone = phone();
        User u = store().recordLogin(phone, newId(), "10.0.0.1", t0, true).orElseThrow();
        assertThat(u.phone()).isEqualTo(phone);
        assertThat(u.loginsCount()).isEqualTo(1);
        assertThat(u.lastIp()).isEqualTo("10.0.0.1");
        assertThat(store().findById(u.id())).contains(u);
        assertThat(store().findByPhone(phone)).contains(u);
    }

    @Test
    void recordLoginWhenExistingThenKeepsIdAndCounts() {
        String phone = phone();
        User first = store().recordLogin(phone, newId(), "10.0.0.1", t0, true).orElseThrow();
        User second = store().recordLogin(phone, newId(), "10.0.0.2", t0.plusSeconds(60), true)
                .orElseThrow();
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.loginsCount()).isEqualTo(2);
        assertThat(second.createdAt()).isEqualTo(first.createdAt());
        assertThat(second.lastLogin()).isEqualTo(t0.plusSeconds(60));
        assertThat(second.lastIp()).isEqualTo("10.0.0.2");
    }

    @Test
    void recordLoginWhenCreationNotAllowedThenEmpty() {
        assertThat(store().recordLogin(phone(), newId(), "10.0.0.1", t0, false)).isEmpty();
    }

    @Test
    void recordLoginWhenConcurrentFirstLoginsThenOneUser() throws Exception {
        String phone = phone();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Optional<User>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return store().recordLogin(phone, newId(), "10.0.0.1", t0, true);
                }));
            }
            go.countDown();
            List<String> ids = new ArrayList<>();
            for (Future<Optional<User>> f : results) {
                ids.add(f.get().orElseThrow().id());
            }
            assertThat(ids).containsOnly(ids.get(0));
            assertThat(store().findByPhone(phone).orElseThrow().loginsCount()).isEqualTo(8);
        } finally {
            pool.shutdownNow();
        }
    }
}
