package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.abuse.WindowSlices;

/**
 * Event counts over a rolling window in PostgreSQL, shared by every node. One row per key and time slice, with the
 * embedded counter's slicing ({@link WindowSlices}: a count covers the current slice and the {@code slices} before
 * it, so an event is never forgotten early). An increment is one atomic upsert
 * ({@code ON CONFLICT DO UPDATE SET events = events + 1}), so concurrent increments from any node are all counted.
 * Slices from the node's {@link Clock}, as in {@link JdbcRateLimiter}. {@link #deleteForgotten()} removes slices
 * that left the window; the server's housekeeping runs it every minute.
 */
public final class JdbcSlidingWindowCounter implements SlidingWindowCounter {
    private static final String INCREMENT = "INSERT INTO rate_limit_counters AS c (counter_key, slice, events, "
            + "forget_at) VALUES (?, ?, 1, ?) ON CONFLICT (counter_key, slice) DO UPDATE SET events = c.events + 1";
    private static final String COUNT = "SELECT COALESCE(SUM(events), 0) FROM rate_limit_counters "
            + "WHERE counter_key = ? AND slice BETWEEN ? AND ?";

    private final Jdbc jdbc;
    private final WindowSlices slicing;
    private final String keyPrefix;

    JdbcSlidingWindowCounter(Jdbc jdbc, Clock clock, Duration window, int slices) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
        this.slicing = new WindowSlices(clock, window, slices);
        // Counters with other windows slice time differently: the slice length is part of the key.
        this.keyPrefix = "w" + window.toMillis() + "/" + slices + ":";
    }

    @Override
    public Duration window() {
        return slicing.window();
    }

    @Override
    public void increment(String key) {
        Objects.requireNonNull(key, "key cannot be null");
        long slice = slicing.current();
        // The slice counts while it is among the slices + 1 newest: until the end of slice (slice + slices).
        long forgetAt = (slice + slicing.slices() + 1) * slicing.sliceMillis();
        jdbc.write(c -> Jdbc.update(c, INCREMENT, keyPrefix + key, slice, forgetAt));
    }

    /** The increments in one transaction: one commit for a send's or a verification's two counts. */
    @Override
    public void incrementAll(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        jdbc.unitOfWork(() -> {
            SlidingWindowCounter.super.incrementAll(keys);
            return null;
        });
    }

    @Override
    public long count(String key) {
        Objects.requireNonNull(key, "key cannot be null");
        long slice = slicing.current();
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps = Jdbc.prepare(c, COUNT, keyPrefix + key, slicing.oldestCounted(slice), slice);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Deletes the slices no count can include any more, of every counter. */
    public int deleteForgotten() {
        long now = slicing.clock().millis();
        return jdbc.write(c -> Jdbc.update(c, "DELETE FROM rate_limit_counters WHERE forget_at <= ?", now));
    }
}
