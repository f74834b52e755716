package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The expired-row sweeps delete in batches of {@link ExpiredRows#BATCH} (docs/benchmarks.md#data-growth): every
 * expired row goes however many batches it takes, and no live row goes with them.
 */
class ExpiredRowsTest {
    @Test
    void sweepsDeleteEveryExpiredRowOverSeveralBatchesAndKeepTheLiveOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sweep.db");
        long now = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        int expired = 2 * ExpiredRows.BATCH + 7;
        try (SqlStorage storage = SqlStorage.embedded(file, true);
                Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            try (PreparedStatement refresh = c.prepareStatement(
                            "INSERT INTO refresh_tokens (token_hash, family_id, "
                                    + "user_id, client_id, scope, created_at, expires_at) VALUES (?, 'f', 'u', 'c', 'openid', 0, ?)");
                    PreparedStatement access = c.prepareStatement("INSERT INTO access_tokens (token_hash, user_id, "
                            + "client_id, scope, expires_at) VALUES (?, 'u', 'c', 'openid', ?)");
                    PreparedStatement challenge = c.prepareStatement("INSERT INTO challenges (id, client_id, phone, "
                            + "code_hash, created_at, expires_at, max_attempts, state) "
                            + "VALUES (?, 'c', '+15555550100', X'00', 0, ?, 3, 'PENDING')")) {
                for (int i = 0; i < expired + 5; i++) {
                    long expiresAt = i < expired ? now - 1 - i : now + 60_000;
                    for (PreparedStatement s : new PreparedStatement[] {refresh, access}) {
                        s.setBytes(1, new byte[] {(byte) (i >> 16), (byte) (i >> 8), (byte) i});
                        s.setLong(2, expiresAt);
                        s.addBatch();
                    }
                    challenge.setString(1, "ch" + i);
                    challenge.setLong(2, expiresAt);
                    challenge.addBatch();
                }
                refresh.executeBatch();
                access.executeBatch();
                challenge.executeBatch();
            }
            c.commit();
            Instant cutoff = Instant.ofEpochMilli(now);
            assertThat(storage.refreshTokens().deleteExpired(cutoff)).isEqualTo(expired);
            assertThat(storage.accessTokens().deleteExpired(cutoff)).isEqualTo(expired);
            assertThat(storage.challenges().deleteExpired(cutoff)).isEqualTo(expired);
            for (String table : new String[] {"refresh_tokens", "access_tokens", "challenges"}) {
                try (ResultSet rs =
                        c.createStatement().executeQuery("SELECT COUNT(*), MIN(expires_at) FROM " + table)) {
                    rs.next();
                    assertThat(rs.getInt(1)).as(table).isEqualTo(5);
                    assertThat(rs.getLong(2)).as(table).isGreaterThanOrEqualTo(now);
                }
            }
        }
    }

    @Test
    void aSweepRestsAfterEveryFullBatchAndNeverAfterTheLast() {
        AtomicInteger left = new AtomicInteger(1_234);
        List<Long> rests = new ArrayList<>();
        long deleted = ExpiredRows.inBatches(
                () -> {
                    int n = Math.min(500, left.get());
                    left.addAndGet(-n);
                    return n;
                },
                500,
                rests::add);
        assertThat(deleted).isEqualTo(1_234);
        assertThat(left).hasValue(0);
        // two full batches, then 234 rows: a rest after each of the two full ones only
        assertThat(rests).hasSize(2).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
    }

    @Test
    void aSmallSweepNeverRests() {
        List<Long> rests = new ArrayList<>();
        assertThat(ExpiredRows.inBatches(() -> 3, 500, rests::add)).isEqualTo(3);
        assertThat(rests).isEmpty();
    }

    @Test
    void anInterruptedSweepStopsAfterItsBatchAndKeepsTheInterrupt() {
        AtomicInteger batches = new AtomicInteger();
        try {
            long deleted = ExpiredRows.inBatches(
                    () -> {
                        batches.incrementAndGet();
                        return 500;
                    },
                    500,
                    nanos -> {
                        throw new InterruptedException();
                    });
            assertThat(deleted).isEqualTo(500);
            assertThat(batches).hasValue(1);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
