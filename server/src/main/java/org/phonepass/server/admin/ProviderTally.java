package org.phonepass.server.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.phonepass.sms.delivery.SmsMetrics;
import org.phonepass.store.sql.JdbcProviderStats;
import org.phonepass.store.sql.ProviderStat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's SMS send attempts since its last write, per UTC day, provider, outcome and latency bucket, added to
 * the database's tally ({@link JdbcProviderStats}) every few seconds, at shutdown, and before this node's dashboard
 * reads it (docs/management.md#console). Counting costs a map update under a lock per attempt; the database sees a
 * few rows per write, whatever the traffic.
 *
 * <p>The tally exists before the database is open (the SMS stack is built first): attempts made meanwhile wait
 * here until {@link #attach}. A write the database refuses is put back and tried again with the next one.
 */
public final class ProviderTally implements SmsMetrics.AttemptListener {
    /**
     * Upper bounds of the latency buckets in milliseconds. The percentiles the dashboard shows are the bound of the
     * bucket they fall in (or the longest attempt, when that is shorter).
     */
    static final long[] BOUNDS = {
        50, 100, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000, 20_000, 30_000, Long.MAX_VALUE
    };

    /** Rows kept at most while the database refuses them: providers × outcomes × buckets × a few days. */
    private static final int MAX_KEYS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(ProviderTally.class);

    private record Key(LocalDate day, String provider, String outcome, long le) {}

    private final Clock clock;
    private final Object lock = new Object();
    private Map<Key, long[]> pending = new HashMap<>();
    private volatile JdbcProviderStats store;

    public ProviderTally(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
    }

    /** Where the tally goes, once the database is open. */
    public void attach(JdbcProviderStats store) {
        this.store = Objects.requireNonNull(store, "store cannot be null");
    }

    @Override
    public void attempt(String provider, String outcome, Duration latency) {
        long millis = Math.max(0, latency.toMillis());
        Key key = new Key(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), provider, outcome, bucket(millis));
        synchronized (lock) {
            add(pending, key, 1, millis, millis);
        }
    }

    static long bucket(long millis) {
        for (long bound : BOUNDS) {
            if (millis <= bound) {
                return bound;
            }
        }
        return Long.MAX_VALUE;
    }

    /** Adds what was counted since the last write to the database; does nothing before {@link #attach}. */
    public void flush() {
        JdbcProviderStats target = store;
        if (target == null) {
            return;
        }
        Map<Key, long[]> taken;
        synchronized (lock) {
            if (pending.isEmpty()) {
                return;
            }
            taken = pending;
            pending = new HashMap<>();
        }
        List<ProviderStat> rows = new ArrayList<>(taken.size());
        taken.forEach(
                (k, v) -> rows.add(new ProviderStat(k.day(), k.provider(), k.outcome(), k.le(), v[0], v[1], v[2])));
        try {
            target.add(rows);
        } catch (RuntimeException e) {
            log.warn("could not store the SMS provider figures ({}); kept for the next try", e.getMessage());
            synchronized (lock) {
                for (Map.Entry<Key, long[]> e2 : taken.entrySet()) {
                    if (pending.size() >= MAX_KEYS && !pending.containsKey(e2.getKey())) {
                        break;
                    }
                    long[] v = e2.getValue();
                    add(pending, e2.getKey(), v[0], v[1], v[2]);
                }
            }
        }
    }

    /** Every node's stored tally of the days {@code from} to {@code to}, after adding this node's latest. */
    public List<ProviderStat> read(LocalDate from, LocalDate to) {
        flush();
        JdbcProviderStats target = store;
        return target == null ? List.of() : target.between(from, to);
    }

    private static void add(Map<Key, long[]> into, Key key, long attempts, long total, long max) {
        long[] v = into.computeIfAbsent(key, k -> new long[3]);
        v[0] += attempts;
        v[1] += total;
        v[2] = Math.max(v[2], max);
    }
}
