package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.phone.PhoneNumber;

/** What every database must do for {@link JdbcAuditLog}; run on SQLite and PostgreSQL. */
abstract class AuditLogChecks {
    private final List<JdbcAuditLog> opened = new ArrayList<>();

    /** The storage under test, opened on the test's thread (a skip must not happen on a worker thread). */
    protected abstract SqlStorage storage();

    /** A storage of its own that the test may close under the log. */
    protected abstract SqlStorage disposableStorage();

    private JdbcAuditLog log(SqlStorage storage, int capacity) {
        JdbcAuditLog log = storage.auditLog(capacity);
        opened.add(log);
        return log;
    }

    @AfterEach
    void closeLogs() {
        opened.forEach(JdbcAuditLog::close);
    }

    private static List<AuditEvent> byClient(JdbcAuditLog log, String clientId, int limit) {
        return log.recent(limit).stream()
                .filter(e -> clientId.equals(e.clientId()))
                .toList();
    }

    @Test
    void recordWhenFlushedThenStoredWithEveryFieldAndMaskedPhone() {
        JdbcAuditLog log = log(storage(), JdbcAuditLog.DEFAULT_CAPACITY);
        String client = "c-" + UUID.randomUUID();
        Instant time = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        PhoneNumber phone = new PhoneNumber("+447400123456", "GB", 44);
        log.record(AuditEvent.of(
                time, AuditEvent.Type.VERIFY, client, phone, "203.0.113.7", AuditEvent.Outcome.FAILURE, "wrong_code"));
        log.record(new AuditEvent(
                time.plusMillis(1),
                AuditEvent.Type.KEY_ROTATION,
                client,
                null,
                null,
                null,
                AuditEvent.Outcome.SUCCESS,
                "kid=abc"));

        assertThat(log.flush(Duration.ofSeconds(10))).isTrue();
        List<AuditEvent> stored = byClient(log, client, 100);
        assertThat(stored).hasSize(2);
        AuditEvent verify = stored.get(1);
        assertThat(verify.time()).isEqualTo(time);
        assertThat(verify.type()).isEqualTo(AuditEvent.Type.VERIFY);
        assertThat(verify.maskedPhone()).isEqualTo(phone.masked()).doesNotContain("7400123456");
        assertThat(verify.ip()).isEqualTo("203.0.113.7");
        assertThat(verify.country()).isEqualTo("GB");
        assertThat(verify.outcome()).isEqualTo(AuditEvent.Outcome.FAILURE);
        assertThat(verify.detail()).isEqualTo("wrong_code");
        assertThat(stored.get(0))
                .isEqualTo(new AuditEvent(
                        time.plusMillis(1),
                        AuditEvent.Type.KEY_ROTATION,
                        client,
                        null,
                        null,
                        null,
                        AuditEvent.Outcome.SUCCESS,
                        "kid=abc"));
        assertThat(log.dropped()).isZero();
    }

