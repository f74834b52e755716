package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.phonepass.core.token.AccessTokenRecord;
import org.phonepass.core.user.User;

/** The writes of a login as one transaction: all kept together, or none. */
abstract class UnitOfWorkChecks {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    protected abstract SqlStorage storage();

    /** Random enough that no other test sharing the database has it (the store does not validate numbers). */
    private static String phone() {
        return "+1999" + String.format("%08d", RANDOM.nextInt(100_000_000));
    }

    private static byte[] hash() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String id() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Test
    void unitOfWorkWhenItReturnsThenEveryWriteInItIsKept() {
        SqlStorage s = storage();
        String phone = phone();
        byte[] token = hash();
        User user = s.unitOfWork().run(() -> {
            User u = s.users()
                    .recordLogin(phone, id(), "198.51.100.7", now, true)
                    .orElseThrow();
            s.accessTokens().save(token, new AccessTokenRecord(u.userId(), "client-a", "openid", now.plusSeconds(60)));
            return u;
        });
        assertThat(s.users().findByPhone(phone)).contains(user);
        assertThat(s.accessTokens().find(token, now))
                .hasValueSatisfying(r -> assertThat(r.userId()).isEqualTo(user.userId()));
    }

    @Test
    void unitOfWorkWhenItThrowsThenNothingItWroteIsKept() {
        SqlStorage s = storage();
        String phone = phone();
        byte[] token = hash();
        assertThatThrownBy(() -> s.unitOfWork().run(() -> {
                    User u = s.users()
                            .recordLogin(phone, id(), "198.51.100.7", now, true)
                            .orElseThrow();
                    s.accessTokens()
                            .save(token, new AccessTokenRecord(u.userId(), "client-a", "openid", now.plusSeconds(60)));
                    throw new IllegalStateException("signing failed");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("signing failed");
        assertThat(s.users().findByPhone(phone)).isEmpty();
        assertThat(s.accessTokens().find(token, now)).isEmpty();
    }

    @Test
    void unitOfWorkWhenAnotherThreadWritesMeanwhileThenBothAreKeptAndNeitherIsLost() throws Exception {
        SqlStorage s = storage();
        String inside = phone();
        String outside = phone();
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> unit = pool.submit(() -> s.unitOfWork().run(() -> {
                s.users().recordLogin(inside, id(), "198.51.100.7", now, true).orElseThrow();
                written.countDown();
                await(release);
                return null;
            }));
            assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
            // Another login's write while the unit is open: it waits for the unit (embedded) or runs beside it
            // (PostgreSQL), and is not part of it.
            Future<?> other = pool.submit(() -> s.users().recordLogin(outside, id(), "198.51.100.8", now, true));
            release.countDown();
            unit.get(10, TimeUnit.SECONDS);
            other.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(s.users().findByPhone(inside)).isPresent();
        assertThat(s.users().findByPhone(outside)).isPresent();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
