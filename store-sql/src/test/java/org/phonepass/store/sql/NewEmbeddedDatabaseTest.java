package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** A new embedded database made without Flyway is the one Flyway would have made, history included. */
class NewEmbeddedDatabaseTest {
    @TempDir
    Path dir;

    private DataSource file(String name) {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve(name));
        return ds;
    }

    private static List<String> rows(DataSource ds, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    private static Flyway flyway(DataSource ds) {
        return Flyway.configure()
                .dataSource(ds)
                .locations(SqlDialect.SQLITE.migrations())
                .load();
    }

    @Test
    void scriptsWhenComparedWithTheFolderAndTheDialectThenTheSame() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration/sqlite"))) {
            List<String> onDisk = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .sorted(Comparator.comparingInt(n -> Integer.parseInt(NewEmbeddedDatabase.version(n))))
                    .toList();
            assertThat(NewEmbeddedDatabase.SCRIPTS).isEqualTo(onDisk);
        }
        assertThat(NewEmbeddedDatabase.SCRIPTS.stream()
                        .map(NewEmbeddedDatabase::version)
                        .toList())
                .isEqualTo(SqlDialect.SQLITE.migrationVersions());
    }

    @Test
    void createIfEmptyWhenNewFileThenSameSchemaAndHistoryAsFlyway() throws Exception {
        DataSource byFlyway = file("flyway.db");
        flyway(byFlyway).migrate();
        DataSource direct = file("direct.db");

        assertThat(NewEmbeddedDatabase.createIfEmpty(direct)).isTrue();

        String schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name";
        assertThat(rows(direct, schema)).isNotEmpty().isEqualTo(rows(byFlyway, schema));
        String history = "SELECT installed_rank, version, description, type, script, checksum, installed_by, success "
                + "FROM flyway_schema_history ORDER BY installed_rank";
        assertThat(rows(direct, history))
                .hasSize(NewEmbeddedDatabase.SCRIPTS.size())
                .isEqualTo(rows(byFlyway, history));
        assertThat(rows(direct, "PRAGMA table_info(flyway_schema_history)"))
                .isEqualTo(rows(byFlyway, "PRAGMA table_info(flyway_schema_history)"));
        // Flyway accepts the history as its own and finds nothing left to apply.
        assertThat(flyway(direct).validateWithResult().validationSuccessful).isTrue();
        assertThat(flyway(direct).migrate().migrationsExecuted).isZero();
        assertThat(SqlStorage.migrated(direct, SqlDialect.SQLITE)).isTrue();
    }

    @Test
    void createIfEmptyWhenTheFileHoldsATableThenWritesNothing() throws Exception {
        DataSource ds = file("used.db");
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE somebody_elses (x INTEGER)");
        }

        assertThat(NewEmbeddedDatabase.createIfEmpty(ds)).isFalse();

        assertThat(rows(ds, "SELECT name FROM sqlite_master")).containsExactly("somebody_elses");
    }

    @Test
    void checksumWhenLineEndingsOrAByteOrderMarkDifferThenTheSame() {
        int lf = NewEmbeddedDatabase.checksum("CREATE TABLE a (x INT);\n-- é\n");
        assertThat(NewEmbeddedDatabase.checksum("CREATE TABLE a (x INT);\r\n-- é\r\n"))
                .isEqualTo(lf);
        assertThat(NewEmbeddedDatabase.checksum("\uFEFFCREATE TABLE a (x INT);\n-- é"))
                .isEqualTo(lf);
        assertThat(NewEmbeddedDatabase.checksum("CREATE TABLE a (x INT);\n-- e\n"))
                .isNotEqualTo(lf);
    }

    @Test
    void embeddedWhenNewFileThenOpensWithoutFlywayAndServes() {
        Path db = dir.resolve("phonepass.db");
        try (SqlStorage storage = SqlStorage.embedded(db, true)) {
            assertThat(storage.isHealthy()).isTrue();
            assertThat(storage.users().findByPhone("+12015550123")).isEmpty();
        }
        assertThat(SqlStorage.migrated(file("phonepass.db"), SqlDialect.SQLITE)).isTrue();
    }
}
