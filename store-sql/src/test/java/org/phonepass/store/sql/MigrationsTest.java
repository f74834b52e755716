package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** The migration versions the code knows, against the files, and the restart that skips Flyway. */
class MigrationsTest {
    @TempDir
    Path dir;

    private static List<String> versionsOnDisk(String folder) throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration", folder))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__")))
                    .sorted(Comparator.comparingInt(Integer::parseInt))
                    .toList();
        }
    }

    @Test
    void migrationVersionsWhenComparedWithTheFilesThenTheSame() throws Exception {
        assertThat(SqlDialect.SQLITE.migrationVersions()).isEqualTo(versionsOnDisk("sqlite"));
        assertThat(SqlDialect.POSTGRESQL.migrationVersions()).isEqualTo(versionsOnDisk("postgresql"));
    }

    @Test
    void migratedWhenNewDatabaseThenNoAndAfterOpeningThenYes() throws Exception {
        Path file = dir.resolve("phonepass.db");
        SQLiteDataSource plain = new SQLiteDataSource();
        plain.setUrl("jdbc:sqlite:" + file);
        assertThat(SqlStorage.migrated(plain, SqlDialect.SQLITE)).isFalse();
        try (SqlStorage storage = SqlStorage.embedded(file, true)) {
            assertThat(storage.isHealthy()).isTrue();
        }
        assertThat(SqlStorage.migrated(plain, SqlDialect.SQLITE)).isTrue();
        // A history this build does not know (a newer build migrated the file) goes to Flyway, which refuses it.
        try (Connection c = plain.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                    + "installed_by, execution_time, success) VALUES (999, '999', 'newer', 'SQL', 'V999__newer.sql', "
                    + "'', 0, 1)");
            assertThat(SqlStorage.migrated(plain, SqlDialect.SQLITE)).isFalse();
            st.executeUpdate("DELETE FROM flyway_schema_history WHERE installed_rank = 999");
        }
        // Reopened without Flyway, the schema is all there.
        try (SqlStorage storage = SqlStorage.embedded(file, true)) {
            assertThat(storage.users().findByPhone("+12015550123")).isEmpty();
            try (JdbcAuditLog audit = storage.auditLog()) {
                assertThat(audit.recent(1)).isEmpty();
            }
        }
    }
}
