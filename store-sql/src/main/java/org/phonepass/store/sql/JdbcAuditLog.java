package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.abuse.AuditSearch;
import org.phonepass.core.abuse.AuditSearch.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores audit events in the {@code audit_events} table, off the request path.
 *
 * <p>{@link #record} only offers the event to a bounded in-memory queue and returns; one writer thread drains the
 * queue and inserts what it finds in one batch per transaction, so a burst of events costs one commit rather than one
 * per event (a durable SQLite commit is about 0.25 ms, docs/benchmarks.md#storage-floor). On the embedded database
 * the events mostly do not need that thread: each commit of the database's writer takes what is queued into its own
 * transaction ({@link Jdbc.Rider}), so under load the events of a login are stored with the next batch of logins,
 * without a thread woken per event and a commit of their own (docs/benchmarks.md#audit-with-commits). The thread
 * then only stores what no commit took within {@link #RIDE_WAIT_NANOS}, and sleeps while the queue is empty. When
 * the queue is full, because the database is slow or down, the new event is <b>dropped</b> and counted
 * ({@link #dropped()}) instead of blocking the request or growing memory without bound: an attacker who floods the
 * endpoints must not be able to stall logins through the audit log. A batch the database refuses is dropped and
 * counted the same way. The structured log line ({@code LoggingAuditLog}, combined with this one by
 * {@code CompositeAuditLog}) is written synchronously and keeps every event even then. Drops are reported at WARN at
 * most once a minute.
 */
public final class JdbcAuditLog implements AuditLog, AuditSearch, AutoCloseable {
    /** Events waiting for the writer; a burst of this many is absorbed without loss. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private static final int MAX_BATCH = 500;

    /**
     * Embedded database: how long events may wait in the queue for a commit of the writer to take them before this
     * log's own thread stores them; the longest an event waits when nothing else is written.
     */
    static final long RIDE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * Rows per statement when old events are deleted: about 5 ms of the writer each on the quiet AMD EPYC host of
     * docs/benchmarks.md#data-growth (5 000 took about 26 ms, long enough to show in a login's p99).
     */
    static final int DELETE_BATCH = 1_000;

    private static final Logger log = LoggerFactory.getLogger(JdbcAuditLog.class);
    private static final String INSERT = "INSERT INTO audit_events (time, type, client_id, masked_phone, ip, "
            + "country, outcome, detail, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT =
            "SELECT time, type, client_id, masked_phone, ip, country, outcome, detail, user_id, id FROM audit_events";

    private final Jdbc jdbc;
    private final BlockingQueue<AuditEvent> queue;
    private final Thread writer;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Object progress = new Object();
    private volatile boolean closed;
    private volatile long lastDropWarning;
    private final Jdbc.Rider rider = this::ride;
    /** Whether the writer's commits take the queued events (the embedded database). */
    private final boolean riding;
    /** {@link #RIDE_WAIT_NANOS}, or another wait for tests. */
    volatile long rideWaitNanos = RIDE_WAIT_NANOS;
    /** Set while the thread sleeps on an empty queue: the next event wakes it. */
    private volatile boolean idle;
    /** Set by {@link #flush}: the thread stores what is queued without waiting for a commit to take it. */
    private volatile boolean urgent;

    JdbcAuditLog(Jdbc jdbc, int capacity) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::drain, "phonepass-audit-writer");
        writer.setDaemon(true);
        this.riding = jdbc.ride(rider);
        writer.start();
    }

    @Override
    public void record(AuditEvent event) {
        if (event == null) {
            return;
        }
        if (closed || !queue.offer(event)) {
            drop(1);
            return;
        }
        accepted.incrementAndGet();
        if (idle) {
            LockSupport.unpark(writer);
        }
    }

    /** On the embedded database's writer thread, before each commit: the queued events, for that transaction. */
    private Jdbc.Ridden ride() {
        if (queue.isEmpty()) {
            return null;
        }
        List<AuditEvent> batch = new ArrayList<>();
        queue.drainTo(batch, MAX_BATCH);
        if (batch.isEmpty()) {
            return null;
        }
        return new Jdbc.Ridden(
                // Runs in the writer's open transaction, which inTransaction joins.
                () -> jdbc.inTransaction(c -> {
                    insertInRows(c, batch);
                    return null;
                }),
                (result, failure) -> {
                    if (failure != null) {
                        drop(batch.size());
                        log.warn("could not store {} audit events: {}", batch.size(), failure.getMessage());
                    }
                    finished(batch.size());
                });
    }

    private void finished(int events) {
        finished.addAndGet(events);
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /**
     * Deletes the stored events older than {@code cutoff}, at most {@link #DELETE_BATCH} rows per statement, each its
     * own short transaction: the first pass after a retention is set may find millions of rows, and one statement
     * for all of them would hold the embedded database's single writer (and every login) for seconds.
     *
     * @return how many rows were deleted
     */
    public long deleteOlderThan(Instant cutoff) {
        long millis = cutoff.toEpochMilli();
        // Rests between full batches like the expired-row sweeps (ExpiredRows), so a first pass over millions of
        // rows leaves most of the writer to the logins.
        return ExpiredRows.inBatches(
                () -> jdbc.write(conn -> Jdbc.update(
                        conn,
                        "DELETE FROM audit_events WHERE id IN (SELECT id FROM "
                                + "audit_events WHERE time < ? ORDER BY time LIMIT ?)",
                        millis,
                        DELETE_BATCH)),
                DELETE_BATCH,
                ExpiredRows.SLEEP);
    }

    /** Events lost since start: queue full, closed, or a batch the database refused. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Waits until every event recorded before this call is stored (or dropped). For tests, the management API's
     * "read your own events", and shutdown.
     *
     * @return false when the timeout passed first
     */
    public boolean flush(Duration timeout) {
        long target = accepted.get();
        urgent = true;
        LockSupport.unpark(writer);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (finished.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !writer.isAlive()) {
                    return finished.get() >= target;
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private static final long DAY_MILLIS = 86_400_000L;

    /**
     * Counts the stored login events (starts, sends, verifications, lockouts) from {@code from} (inclusive) to
     * {@code to} (exclusive), per UTC day, type, outcome and country, and for refusals per reason as well. Other
     * outcomes' details are not grouped on: they are free text, and the counts would split without bound. Served
     * from the index {@code audit_events_for_stats} on both databases.
     */
    public List<AuditCount> countByDay(Instant from, Instant to) {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps = Jdbc.prepare(
                            c,
                            "SELECT time / " + DAY_MILLIS + " AS day, type, outcome, country, "
                                    + "CASE WHEN outcome = 'REFUSED' THEN detail ELSE NULL END AS reason, COUNT(*) "
                                    + "FROM audit_events WHERE time >= ? AND time < ? "
                                    + "AND type IN ('START', 'SEND', 'VERIFY', 'LOCKOUT') "
                                    + "GROUP BY time / " + DAY_MILLIS + ", type, outcome, country, "
                                    + "CASE WHEN outcome = 'REFUSED' THEN detail ELSE NULL END",
                            from.toEpochMilli(),
                            to.toEpochMilli());
                    ResultSet rs = ps.executeQuery()) {
                List<AuditCount> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new AuditCount(
                            java.time.LocalDate.ofEpochDay(rs.getLong(1)),
                            AuditEvent.Type.valueOf(rs.getString(2)),
                            AuditEvent.Outcome.valueOf(rs.getString(3)),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getLong(6)));
                }
                return out;
            }
        });
    }

    /**
     * The stored events of one type from {@code from} (inclusive) to {@code to} (exclusive), newest first, at most
     * {@code limit}: for the pumping breaker's trips, which are few.
     */
    public List<AuditEvent> ofType(AuditEvent.Type type, Instant from, Instant to, int limit) {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps = Jdbc.prepare(
                            c,
                            "SELECT time, type, client_id, masked_phone, ip, country, outcome, detail "
                                    + "FROM audit_events WHERE time >= ? AND time < ? AND type = ? "
                                    + "ORDER BY time DESC, id DESC LIMIT ?",
                            from.toEpochMilli(),
                            to.toEpochMilli(),
                            type.name(),
                            limit);
                    ResultSet rs = ps.executeQuery()) {
                return events(rs);
            }
        });
    }

    private static List<AuditEvent> events(ResultSet rs) throws java.sql.SQLException {
        List<AuditEvent> out = new ArrayList<>();
        while (rs.next()) {
            out.add(new AuditEvent(
                    Instant.ofEpochMilli(rs.getLong(1)),
                    AuditEvent.Type.valueOf(rs.getString(2)),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    AuditEvent.Outcome.valueOf(rs.getString(7)),
                    rs.getString(8)));
        }
        return out;
    }

    /** The newest stored events, newest first, at most {@code limit}. */
    public List<AuditEvent> recent(int limit) {
        return search(Filter.all(), null, 0, limit).stream().map(Stored::event).toList();
    }

    @Override
    public List<Stored> search(Filter filter, Long afterId, int offset, int limit) {
        List<Object> params = new ArrayList<>();
        String where = where(filter, params);
        String sql;
        if (afterId != null) {
            params.add(afterId);
            sql = SELECT + " WHERE " + where + " AND id > ? ORDER BY id ASC LIMIT ?";
            params.add(limit);
        } else {
            sql = SELECT + " WHERE " + where + " ORDER BY id DESC LIMIT ? OFFSET ?";
            params.add(limit);
            params.add(offset);
        }
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps = Jdbc.prepare(c, sql, params.toArray());
                    ResultSet rs = ps.executeQuery()) {
                List<Stored> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(map(rs));
                }
                return out;
            }
        });
    }

    @Override
    public long count(Filter filter) {
        List<Object> params = new ArrayList<>();
        String where = where(filter, params);
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps =
                            Jdbc.prepare(c, "SELECT COUNT(*) FROM audit_events WHERE " + where, params.toArray());
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public Optional<Stored> find(long id) {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps = Jdbc.prepare(c, SELECT + " WHERE id = ?", id);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public Map<String, Long> perDay(AuditEvent.Type type, AuditEvent.Outcome outcome, Instant from, Instant to) {
        return JdbcUserAdmin.perDay(
                jdbc,
                "audit_events",
                "time",
                "type = ? AND outcome = ? AND ",
                List.of(type.name(), outcome.name()),
                from,
                to);
    }

    /** A WHERE clause of fixed fragments; every value a bound parameter. */
    private static String where(Filter f, List<Object> params) {
        List<String> parts = new ArrayList<>();
        parts.add("1 = 1");
        if (f.kinds() != null) {
            List<String> any = new ArrayList<>();
            for (Kind k : f.kinds()) {
                any.add(kind(k, params));
            }
            parts.add(any.isEmpty() ? "1 = 0" : "(" + String.join(" OR ", any) + ")");
        }
        for (Kind k : f.excluded()) {
            parts.add("NOT " + kind(k, params));
        }
        if (f.clientId() != null) {
            parts.add("client_id = ?");
            params.add(f.clientId());
        }
        if (f.userId() != null) {
            parts.add("user_id = ?");
            params.add(f.userId());
        }
        if (f.ip() != null) {
            parts.add("ip = ?");
            params.add(f.ip());
        }
        if (f.from() != null) {
            parts.add("time >= ?");
            params.add(f.from().toEpochMilli());
        }
        if (f.to() != null) {
            parts.add("time < ?");
            params.add(f.to().toEpochMilli());
        }
        return String.join(" AND ", parts);
    }

    private static String kind(Kind k, List<Object> params) {
        StringBuilder sql = new StringBuilder("(type = ?");
        params.add(k.type().name());
        if (k.outcome() != null) {
            sql.append(" AND outcome = ?");
            params.add(k.outcome().name());
        }
        if (k.detail() != null) {
            sql.append(k.detailIs() ? " AND detail = ?" : " AND (detail IS NULL OR detail <> ?)");
            params.add(k.detail());
        }
        return sql.append(")").toString();
    }

    private static Stored map(ResultSet rs) throws java.sql.SQLException {
        return new Stored(
                rs.getLong(10),
                new AuditEvent(
                        Instant.ofEpochMilli(rs.getLong(1)),
                        AuditEvent.Type.valueOf(rs.getString(2)),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        AuditEvent.Outcome.valueOf(rs.getString(7)),
                        rs.getString(8),
                        rs.getString(9)));
    }

    /**
     * The log's own thread: sleeps while the queue is empty ({@link #record} wakes it); with events queued, stores
     * them at once on PostgreSQL, and on the embedded database first gives the writer's commits
     * {@link #RIDE_WAIT_NANOS} to take them ({@link #flush} cuts that wait short).
     */
    private void drain() {
        List<AuditEvent> batch = new ArrayList<>(MAX_BATCH);
        while (!Thread.currentThread().isInterrupted()) {
            if (queue.isEmpty()) {
                if (closed) {
                    return;
                }
                // A flush finds nothing queued to hurry: what it waits for has been taken already.
                urgent = false;
                idle = true;
                // Checked again after raising the flag: an event offered before record() could see it is found here.
                if (queue.isEmpty() && !closed) {
                    LockSupport.park(this);
                }
                idle = false;
                continue;
            }
            if (riding && !urgent && !closed) {
                LockSupport.parkNanos(this, rideWaitNanos);
            }
            // Reset before the queue is drained, so the events of a flush that comes later are drained too.
            urgent = false;
            queue.drainTo(batch, MAX_BATCH);
            if (!batch.isEmpty()) {
                try {
                    write(batch);
                } finally {
                    int events = batch.size();
                    batch.clear();
                    finished(events);
                }
            }
        }
    }

    private void write(List<AuditEvent> batch) {
        try {
            jdbc.inTransaction(c -> {
                if (jdbc.dialect() == SqlDialect.SQLITE) {
                    insertInRows(c, batch);
                    return null;
                }
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    for (AuditEvent e : batch) {
                        bind(ps, 0, e);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        } catch (RuntimeException e) {
            drop(batch.size());
            log.warn("could not store {} audit events: {}", batch.size(), e.getMessage());
        }
    }

    /**
     * Rows per INSERT on the embedded database, largest first: a batch goes as statements of 32 rows while it has
     * that many, then of 8, then one by one. Each statement is compiled once per connection (the statement cache).
     */
    static final int[] ROWS_PER_INSERT = {32, 8, 1};

    private static final String[] INSERTS = new String[ROWS_PER_INSERT[0] + 1];

    static {
        for (int rows : ROWS_PER_INSERT) {
            StringBuilder sql = new StringBuilder(INSERT);
            for (int i = 1; i < rows; i++) {
                sql.append(", (?, ?, ?, ?, ?, ?, ?, ?, ?)");
            }
            INSERTS[rows] = sql.toString();
        }
    }

    /**
     * The embedded database's batch insert: a few multi-row statements instead of one execution per event (JDBC's
     * batch in sqlite-jdbc steps the statement once per row). SQLite then runs one statement, with its start and end
     * and its update of {@code sqlite_sequence} (the AUTOINCREMENT counter), per 32 events instead of per event
     * (docs/benchmarks.md, "SQLite per verify, cut"). PostgreSQL's driver already rewrites its batches this way.
     */
    static void insertInRows(java.sql.Connection c, List<AuditEvent> batch) throws java.sql.SQLException {
        int next = 0;
        for (int rows : ROWS_PER_INSERT) {
            while (batch.size() - next >= rows) {
                try (PreparedStatement ps = Jdbc.prepare(c, INSERTS[rows])) {
                    for (int r = 0; r < rows; r++) {
                        bind(ps, r * 9, batch.get(next + r));
                    }
                    ps.executeUpdate();
                }
                next += rows;
            }
        }
    }

    /** Binds one event's nine columns after the first {@code offset} parameters. */
    private static void bind(PreparedStatement ps, int offset, AuditEvent e) throws java.sql.SQLException {
        ps.setLong(offset + 1, e.time().toEpochMilli());
        ps.setString(offset + 2, e.type().name());
        text(ps, offset + 3, e.clientId());
        text(ps, offset + 4, e.maskedPhone());
        text(ps, offset + 5, e.ip());
        text(ps, offset + 6, e.country());
        ps.setString(offset + 7, e.outcome().name());
        text(ps, offset + 8, e.detail());
        text(ps, offset + 9, e.userId());
    }

    /** Values come from requests: kept to a bounded length so a hostile field cannot bloat the table. */
    private static void text(PreparedStatement ps, int index, String value) throws java.sql.SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value.length() > 512 ? value.substring(0, 512) : value);
        }
    }

    private void drop(int count) {
        long total = dropped.addAndGet(count);
        long now = System.nanoTime();
        if (now - lastDropWarning > TimeUnit.MINUTES.toNanos(1) || lastDropWarning == 0) {
            lastDropWarning = now;
            log.warn(
                    "audit events not stored: {} dropped so far (queue full or database unavailable); the "
                            + "audit log lines still hold them",
                    total);
        }
    }

    /** Stores what is queued (waiting up to 5 s), then stops the writer. Later events are dropped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        flush(Duration.ofSeconds(5));
        closed = true;
        jdbc.stopRiding(rider);
        LockSupport.unpark(writer);
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
        }
    }
}
