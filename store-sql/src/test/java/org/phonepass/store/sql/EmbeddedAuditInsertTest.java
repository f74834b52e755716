package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditSearch;

/**
 * The embedded database's audit batches go as multi-row INSERTs of 32, 8 and 1 rows ({@code
 * JdbcAuditLog.insertInRows}): every event of a batch of any size is stored once, with every field in its own row,
 * in the order of the batch.
 */
class EmbeddedAuditInsertTest {
    @TempDir
    Path dir;

    private static AuditEvent event(Instant time, String client, int i) {
        // Every field differs per event, so a parameter bound at the wrong offset shows.
        return new AuditEvent(
                        time.plusMillis(i),
                        i % 2 == 0 ? AuditEvent.Type.VERIFY : AuditEvent.Type.LOGIN,
                        client,
                        "*******" + (1000 + i),
                        "203.0.113." + (i % 250),
                        i % 3 == 0 ? null : "GB",
                        i % 2 == 0 ? AuditEvent.Outcome.FAILURE : AuditEvent.Outcome.SUCCESS,
                        "n=" + i)
                .withUserId(i % 5 == 0 ? null : "u" + i);
    }

    @Test
    void insertInRowsWhenBatchesOfEverySizeThenEachEventStoredOnceInOrderWithItsOwnFields() {
        try (SqlStorage storage = SqlStorage.embedded(dir.resolve("audit.db"), true);
                JdbcAuditLog log = storage.auditLog()) {
            Instant time = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            for (int size : new int[] {0, 1, 7, 8, 9, 31, 32, 33, 41, 77}) {
                String client = "c-" + size;
                List<AuditEvent> batch = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    batch.add(event(time, client, i));
                }
                storage.jdbc().inTransaction(c -> {
                    JdbcAuditLog.insertInRows(c, batch);
                    return null;
                });
                List<AuditSearch.Stored> stored = log.search(
                        new AuditSearch.Filter(null, List.of(), client, null, null, null, null), 0L, 0, 1_000);
                assertThat(stored.stream().map(AuditSearch.Stored::event).toList())
                        .as("a batch of %d", size)
                        .isEqualTo(batch);
                assertThat(stored).isSortedAccordingTo((a, b) -> Long.compare(a.id(), b.id()));
            }
        }
    }
}
