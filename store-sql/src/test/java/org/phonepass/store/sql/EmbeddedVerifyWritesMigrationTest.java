package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.phonepass.core.abuse.AuditSearch;
import org.phonepass.core.otp.ConsumeResult;
import org.phonepass.core.token.AccessTokenRecord;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded database's migration V10 (fewer index pages per verify, docs/benchmarks.md "SQLite per verify, cut"):
 * a file made by the migrations before it, holding rows, migrates to the schema a new file gets and keeps serving
 * them; and the statements that used the indexes it changed still find their rows through an index.
 */
class EmbeddedVerifyWritesMigrationTest {
    private static final String CLIENT = "client-v10";
    private static final String PHONE = "+447400123456";

    @TempDir
    Path dir;

    private static SQLiteDataSource plain(Path file) {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + file);
        return ds;
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    /** Tables and indexes as SQLite keeps them, without Flyway's own and without where they are stored. */
    private static List<String> schema(Path file) throws SQLException {
        try (Connection c = plain(file).getConnection()) {
            return rows(
                    c,
                    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'flyway%' ORDER BY name");
        }
    }

    @Test
    void migrateWhenFileOfTheOldMigrationsWithRowsThenSameSchemaAsNewAndRowsStillServed() throws Exception {
        Path file = dir.resolve("old.db");
        Flyway.configure()
                .dataSource(plain(file))
                .locations(SqlDialect.SQLITE.migrations())
                .target("9")
                .load()
                .migrate();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long t = now.toEpochMilli();
        byte[] code = sha256("code");
        byte[] token = sha256("token");
        try (Connection c = plain(file).getConnection();
                Statement st = c.createStatement()) {
            assertThat(rows(c, "SELECT name FROM sqlite_master WHERE name = 'audit_events_by_time'"))
                    .hasSize(1);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO challenges (id, client_id, phone, code_hash, "
                    + "created_at, expires_at, attempts, max_attempts, state) VALUES (?, ?, ?, ?, ?, ?, 0, 3, ?)")) {
                // An older code already used, and the live one.
                Object[][] codes = {{"ch-1", sha256("old"), "used"}, {"ch-2", code, "live"}};
                for (Object[] r : codes) {
                    ps.setString(1, (String) r[0]);
                    ps.setString(2, CLIENT);
                    ps.setString(3, PHONE);
                    ps.setBytes(4, (byte[]) r[1]);
                    ps.setLong(5, t);
                    ps.setLong(6, t + 300_000);
                    ps.setString(7, (String) r[2]);
                    ps.executeUpdate();
                }
            }
            st.executeUpdate("INSERT INTO users (id, phone, created_at, updated_at, logins_count) VALUES " + "('u1', '"
                    + PHONE + "', " + t + ", " + t + ", 1)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO access_tokens (token_hash, user_id, client_id, "
                    + "scope, expires_at) VALUES (?, 'u1', ?, 'openid', ?)")) {
                ps.setBytes(1, token);
                ps.setString(2, CLIENT);
                ps.setLong(3, t + 86_400_000);
                ps.executeUpdate();
            }
            // Audit events: three of 40 days ago, two of now.
            for (long time :
                    new long[] {t - 40 * 86_400_000L, t - 40 * 86_400_000L + 1, t - 40 * 86_400_000L + 2, t, t + 1}) {
                st.executeUpdate("INSERT INTO audit_events (time, type, client_id, outcome, country, user_id) VALUES ("
                        + time + ", 'VERIFY', '" + CLIENT + "', 'SUCCESS', 'GB', 'u1')");
            }
        }

