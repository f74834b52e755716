package org.phonepass.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.ratelimit.Decision;
import org.phonepass.core.ratelimit.Limit;
import org.phonepass.core.ratelimit.RateLimiter;

/**
 * Token buckets in PostgreSQL, shared by every node: the limits hold across the cluster, not per node.
 *
 * <p>A bucket is one row holding {@code full_at}, the instant it will be full again. Its deficit at time
 * {@code now} is {@code max(0, full_at - now)}; every token is worth {@code T = period / capacity} of deficit. This
 * is the arithmetic of the Redis script (token-bucket.lua), in microseconds, so both shared limiters answer alike.
 *
 * <p><b>Atomicity.</b> An acquisition is a single {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING}:
 * PostgreSQL locks the row for the update and re-evaluates the {@code WHERE} against the latest committed version,
 * so two nodes racing for the last token never both get it, without an explicit transaction or lock round trip.
 * A refusal updates nothing (the {@code WHERE} fails, no row is returned), so a key under attack costs reads, not
 * writes; the refusal's details then come from a plain read, which may be a moment newer than the refusal but
 * never turns it into a grant.
 *
 * <p><b>Time</b> comes from the node's {@link Clock}, not {@code now()} of the database, for the reasons given in
 * the Redis limiter: the node's injected clock is the one time source of a node, and NTP keeps nodes within
 * milliseconds, which is nothing against limits of minutes and hours.
 *
 * <p>Full buckets are deleted by {@link #deleteFull()}, which the server's housekeeping runs every minute.
 */
public final class JdbcRateLimiter implements RateLimiter {
    private static final String ACQUIRE = "INSERT INTO rate_limit_buckets AS b (bucket_key, full_at) VALUES (?, ?) "
            + "ON CONFLICT (bucket_key) DO UPDATE SET full_at = GREATEST(b.full_at, ?) + ? "
            + "WHERE b.full_at - ? <= ? RETURNING full_at";
    private static final String READ = "SELECT full_at FROM rate_limit_buckets WHERE bucket_key = ?";
    private static final String REFUND =
            "UPDATE rate_limit_buckets SET full_at = GREATEST(?, full_at - ?) " + "WHERE bucket_key = ?";

    private final Jdbc jdbc;
    private final Clock clock;

    JdbcRateLimiter(Jdbc jdbc, Clock clock) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
    }

    @Override
    public Decision tryAcquire(String key, Limit limit) {
        String k = bucketKey(key, limit);
        Instant now = clock.instant();
        long nowMicros = micros(now);
        long t = microsPerToken(limit);
        long maxDeficit = (limit.capacity() - 1) * t;
        return jdbc.write(c -> {
            Long fullAt;
            try (PreparedStatement ps =
                            Jdbc.prepare(c, ACQUIRE, k, nowMicros + t, nowMicros, t, nowMicros, maxDeficit);
                    ResultSet rs = ps.executeQuery()) {
                fullAt = rs.next() ? rs.getLong(1) : null;
            }
            if (fullAt != null) {
                return decision(limit, now, true, fullAt - nowMicros);
            }
            Long current = read(c, k);
            // The row may have been reset or refunded since the refusal; report at least what refused it.
            long deficit = Math.max(current == null ? 0 : current - nowMicros, maxDeficit + 1);
            return decision(limit, now, false, deficit);
        });
    }

    @Override
    public Decision peek(String key, Limit limit) {
        String k = bucketKey(key, limit);
        Instant now = clock.instant();
        long nowMicros = micros(now);
        Long fullAt = jdbc.withConnection(c -> read(c, k));
        long deficit = fullAt == null ? 0 : Math.max(0, fullAt - nowMicros);
        return decision(limit, now, deficit <= (limit.capacity() - 1) * microsPerToken(limit), deficit);
    }

    @Override
    public void refund(String key, Limit limit, long tokens) {
        if (tokens < 1) {
            return;
        }
        String k = bucketKey(key, limit);
        long nowMicros = micros(clock.instant());
        long back = Math.min(tokens, limit.capacity()) * microsPerToken(limit);
        // A missing row is a full bucket already: nothing to give back, and nothing is inserted.
        jdbc.write(c -> Jdbc.update(c, REFUND, nowMicros, back, k));
    }

    /**
     * The steps in one transaction: one commit, so one flush to disk, for a request's limits instead of one per
     * bucket (a start has up to ten). A refusal gives the earlier takes back inside that transaction, so no other
     * node sees them taken. The steps come in the same order of limits for every request (the number's, the
     * address's, then the shared budgets), so two transactions never wait on each other's rows in a cycle.
     */
    @Override
    public List<Decision> acquireAll(List<Step> steps) {
        if (steps.isEmpty()) {
            return List.of();
        }
        return jdbc.unitOfWork(() -> RateLimiter.super.acquireAll(steps));
    }

    /**
     * The resets and the increments in one transaction: one commit after an accepted code. The counter joins it when
     * it comes from the same storage (its calls on this thread join the unit of work).
     */
    @Override
    public void resetAndCount(List<Reset> resets, SlidingWindowCounter counter, List<String> counts) {
        if (resets.isEmpty() && counts.isEmpty()) {
            return;
        }
        jdbc.unitOfWork(() -> {
            RateLimiter.super.resetAndCount(resets, counter, counts);
            return null;
        });
    }

    @Override
    public void reset(String key, Limit limit) {
        String k = bucketKey(key, limit);
        jdbc.write(c -> Jdbc.update(c, "DELETE FROM rate_limit_buckets WHERE bucket_key = ?", k));
    }

    /** Deletes the buckets that have refilled completely (they answer exactly like absent ones). */
    public int deleteFull() {
        long nowMicros = micros(clock.instant());
        return jdbc.write(c -> Jdbc.update(c, "DELETE FROM rate_limit_buckets WHERE full_at <= ?", nowMicros));
    }

    private static Long read(Connection c, String k) throws SQLException {
        try (PreparedStatement ps = Jdbc.prepare(c, READ, k);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    /**
     * The row key: the limit's name, capacity and period (a changed setting is a new bucket, as the contract
     * requires) and the caller's key, which is kept readable here so that an operator can see in SQL which
     * addresses and numbers are being limited (the same database holds the users' numbers anyway).
     */
    static String bucketKey(String key, Limit limit) {
        Objects.requireNonNull(key, "key cannot be null");
        Objects.requireNonNull(limit, "limit cannot be null");
        return limit.name() + ":" + limit.capacity() + ":" + limit.period().toMillis() + ":" + key;
    }

    static long microsPerToken(Limit limit) {
        Duration p = limit.period();
        long periodMicros = Math.addExact(Math.multiplyExact(p.getSeconds(), 1_000_000L), p.getNano() / 1_000);
        return Math.max(1, periodMicros / limit.capacity());
    }

    private static long micros(Instant now) {
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    }

    private static Decision decision(Limit limit, Instant now, boolean granted, long deficit) {
        long t = microsPerToken(limit);
        long d = Math.max(0, deficit);
        long remaining = Math.max(0, Math.min(limit.capacity(), (limit.capacity() * t - d) / t));
        Instant resetAt = now.truncatedTo(ChronoUnit.MICROS).plus(d, ChronoUnit.MICROS);
        if (granted) {
            return new Decision(true, limit, remaining, resetAt, Duration.ZERO);
        }
        long wait = Math.max(1, d - (limit.capacity() - 1) * t);
        return new Decision(false, limit, remaining, resetAt, Duration.of(wait, ChronoUnit.MICROS));
    }
}
