package org.phonepass.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.UUID;
import org.phonepass.core.token.OpaqueTokens;

/**
 * The data of a deployment that has run for a while, written straight into an embedded store's SQLite file with the
 * server stopped (SQL, not HTTP): users, audit events (some older than the default 90-day retention), live refresh
 * tokens and expired codes, so that the rows of {@code --only data} measure the server on a large store and its
 * first housekeeping has real sweeps to make.
 */
final class BigStore {
    private BigStore() {}

    private static final HexFormat HEX = HexFormat.of();

    private static String randomId(SecureRandom random) {
        byte[] id = new byte[12];
        random.nextBytes(id);
        return HEX.formatHex(id);
    }

    record Loaded(long bytesPerMillionUsers, long totalBytes, double seconds) {}

    static Loaded preload(Path db, int users, int auditEvents, int oldAuditEvents, int refreshTokens, int expiredCodes)
            throws SQLException, java.io.IOException {
        long t0 = System.nanoTime();
        Instant now = Instant.now();
        SecureRandom random = new SecureRandom();
        long beforeUsers;
        long afterUsers;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=OFF");
            }
            c.setAutoCommit(false);
            beforeUsers = size(c, db);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO users (id, phone, created_at, updated_at, "
                    + "last_login, last_ip, logins_count) VALUES (?, ?, ?, ?, ?, '203.0.113.7', 3)")) {
                long t = now.minus(Duration.ofDays(200)).toEpochMilli();
                for (int i = 0; i < users; i++) {
                    // Random ids, as every build before time-ordered ids made them
                    // (docs/benchmarks.md#time-ordered-ids).
                    p.setString(1, randomId(random));
                    p.setString(2, "+1" + (2_000_000_000L + i));
                    p.setLong(3, t);
                    p.setLong(4, t);
                    p.setLong(5, t);
                    batch(p, c, i);
                }
                p.executeBatch();
                c.commit();
            }
            afterUsers = size(c, db);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO audit_events (time, type, client_id, "
                    + "masked_phone, ip, country, outcome, detail) VALUES (?, 'VERIFY', 'bench', '+*******0123', "
                    + "'203.0.113.7', 'US', 'SUCCESS', NULL)")) {
                long oldest = now.minus(Duration.ofDays(120)).toEpochMilli();
                long retained = now.minus(Duration.ofDays(80)).toEpochMilli();
                long span = now.toEpochMilli() - retained;
                for (int i = 0; i < auditEvents; i++) {
                    // In time order, as they would have been written: the old ones first.
                    long time = i < oldAuditEvents
                            ? oldest + (long) i * 1000
                            : retained + span * (i - oldAuditEvents) / Math.max(1, auditEvents - oldAuditEvents);
                    p.setLong(1, time);
                    batch(p, c, i);
                }
                p.executeBatch();
                c.commit();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO refresh_tokens (token_hash, family_id, user_id, "
                    + "client_id, scope, audience, created_at, expires_at) "
                    + "VALUES (?, ?, ?, 'bench', 'openid offline_access', NULL, ?, ?)")) {
                // Issued over the last 29 days, so that all are live with the default lifetime of 30 days.
                long first = now.minus(Duration.ofDays(29)).toEpochMilli();
                long span = now.toEpochMilli() - first;
                for (int i = 0; i < refreshTokens; i++) {
                    // Tokens and keys made as the server makes them, issued in order over those days. Each key is
                    // a new array: the driver keeps the reference until the batch runs.
                    long created = first + span * i / refreshTokens;
                    String token =
                            new OpaqueTokens(Clock.fixed(Instant.ofEpochMilli(created), ZoneOffset.UTC), random).next();
                    p.setBytes(1, OpaqueTokens.key(token));
                    p.setString(2, UUID.randomUUID().toString());
                    p.setString(3, "sms|" + randomId(random));
                    p.setLong(4, created);
                    p.setLong(5, created + Duration.ofDays(30).toMillis());
                    batch(p, c, i);
                }
                p.executeBatch();
                c.commit();
            }
            expiredCodes(c, now, "old", 3_000_000_000L, expiredCodes, random, 200_000);
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
        long total = Files.size(db);
        return new Loaded(
                users == 0 ? 0 : (afterUsers - beforeUsers) * 1_000_000L / users,
                total,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Writes a new backlog for the housekeeping into a store the server has open: {@code codes} expired codes and
     * {@code oldEvents} audit events past the 90-day retention, committed every 10 000 rows so that the server's own
     * writes wait at most one such commit (SQLite's busy handler). Returns the seconds it took.
     */
    static double addBacklog(Path db, int codes, int oldEvents) throws SQLException {
        long t0 = System.nanoTime();
        Instant now = Instant.now();
        SecureRandom random = new SecureRandom();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=30000");
            }
            c.setAutoCommit(false);
            expiredCodes(c, now, "again", 4_000_000_000L, codes, random, 10_000);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO audit_events (time, type, client_id, "
                    + "masked_phone, ip, country, outcome, detail) VALUES (?, 'VERIFY', 'bench', '+*******0123', "
                    + "'203.0.113.7', 'US', 'SUCCESS', NULL)")) {
                long oldest = now.minus(Duration.ofDays(150)).toEpochMilli();
                for (int i = 0; i < oldEvents; i++) {
                    p.setLong(1, oldest + i);
                    p.addBatch();
                    if (i % 10_000 == 9_999) {
                        p.executeBatch();
                        c.commit();
                    }
                }
                p.executeBatch();
                c.commit();
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Writes {@code count} codes that expired three hours ago (ids {@code idPrefix} + n, numbers from {@code
     * firstNumber}), committing every {@code commitEvery} rows.
     */
    private static void expiredCodes(
            Connection c,
            Instant now,
            String idPrefix,
            long firstNumber,
            int count,
            SecureRandom random,
            int commitEvery)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO challenges (id, client_id, phone, code_hash, "
                + "created_at, expires_at, attempts, max_attempts, state) "
                + "VALUES (?, 'bench', ?, ?, ?, ?, 0, 3, 'PENDING')")) {
            long expired = now.minus(Duration.ofHours(3)).toEpochMilli();
            for (int i = 0; i < count; i++) {
                // A new array per row: the driver keeps the reference until the batch runs.
                byte[] hash = new byte[32];
                random.nextBytes(hash);
                p.setString(1, idPrefix + i);
                p.setString(2, "+1" + (firstNumber + i));
                p.setBytes(3, hash);
                p.setLong(4, expired - 180_000);
                p.setLong(5, expired);
                p.addBatch();
                if (i % 10_000 == 9_999) {
                    p.executeBatch();
                }
                if (i % commitEvery == commitEvery - 1) {
                    c.commit();
                }
            }
            p.executeBatch();
            c.commit();
        }
    }

    private static void batch(PreparedStatement p, Connection c, int i) throws SQLException {
        p.addBatch();
        if (i % 10_000 == 9_999) {
            p.executeBatch();
        }
        if (i % 200_000 == 199_999) {
            c.commit();
        }
    }

    /** The database's size once its WAL is checkpointed into it. */
    private static long size(Connection c, Path db) throws SQLException, java.io.IOException {
        boolean auto = c.getAutoCommit();
        c.commit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        c.setAutoCommit(auto);
        return Files.size(db);
    }
}
