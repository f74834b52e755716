package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;

class EmbeddedAuditLogTest extends AuditLogChecks {
    @Override
    protected SqlStorage storage() {
        return EmbeddedDatabase.get();
    }

    @Override
    protected SqlStorage disposableStorage() {
        try {
            var dir = Files.createTempDirectory("phonepass-audit-test");
            dir.toFile().deleteOnExit();
            return SqlStorage.embedded(dir.resolve("audit.db"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void record(JdbcAuditLog log, String client, int events) {
        for (int i = 0; i < events; i++) {
            log.record(new AuditEvent(
                    Instant.now(), AuditEvent.Type.VERIFY, client, null, null, null, AuditEvent.Outcome.SUCCESS, null));
        }
    }

    /** Runs {@code test} on the audit log of a database of its own, both closed afterwards. */
    private void withOwnLog(BiConsumer<SqlStorage, JdbcAuditLog> test) {
        SqlStorage storage = disposableStorage();
        try (JdbcAuditLog log = storage.auditLog(100)) {
            test.accept(storage, log);
        } finally {
            storage.close();
        }
    }

    private static List<AuditEvent> stored(JdbcAuditLog log, String client) {
        return log.recent(1_000).stream()
                .filter(e -> client.equals(e.clientId()))
                .toList();
    }

    @Test
    void recordWhenTheWriterCommitsThenThatCommitStoresTheQueuedEvents() {
        // The log's own thread would wait 30 s: only the writer's commit can have stored them by the time it returns.
        withOwnLog((storage, log) -> {
            log.rideWaitNanos = TimeUnit.SECONDS.toNanos(30);
            String client = "c-" + UUID.randomUUID();
            record(log, client, 3);
            storage.jdbc().write(c -> Jdbc.update(c, "CREATE TABLE t (x INTEGER)"));
            assertThat(stored(log, client)).hasSize(3);
            assertThat(log.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(log.dropped()).isZero();
        });
    }

    @Test
    void recordWhenNothingElseIsWrittenThenTheLogsOwnThreadStoresTheEventsWithoutAFlush() {
        withOwnLog((storage, log) -> {
            String client = "c-" + UUID.randomUUID();
            record(log, client, 2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (stored(log, client).size() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(stored(log, client)).hasSize(2);
        });
    }

    @Test
    void flushWhenEventsWaitForACommitThenTheyAreStoredWithoutWaitingForOne() {
        withOwnLog((storage, log) -> {
            log.rideWaitNanos = TimeUnit.SECONDS.toNanos(30);
            String client = "c-" + UUID.randomUUID();
            record(log, client, 4);
            Instant began = Instant.now();
            assertThat(log.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(Duration.between(began, Instant.now())).isLessThan(Duration.ofSeconds(15));
            assertThat(stored(log, client)).hasSize(4);
        });
    }

    @Test
    void recordWhenTheEventsCannotBeStoredThenTheCommitThatTookThemStillKeepsItsUnits() {
        withOwnLog((storage, log) -> {
            log.rideWaitNanos = TimeUnit.SECONDS.toNanos(30);
            storage.jdbc().write(c -> Jdbc.update(c, "CREATE TABLE t (x INTEGER)"));
            storage.jdbc().write(c -> Jdbc.update(c, "ALTER TABLE audit_events RENAME TO audit_events_away"));
            record(log, "c", 2);
            storage.jdbc().write(c -> Jdbc.update(c, "INSERT INTO t VALUES (1)"));
            assertThat(log.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(log.dropped()).isEqualTo(2);
            int rows = storage.jdbc().withConnection(c -> {
                try (var ps = Jdbc.prepare(c, "SELECT count(*) FROM t");
                        var rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : -1;
                }
            });
            assertThat(rows).as("the unit whose commit took the events").isEqualTo(1);
        });
    }
}
