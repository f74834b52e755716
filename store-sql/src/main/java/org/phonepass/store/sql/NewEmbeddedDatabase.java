package org.phonepass.store.sql;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * Creates the schema of a new, empty embedded database without Flyway, and writes Flyway's history exactly as Flyway
 * would have, so that a later build that brings a migration finds a history it accepts and applies only the new one.
 *
 * <p>Why: on a first start Flyway was the largest single cost of opening the database (about 400 classes loaded,
 * the jar's 30 000 entries scanned for migration files, its own SQL parser run over each file), all for eight small
 * scripts on an empty file (docs/benchmarks.md, "Start-up"). Only a database with no table at all takes this path,
 * checked inside the same write transaction that creates the schema, so two processes opening one new file cannot
 * both create it; anything else (an existing database, a failed or foreign history) goes through Flyway as before.
 * The whole schema and its history commit together: a crash leaves either nothing or everything.
 *
 * <p>{@code NewEmbeddedDatabaseTest} keeps this honest: the schema and the history rows it writes are compared with
 * those Flyway writes for the same scripts, and Flyway's own validation accepts the result.
 */
final class NewEmbeddedDatabase {
    /**
     * The SQLite migration scripts in order. {@code NewEmbeddedDatabaseTest} checks this list against the folder and
     * against {@link SqlDialect#migrationVersions()}: a new migration must be added here too.
     */
    static final List<String> SCRIPTS = List.of(
            "V1__init.sql",
            "V2__audit_events.sql",
            "V3__access_token_family.sql",
            "V4__dev_secrets.sql",
            "V5__hosted_login.sql",
            "V6__management.sql",
            "V7__audit_stats_index.sql",
            "V8__login_tickets.sql",
            "V9__sms_provider_stats.sql",
            "V10__verify_writes.sql");

    /** Flyway's history table for SQLite, as its {@code SQLiteDatabase.getRawCreateScript} writes it. */
    private static final String HISTORY_TABLE = "CREATE TABLE \"main\".\"flyway_schema_history\" (\n"
            + "    \"installed_rank\" INT NOT NULL PRIMARY KEY,\n"
            + "    \"version\" VARCHAR(50),\n"
            + "    \"description\" VARCHAR(200) NOT NULL,\n"
            + "    \"type\" VARCHAR(20) NOT NULL,\n"
            + "    \"script\" VARCHAR(1000) NOT NULL,\n"
            + "    \"checksum\" INT,\n"
            + "    \"installed_by\" VARCHAR(100) NOT NULL,\n"
            + "    \"installed_on\" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),\n"
            + "    \"execution_time\" INT NOT NULL,\n"
            + "    \"success\" BOOLEAN NOT NULL\n"
            + ")";

    private static final String HISTORY_INDEX =
            "CREATE INDEX \"main\".\"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" (\"success\")";

    private static final String FOLDER = "/db/migration/sqlite/";

    private NewEmbeddedDatabase() {}

    /**
     * Creates the schema when the database holds no table at all, and says whether it did. On {@code false} nothing
     * was written and the caller migrates with Flyway.
     */
    static boolean createIfEmpty(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            // With the pool's transaction_mode=IMMEDIATE this takes SQLite's writer lock before the check below.
            c.setAutoCommit(false);
            try {
                if (!empty(c)) {
                    c.rollback();
                    return false;
                }
                try (Statement st = c.createStatement()) {
                    st.executeUpdate(HISTORY_TABLE);
                    st.executeUpdate(HISTORY_INDEX);
                }
                int rank = 1;
                for (String script : SCRIPTS) {
                    String sql = read(script);
                    long t0 = System.nanoTime();
                    try (Statement st = c.createStatement()) {
                        // sqlite-jdbc hands a plain executeUpdate to sqlite3_exec, which runs every statement of the
                        // script in turn, as Flyway does one by one.
                        st.executeUpdate(sql);
                    }
                    int millis = (int) ((System.nanoTime() - t0) / 1_000_000);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO flyway_schema_history "
                            + "(installed_rank, version, description, type, script, checksum, installed_by, "
                            + "execution_time, success) VALUES (?, ?, ?, 'SQL', ?, ?, '', ?, 1)")) {
                        ps.setInt(1, rank++);
                        ps.setString(2, version(script));
                        ps.setString(3, description(script));
                        ps.setString(4, script);
                        ps.setInt(5, checksum(sql));
                        ps.setInt(6, millis);
                        ps.executeUpdate();
                    }
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the embedded database's tables: " + e.getMessage(), e);
        }
    }

    private static boolean empty(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master")) {
            return rs.next() && rs.getInt(1) == 0;
        }
    }

    /** {@code V12__add_x.sql} → {@code 12}, as Flyway reads a versioned migration's name. */
    static String version(String script) {
        return script.substring(1, script.indexOf("__"));
    }

    /** {@code V3__access_token_family.sql} → {@code access token family}, as Flyway describes it. */
    static String description(String script) {
        return script.substring(script.indexOf("__") + 2, script.length() - ".sql".length())
                .replace('_', ' ');
    }

    /**
     * Flyway's checksum of a SQL migration: CRC-32 over the UTF-8 bytes of each line without its line break (and
     * without a byte-order mark on the first), so that it does not depend on line endings.
     */
    static int checksum(String sql) {
        CRC32 crc = new CRC32();
        try (BufferedReader lines = new BufferedReader(new java.io.StringReader(sql))) {
            String line = lines.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            while (line != null) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
                line = lines.readLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (int) crc.getValue();
    }

    static String read(String script) {
        try (InputStream in = NewEmbeddedDatabase.class.getResourceAsStream(FOLDER + script)) {
            if (in == null) {
                throw new IllegalStateException("migration " + script + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
