package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The SMS send attempts of every node, added up per UTC day, provider, outcome and latency bucket in
 * {@code sms_provider_stats} (docs/management.md#console). Each node adds what it counted since its last write in one
 * transaction every few seconds; the additions are {@code INSERT ... ON CONFLICT DO UPDATE}, so nodes writing the
 * same row at once all count.
 */
public final class JdbcProviderStats {
    private final Jdbc jdbc;

    JdbcProviderStats(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    /** Adds the rows to the stored ones (attempts and latencies summed, the maximum kept), in one transaction. */
    public void add(List<ProviderStat> rows) {
        if (rows.isEmpty()) {
            return;
        }
        String greatest = jdbc.dialect() == SqlDialect.POSTGRESQL ? "GREATEST" : "MAX";
        String sql = "INSERT INTO sms_provider_stats (day, provider, outcome, le_ms, attempts, total_ms, max_ms) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, provider, outcome, le_ms) DO UPDATE SET "
                + "attempts = sms_provider_stats.attempts + excluded.attempts, "
                + "total_ms = sms_provider_stats.total_ms + excluded.total_ms, "
                + "max_ms = " + greatest + "(sms_provider_stats.max_ms, excluded.max_ms)";
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (ProviderStat r : rows) {
                    ps.setLong(1, r.day().toEpochDay());
                    ps.setString(2, r.provider());
                    ps.setString(3, r.outcome());
                    ps.setLong(4, r.leMillis());
                    ps.setLong(5, r.attempts());
                    ps.setLong(6, r.totalMillis());
                    ps.setLong(7, r.maxMillis());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** The stored rows of the days {@code from} to {@code to}, both included. */
    public List<ProviderStat> between(LocalDate from, LocalDate to) {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps = Jdbc.prepare(
                            c,
                            "SELECT day, provider, outcome, le_ms, attempts, total_ms, max_ms FROM sms_provider_stats "
                                    + "WHERE day >= ? AND day <= ? ORDER BY day, provider, outcome, le_ms",
                            from.toEpochDay(),
                            to.toEpochDay());
                    ResultSet rs = ps.executeQuery()) {
                List<ProviderStat> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new ProviderStat(
                            LocalDate.ofEpochDay(rs.getLong(1)),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getLong(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            rs.getLong(7)));
                }
                return out;
            }
        });
    }

    /** Deletes the days before {@code day}: the figures are kept as long as the audit events. */
    public int deleteBefore(LocalDate day) {
        return jdbc.write(c -> Jdbc.update(c, "DELETE FROM sms_provider_stats WHERE day < ?", day.toEpochDay()));
    }
}