        try (SqlStorage storage = SqlStorage.embedded(file, true)) {
            try (Connection c = plain(file).getConnection()) {
                assertThat(rows(
                                c,
                                "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank DESC "
                                        + "LIMIT 1"))
                        .containsExactly("10 | 1");
            }
            // The live code is used once, the used one never.
            assertThat(storage.challenges()
                            .consume(CLIENT, PHONE, sha256("old"), now.plusSeconds(1))
                            .outcome())
                    .isEqualTo(ConsumeResult.Outcome.WRONG_CODE);
            assertThat(storage.challenges()
                            .consume(CLIENT, PHONE, code, now.plusSeconds(1))
                            .isAccepted())
                    .isTrue();
            assertThat(storage.challenges()
                            .consume(CLIENT, PHONE, code, now.plusSeconds(1))
                            .outcome())
                    .isEqualTo(ConsumeResult.Outcome.NO_LIVE_CHALLENGE);
            assertThat(storage.users().findByPhone(PHONE)).map(u -> u.id()).contains("u1");
            assertThat(storage.accessTokens().find(token, now))
                    .isEqualTo(Optional.of(new AccessTokenRecord("u1", CLIENT, "openid", now.plusSeconds(86_400))));
            try (JdbcAuditLog audit = storage.auditLog()) {
                AuditSearch.Filter byClient = new AuditSearch.Filter(null, List.of(), CLIENT, null, null, null, null);
                assertThat(audit.count(byClient)).isEqualTo(5);
                assertThat(audit.countByDay(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1))))
                        .singleElement()
                        .satisfies(count -> assertThat(count.count()).isEqualTo(2));
                assertThat(audit.deleteOlderThan(now.minus(Duration.ofDays(30))))
                        .isEqualTo(3);
                assertThat(audit.count(byClient)).isEqualTo(2);
            }
        }

        Path fresh = dir.resolve("new.db");
        try (SqlStorage storage = SqlStorage.embedded(fresh, true)) {
            assertThat(storage.isHealthy()).isTrue();
        }
        assertThat(schema(file)).isEqualTo(schema(fresh));
        assertThat(schema(fresh))
                .noneMatch(row -> row.contains("audit_events_by_time"))
                .anyMatch(row -> row.contains("challenges_by_phone") && row.endsWith("(client_id, phone)"));
    }

    /** SQLite's plan for a statement, one line per step. */
    private static String plan(Connection c, String sql) throws SQLException {
        return String.join("\n", rows(c, "EXPLAIN QUERY PLAN " + sql));
    }

    @Test
    void plansWhenTheChangedIndexesThenEveryLookUpStillUsesAnIndex() throws Exception {
        Path file = dir.resolve("plans.db");
        try (SqlStorage storage = SqlStorage.embedded(file, true)) {
            assertThat(storage.isHealthy()).isTrue();
        }
        try (Connection c = plain(file).getConnection()) {
            // A phone's live codes, newest first: through the index, in its order (no sort step).
            assertThat(plan(
                            c,
                            "SELECT seq, code_hash, attempts, max_attempts FROM challenges WHERE client_id = 'c' "
                                    + "AND phone = 'p' AND state = 'live' AND expires_at > 0 ORDER BY seq DESC"))
                    .contains("USING INDEX challenges_by_phone (client_id=? AND phone=?)")
                    .doesNotContain("TEMP B-TREE");
            // Retention deletes and time ranges: through audit_events_for_stats, which begins with time.
            assertThat(plan(
                            c,
                            "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE time < 5 "
                                    + "ORDER BY time LIMIT 1000)"))
                    .contains("USING COVERING INDEX audit_events_for_stats (time<?)")
                    .doesNotContain("SCAN audit_events\n");
            assertThat(plan(c, "SELECT COUNT(*) FROM audit_events WHERE time >= 1 AND time < 5"))
                    .contains("USING COVERING INDEX audit_events_for_stats (time>? AND time<?)");
            assertThat(plan(
                            c,
                            "SELECT time FROM audit_events WHERE time >= 1 AND time < 5 AND type = 'LOCKOUT' "
                                    + "ORDER BY time DESC, id DESC LIMIT 10"))
                    .contains("audit_events_for_stats");
        }
    }
}
