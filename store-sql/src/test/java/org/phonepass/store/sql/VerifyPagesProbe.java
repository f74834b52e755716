package org.phonepass.store.sql;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.token.AccessTokenRecord;

/**
 * Not a check but a measurement, skipped unless {@code -Dprobe=true}: loads users, runs verifies' writes one after
 * another (consume a code, record the login, store an access token, two audit events) and prints the WAL frames they
 * wrote, by B-tree (docs/benchmarks.md, "SQLite per verify, cut"). {@code -Dprobe.returning=true} uses existing users
 * instead of sign-ups; {@code -Dprobe.syncAudit=true} commits each verify's audit events before the next verify.
 */
class VerifyPagesProbe {
    @TempDir
    Path dir;

    @Test
    void probe() throws Exception {
        if (!Boolean.getBoolean("probe")) {
            return;
        }
        int users = Integer.getInteger("probe.users", 20000);
        int verifies = Integer.getInteger("probe.verifies", 40);
        boolean returning = Boolean.getBoolean("probe.returning");
        Path db = dir.resolve("probe.db");
        SecureRandom random = new SecureRandom();
        HexFormat hex = HexFormat.of();
        String client = "client-probe";
        Instant now = Instant.now();
        try (SqlStorage s = SqlStorage.embedded(db, true);
                JdbcAuditLog audit = s.auditLog()) {
            var challenges = s.challenges();
            var userStore = s.users();
            var tokens = s.accessTokens();
            // Preload: users (logged in once, with a token) and a code for each of the next phones.
            for (int i = 0; i < users; i++) {
                String phone = String.format("+1201%07d", i);
                int n = i;
                s.unitOfWork().run(() -> {
                    var u = userStore
                            .recordLoginUnlessBlocked(phone, hex.formatHex(bytes(random, 12)), "203.0.113.1", now, true)
                            .user()
                            .orElseThrow();
                    tokens.save(
                            bytes(random, 32),
                            new AccessTokenRecord(u.userId(), client, "openid", now.plusSeconds(86400)));
                    challenges.create(
                            new Challenge(
                                    hex.formatHex(bytes(random, 16)),
                                    client,
                                    phone,
                                    bytes(random, 32),
                                    now,
                                    now.plusSeconds(300),
                                    1,
                                    3),
                            0);
                    return n;
                });
                audit.record(AuditEvent.of(
                                now,
                                AuditEvent.Type.LOGIN,
                                client,
                                null,
                                "203.0.113.1",
                                AuditEvent.Outcome.SUCCESS,
                                null)
                        .withUserId("u" + i));
            }
            // The codes the probe will use: returning users (probe.returning) or new phones (the bench's sign-ups).
            byte[][] hashes = new byte[verifies][];
            String[] phones = new String[verifies];
            for (int i = 0; i < verifies; i++) {
                phones[i] =
                        returning ? String.format("+1201%07d", random.nextInt(users)) : String.format("+1301%07d", i);
                hashes[i] = bytes(random, 32);
                challenges.create(
                        new Challenge(
                                hex.formatHex(bytes(random, 16)),
                                client,
                                phones[i],
                                hashes[i],
                                now,
                                now.plusSeconds(300),
                                0,
                                3),
                        0);
            }
            audit.flush(Duration.ofSeconds(30));
            Path wal = db.resolveSibling(db.getFileName() + "-wal");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                    Statement st = c.createStatement()) {
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            System.out.println("wal after truncate: " + Files.size(wal));
            for (int i = 0; i < verifies; i++) {
                int n = i;
                s.unitOfWork().run(() -> {
                    var r = challenges.consume(client, phones[n], hashes[n], now.plusSeconds(1));
                    if (!r.isAccepted()) {
                        throw new IllegalStateException(r.toString());
                    }
                    var u = userStore
                            .recordLoginUnlessBlocked(
                                    phones[n],
                                    hex.formatHex(bytes(random, 12)),
                                    "203.0.113.2",
                                    now.plusSeconds(1),
                                    true)
                            .user()
                            .orElseThrow();
                    tokens.save(
                            bytes(random, 32),
                            new AccessTokenRecord(u.userId(), client, "openid", now.plusSeconds(86400)));
                    audit.record(AuditEvent.of(
                                    now,
                                    AuditEvent.Type.LOGIN,
                                    client,
                                    null,
                                    "203.0.113.2",
                                    AuditEvent.Outcome.SUCCESS,
                                    null)
                            .withUserId(u.userId()));
                    audit.record(AuditEvent.of(
                            now,
                            AuditEvent.Type.VERIFY,
                            client,
                            null,
                            "203.0.113.2",
                            AuditEvent.Outcome.SUCCESS,
                            null));
                    return n;
                });
                if (Boolean.getBoolean("probe.syncAudit")) {
                    audit.flush(Duration.ofSeconds(30));
                }
            }
            audit.flush(Duration.ofSeconds(30));
            byte[] w = Files.readAllBytes(wal);
            Map<Integer, String> owner = new HashMap<>();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT name, pageno FROM dbstat")) {
                while (rs.next()) {
                    owner.put(rs.getInt(2), rs.getString(1));
                }
            }
            ByteBuffer b = ByteBuffer.wrap(w);
            int pageSize = b.getInt(8);
            int salt1 = b.getInt(16);
            int salt2 = b.getInt(20);
            Map<String, Integer> frames = new TreeMap<>();
            int commits = 0;
            int total = 0;
            for (int off = 32; off + 24 + pageSize <= w.length; off += 24 + pageSize) {
                if (b.getInt(off + 8) != salt1 || b.getInt(off + 12) != salt2) {
                    break;
                }
                int page = b.getInt(off);
                if (b.getInt(off + 4) != 0) {
                    commits++;
                }
                total++;
                frames.merge(
                        owner.getOrDefault(page, page == 1 ? "page 1 (schema header)" : "other/free"), 1, Integer::sum);
            }
            System.out.printf(
                    "verifies %d, commits %d, frames %d, %.2f frames per verify, %.1f kB WAL per verify%n",
                    verifies, commits, total, total / (double) verifies, total * (24.0 + pageSize) / 1024 / verifies);
            frames.forEach((k, v) -> System.out.printf("  %-40s %5d  %.2f per verify%n", k, v, v / (double) verifies));
        }
    }

    private static byte[] bytes(SecureRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
