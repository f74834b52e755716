package org.phonepass.store.sql;

import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CheckResult;
import org.phonepass.core.otp.ConsumeResult;

/** Challenges in SQL. States: {@code live}, {@code used}, {@code dead} (attempts exhausted), {@code replaced}. */
public final class JdbcChallengeStore implements ChallengeStore {
    private final Jdbc jdbc;

    JdbcChallengeStore(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    @Override
    public void create(Challenge c, int keepPrevious) {
        jdbc.inTransaction(conn -> {
            jdbc.dialect().lockChallenges(conn, c.clientId(), c.phone());
            Jdbc.update(
                    conn,
                    "INSERT INTO challenges (id, client_id, phone, code_hash, created_at, expires_at, "
                            + "attempts, max_attempts, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'live')",
                    c.id(),
                    c.clientId(),
                    c.phone(),
                    c.codeHash(),
                    c.createdAt().toEpochMilli(),
                    c.expiresAt().toEpochMilli(),
                    c.attempts(),
                    c.maxAttempts());
            // Keep the new challenge and the newest keepPrevious earlier ones; retire the rest.
            Jdbc.update(
                    conn,
                    "UPDATE challenges SET state = 'replaced' WHERE client_id = ? AND phone = ? "
                            + "AND state = 'live' AND seq NOT IN (SELECT seq FROM challenges WHERE client_id = ? "
                            + "AND phone = ? AND state = 'live' ORDER BY seq DESC LIMIT ?)",
                    c.clientId(),
                    c.phone(),
                    c.clientId(),
                    c.phone(),
                    keepPrevious + 1);
            return null;
        });
    }

    private record Live(long seq, byte[] hash, int attempts, int maxAttempts) {}

    @Override
    public ConsumeResult consume(String clientId, String phone, byte[] submittedHash, Instant now) {
        return jdbc.inTransaction(conn -> {
            jdbc.dialect().lockChallenges(conn, clientId, phone);
            List<Live> live = new ArrayList<>();
            try (PreparedStatement ps = Jdbc.prepare(
                            conn,
                            "SELECT seq, code_hash, attempts, max_attempts "
                                    + "FROM challenges WHERE client_id = ? AND phone = ? AND state = 'live' AND expires_at > ? "
                                    + "ORDER BY seq DESC" + jdbc.dialect().forUpdate(),
                            clientId,
                            phone,
                            now.toEpochMilli());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    live.add(new Live(rs.getLong(1), rs.getBytes(2), rs.getInt(3), rs.getInt(4)));
                }
            }
            if (live.isEmpty()) {
                return new ConsumeResult(ConsumeResult.Outcome.NO_LIVE_CHALLENGE, 0);
            }
            // The attempt counts before the comparison, and every live row is compared so that timing does not
            // tell which one matched.
            Live match = null;
            for (Live l : live) {
                boolean equal = MessageDigest.isEqual(l.hash(), submittedHash);
                if (equal && l.attempts() < l.maxAttempts() && match == null) {
                    match = l;
                }
            }
            if (match != null) {
                Jdbc.update(
                        conn,
                        "UPDATE challenges SET state = 'used', attempts = attempts + 1 WHERE seq = ?",
                        match.seq());
                // The others die with it. With one live code (keep_previous_codes: 0, the default) there are none
                // to retire: the lock taken above keeps any new one out until this transaction ends. Expired rows
                // still marked live are never read again and the housekeeping deletes them.
                if (live.size() > 1) {
                    Jdbc.update(
                            conn,
                            "UPDATE challenges SET state = 'replaced' WHERE client_id = ? AND phone = ? "
                                    + "AND state = 'live'",
                            clientId,
                            phone);
                }
                return ConsumeResult.accepted();
            }
            for (Live l : live) {
                Jdbc.update(
                        conn,
                        "UPDATE challenges SET attempts = attempts + 1, state = CASE WHEN attempts + 1 "
                                + ">= max_attempts THEN 'dead' ELSE state END WHERE seq = ?",
                        l.seq());
            }
            Live newest = live.get(0);
            return new ConsumeResult(
                    ConsumeResult.Outcome.WRONG_CODE, Math.max(0, newest.maxAttempts() - newest.attempts() - 1));
        });
    }

    @Override
    public CheckResult check(String phone, Map<String, byte[]> hashesByClient, Instant now) {
        if (hashesByClient.isEmpty()) {
            return new CheckResult(ConsumeResult.Outcome.NO_LIVE_CHALLENGE, 0, null);
        }
        // Sorted, so that two checks over overlapping clients take their locks in the same order.
        Map<String, byte[]> hashes = new TreeMap<>(hashesByClient);
        return jdbc.inTransaction(conn -> {
            // Every lock before any other statement: each later read then sees what earlier holders committed.
            for (String clientId : hashes.keySet()) {
                jdbc.dialect().lockChallenges(conn, clientId, phone);
            }
            List<Live> live = new ArrayList<>();
            String matched = null;
            for (Map.Entry<String, byte[]> e : hashes.entrySet()) {
                try (PreparedStatement ps = Jdbc.prepare(
                                conn,
                                "SELECT seq, code_hash, attempts, max_attempts "
                                        + "FROM challenges WHERE client_id = ? AND phone = ? AND state = 'live' AND expires_at > ? "
                                        + "ORDER BY seq DESC" + jdbc.dialect().forUpdate(),
                                e.getKey(),
                                phone,
                                now.toEpochMilli());
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Live l = new Live(rs.getLong(1), rs.getBytes(2), rs.getInt(3), rs.getInt(4));
                        live.add(l);
                        // Every row is compared, so timing does not tell which one matched.
                        if (MessageDigest.isEqual(l.hash(), e.getValue())
                                && l.attempts() < l.maxAttempts()
                                && matched == null) {
                            matched = e.getKey();
                        }
                    }
                }
            }
            if (live.isEmpty()) {
                return new CheckResult(ConsumeResult.Outcome.NO_LIVE_CHALLENGE, 0, null);
            }
            if (matched != null) {
                // Right code: step 2 of the flow consumes it, and counts that attempt then.
                return CheckResult.accepted(matched);
            }
            int remaining = 0;
            for (Live l : live) {
                Jdbc.update(
                        conn,
                        "UPDATE challenges SET attempts = attempts + 1, state = CASE WHEN attempts + 1 "
                                + ">= max_attempts THEN 'dead' ELSE state END WHERE seq = ?",
                        l.seq());
                remaining = Math.max(remaining, l.maxAttempts() - l.attempts() - 1);
            }
            return new CheckResult(ConsumeResult.Outcome.WRONG_CODE, remaining, null);
        });
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        // By seq, the integer key (SQLite's rowid): no lookup through the text id's index per row.
        return ExpiredRows.delete(jdbc, "challenges", "seq", cutoff.toEpochMilli());
    }
}
