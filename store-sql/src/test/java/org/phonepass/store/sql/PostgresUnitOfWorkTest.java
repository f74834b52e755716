package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.phonepass.core.token.AccessTokenRecord;
import org.phonepass.core.user.User;

class PostgresUnitOfWorkTest extends UnitOfWorkChecks {
    private static final SecureRandom RANDOM = new SecureRandom();
    // Opened on the test's own thread, so that a skip (no PostgreSQL) is reported as one.
    private final SqlStorage storage = PostgresDatabase.get();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Override
    protected SqlStorage storage() {
        return storage;
    }

    private static byte[] hash() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String phone() {
        return "+1998" + String.format("%08d", RANDOM.nextInt(100_000_000));
    }

    private static String id() {
        return "u" + Long.toHexString(RANDOM.nextLong());
    }

    private AccessTokenRecord record(String userId) {
        return new AccessTokenRecord(userId, "client-a", "openid", now.plusSeconds(60));
    }

    /** The access token's insert waits for the commit (Jdbc.writeAtCommit); a read after it in the unit sees it. */
    @Test
    void writeAtCommitWhenTheUnitReadsAfterItThenTheWriteIsThere() {
        byte[] token = hash();
        boolean seen = storage.unitOfWork().run(() -> {
            User u = storage.users()
                    .recordLogin(phone(), id(), "198.51.100.7", now, true)
                    .orElseThrow();
            storage.accessTokens().save(token, record(u.userId()));
            return storage.accessTokens().find(token, now).isPresent();
        });
        assertThat(seen).isTrue();
        assertThat(storage.accessTokens().find(token, now)).isPresent();
    }

    @Test
    void writeAtCommitWhenTwoAreHeldThenBothAreKept() {
        byte[] first = hash();
        byte[] second = hash();
        storage.unitOfWork().run(() -> {
            storage.accessTokens().save(first, record("user-1"));
            storage.accessTokens().save(second, record("user-1"));
            return null;
        });
        assertThat(storage.accessTokens().find(first, now)).isPresent();
        assertThat(storage.accessTokens().find(second, now)).isPresent();
    }

    /** A held write that fails fails the commit it went with, and the whole unit is rolled back. */
    @Test
    void writeAtCommitWhenTheHeldWriteFailsThenTheUnitFailsAndNothingIsKept() {
        byte[] token = hash();
        storage.accessTokens().save(token, record("user-1"));
        String phone = phone();
        assertThatThrownBy(() -> storage.unitOfWork().run(() -> {
                    User u = storage.users()
                            .recordLogin(phone, id(), "198.51.100.7", now, true)
                            .orElseThrow();
                    // The same hash again: the primary key refuses it, at the commit.
                    storage.accessTokens().save(token, record(u.userId()));
                    return u;
                }))
                .isInstanceOf(StorageException.class);
        assertThat(storage.users().findByPhone(phone)).isEmpty();
        assertThat(storage.accessTokens().find(token, now))
                .hasValueSatisfying(r -> assertThat(r.userId()).isEqualTo("user-1"));
        // The pool's connections are all still usable: as many units as the pool has connections, and more.
        for (int i = 0; i < 20; i++) {
            byte[] next = hash();
            storage.unitOfWork().run(() -> {
                storage.accessTokens().save(next, record("user-2"));
                return null;
            });
            assertThat(storage.accessTokens().find(next, now)).isPresent();
        }
    }

    /** A unit that throws after holding a write rolls back, and the write is not sent by the next unit. */
    @Test
    void writeAtCommitWhenTheUnitThrowsThenTheHeldWriteIsDropped() {
        byte[] token = hash();
        assertThatThrownBy(() -> storage.unitOfWork().run(() -> {
                    storage.accessTokens().save(token, record("user-3"));
                    throw new IllegalStateException("signing failed");
                }))
                .isInstanceOf(IllegalStateException.class);
        storage.unitOfWork().run(() -> storage.users().findByPhone(phone()));
        assertThat(storage.accessTokens().find(token, now)).isEmpty();
    }
}