    @Test
    void recordWhenManyThreadsAtOnceThenEveryEventIsStoredOrCounted() throws Exception {
        JdbcAuditLog log = log(storage(), JdbcAuditLog.DEFAULT_CAPACITY);
        String client = "c-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        log.record(new AuditEvent(
                                Instant.now(),
                                AuditEvent.Type.START,
                                client,
                                null,
                                "198.51.100.1",
                                null,
                                AuditEvent.Outcome.REFUSED,
                                "limit=start_per_ip"));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(log.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(log.dropped()).isZero();
        assertThat(byClient(log, client, 5_000)).hasSize(2_000);
    }

    @Test
    void recordWhenQueueOverflowsThenNeverBlocksAndEveryEventIsStoredOrCountedAsDropped() {
        JdbcAuditLog log = log(storage(), 1);
        String client = "c-" + UUID.randomUUID();
        for (int i = 0; i < 2_000; i++) {
            log.record(new AuditEvent(
                    Instant.now(), AuditEvent.Type.SEND, client, null, null, null, AuditEvent.Outcome.SUCCESS, null));
        }
        assertThat(log.flush(Duration.ofSeconds(30))).isTrue();
        long stored = byClient(log, client, 5_000).size();
        assertThat(stored + log.dropped()).isEqualTo(2_000);
    }

    @Test
    void deleteOlderThanWhenMoreOldEventsThanOneBatchThenAllOldAndNoNewOnesAreDeleted() {
        SqlStorage storage = disposableStorage();
        JdbcAuditLog log = log(storage, 20_000);
        Instant cutoff = Instant.parse("2026-01-01T00:00:00Z");
        int old = JdbcAuditLog.DELETE_BATCH * 2 + 7;
        for (int i = 0; i < old; i++) {
            log.record(new AuditEvent(
                    cutoff.minusSeconds(1 + i),
                    AuditEvent.Type.START,
                    "old",
                    null,
                    null,
                    null,
                    AuditEvent.Outcome.SUCCESS,
                    null));
        }
        log.record(new AuditEvent(
                cutoff, AuditEvent.Type.START, "kept", null, null, null, AuditEvent.Outcome.SUCCESS, "at the cutoff"));
        log.record(new AuditEvent(
                cutoff.plusSeconds(3600),
                AuditEvent.Type.VERIFY,
                "kept",
                null,
                null,
                null,
                AuditEvent.Outcome.SUCCESS,
                "after it"));
        assertThat(log.flush(Duration.ofSeconds(60))).isTrue();
        assertThat(log.dropped()).isZero();

        assertThat(log.deleteOlderThan(cutoff)).isEqualTo(old);
        assertThat(log.recent(old + 10)).extracting(AuditEvent::detail).containsExactly("after it", "at the cutoff");
        assertThat(log.deleteOlderThan(cutoff)).isZero();
        storage.close();
    }

    @Test
    void recordWhenDatabaseIsGoneThenEventsAreDroppedAndCountedWithoutThrowing() {
        SqlStorage storage = disposableStorage();
        JdbcAuditLog log = log(storage, 100);
        storage.close();
        for (int i = 0; i < 5; i++) {
            log.record(new AuditEvent(
                    Instant.now(), AuditEvent.Type.REVOKE, "c", null, null, null, AuditEvent.Outcome.SUCCESS, null));
        }
        assertThat(log.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(log.dropped()).isEqualTo(5);
    }

    @Test
    void recordWhenClosedThenDroppedAndCounted() {
        JdbcAuditLog log = log(storage(), 100);
        log.close();
        log.record(new AuditEvent(
                Instant.now(), AuditEvent.Type.REFRESH, "c", null, null, null, AuditEvent.Outcome.SUCCESS, null));
        assertThat(log.dropped()).isEqualTo(1);
    }

    @Test
    void countByDayWhenEventsOfSeveralDaysThenCountedPerDayTypeOutcomeCountryAndRefusalReason() {
        JdbcAuditLog log = log(storage(), JdbcAuditLog.DEFAULT_CAPACITY);
        // A window of its own in the past, so that the other tests' events (on a shared database) are outside it.
        Instant day1 = Instant.parse("1990-01-01T00:00:00Z")
                .plus(Duration.ofDays(2 * (System.nanoTime() % 5000)))
                .plus(Duration.ofHours(23));
        Instant day2 = day1.plus(Duration.ofHours(2));
        PhoneNumber gb = new PhoneNumber("+447400123456", "GB", 44);
        PhoneNumber us = new PhoneNumber("+12015550123", "US", 1);
        String c = "stats";
        log.record(AuditEvent.of(day1, AuditEvent.Type.SEND, c, gb, "203.0.113.7", AuditEvent.Outcome.SUCCESS, null));
        log.record(AuditEvent.of(day1, AuditEvent.Type.SEND, c, gb, "203.0.113.7", AuditEvent.Outcome.SUCCESS, null));
        log.record(AuditEvent.of(day1, AuditEvent.Type.VERIFY, c, gb, "203.0.113.7", AuditEvent.Outcome.SUCCESS, null));
        log.record(AuditEvent.of(
                day1, AuditEvent.Type.VERIFY, c, gb, "203.0.113.7", AuditEvent.Outcome.FAILURE, "wrong_code"));
        log.record(AuditEvent.of(day2, AuditEvent.Type.SEND, c, us, "203.0.113.8", AuditEvent.Outcome.SUCCESS, null));
        log.record(AuditEvent.of(
                day2, AuditEvent.Type.START, c, us, "203.0.113.8", AuditEvent.Outcome.REFUSED, "limit=start_per_ip"));
        log.record(AuditEvent.of(
                day2, AuditEvent.Type.START, c, us, "203.0.113.8", AuditEvent.Outcome.REFUSED, "limit=start_per_ip"));
        log.record(new AuditEvent(
                day2,
                AuditEvent.Type.PUMPING_BREAKER,
                null,
                null,
                null,
                null,
                AuditEvent.Outcome.REFUSED,
                "calling_code=+44 tripped sent=50 verified=1"));
        // Outside the window: the day after it.
        log.record(AuditEvent.of(
                day2.plus(Duration.ofDays(1)),
                AuditEvent.Type.SEND,
                c,
                us,
                "203.0.113.8",
                AuditEvent.Outcome.SUCCESS,
                null));
        assertThat(log.flush(Duration.ofSeconds(10))).isTrue();

        Instant from = day1.truncatedTo(ChronoUnit.DAYS);
        List<AuditCount> counts = log.countByDay(from, from.plus(Duration.ofDays(2)));

        java.time.LocalDate first = java.time.LocalDate.ofInstant(day1, java.time.ZoneOffset.UTC);
        assertThat(counts)
                .containsExactlyInAnyOrder(
                        new AuditCount(first, AuditEvent.Type.SEND, AuditEvent.Outcome.SUCCESS, "GB", null, 2),
                        new AuditCount(first, AuditEvent.Type.VERIFY, AuditEvent.Outcome.SUCCESS, "GB", null, 1),
                        new AuditCount(first, AuditEvent.Type.VERIFY, AuditEvent.Outcome.FAILURE, "GB", null, 1),
                        new AuditCount(
                                first.plusDays(1), AuditEvent.Type.SEND, AuditEvent.Outcome.SUCCESS, "US", null, 1),
                        new AuditCount(
                                first.plusDays(1),
                                AuditEvent.Type.START,
                                AuditEvent.Outcome.REFUSED,
                                "US",
                                "limit=start_per_ip",
                                2));
        assertThat(log.ofType(AuditEvent.Type.PUMPING_BREAKER, from, from.plus(Duration.ofDays(2)), 10))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("calling_code=+44 tripped sent=50 verified=1"));
    }
}
