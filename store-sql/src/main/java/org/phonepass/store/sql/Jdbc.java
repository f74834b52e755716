package org.phonepass.store.sql;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Small JDBC helpers: one place for transactions and parameter binding.
 *
 * <p><b>Writers on the embedded database</b> queue on a lock of this node before they take a connection. SQLite
 * has one writer lock per file, and a connection that finds it taken waits in SQLite's busy handler, which sleeps
 * 1, 2, 5, 10 ... up to 100 ms between tries and cannot be woken when the lock is released: under load that
 * turned a 0.2 ms commit into waits of hundreds of milliseconds. Queued on a Java lock, the next writer is woken the
 * moment the previous one is done. {@code busy_timeout} still guards against other processes (the
 * {@code rotate-keys} command) writing the same file. Readers are not serialised: WAL lets them run beside the
 * writer. PostgreSQL has row locks and gets no such lock.
 *
 * <p><b>The lock is not fair.</b> Every write of the node goes through it one after another, so under load it is
 * the one queue a verify cannot share with another core. With a fair lock, each release handed the lock to the
 * parked thread at the head of the queue, and the lock then stayed free until the scheduler ran that thread: on two
 * busy cores 0.5 ms per hand-off at best and up to 30 ms, two or more times the 0.2 to 0.3 ms a verify's unit of
 * work holds it, so the writes could not keep up with the requests and the cores sat partly idle
 * (docs/benchmarks.md, "Signing while the commit syncs"). Unfair, a writer that is already running when the lock
 * is released takes it at once; the woken head of the queue takes it if nobody else did, or waits for the next
 * release, still first in the queue. Arrival order is no longer exact: a parked writer is passed by writers that
 * arrive during a hand-off, so at saturation the slowest requests wait longer while the median and the mean wait
 * less (docs/benchmarks.md, "The last pass on the Intel Xeon", which also measured a bound on the passing and why it
 * was not kept). A fair admission queue in front of the whole request, letting only a few requests near the lock at
 * once, was measured too and lost rate as well: the admitted requests also wait for their commit's sync
 * (docs/benchmarks.md#admission-queue). {@link #WRITER_WAIT_MILLIS} still bounds every wait.
 *
 * <p><b>The gate.</b> Unfair alone, the lock split the writers in two: those that found it free or took it while
 * running, and those that had parked, which the running ones kept passing; at 64 requests in flight on two cores
 * nearly half the verifies waited three to four times as long as the rest. A fair {@link Semaphore} of
 * {@link #GATE_PERMITS} permits now stands in front of the lock: a writer takes a permit, then the lock, and gives
 * both back when it releases the lock (not when its commit is durable). So at most {@code GATE_PERMITS - 1} writers
 * wait at the unfair lock, where a running one still takes a released lock without a hand-off, and every other writer
 * waits at the gate, which lets them through in arrival order. A writer parked at the lock can still be passed by
 * writers let through after it, but it contends with a few instead of every request in flight: at concurrency 64 a
 * verify's p99 went from 2.4–3.0 to 1.8–1.9 times its median. The permits cover the way to the lock only, so a
 * writer waiting for its batch's commit or the WAL sync holds none (docs/benchmarks.md#writer-gate).
 *
 * <p><b>One connection for the writers.</b> On the embedded database every write runs on one connection of its own,
 * borrowed from the pool once and used only under the writer lock. SQLite drops a connection's whole page cache
 * when it begins a transaction and finds that another connection wrote since its last one; with the pool's
 * connections taking turns, nearly every unit of work began with an empty cache and read its pages again (a
 * {@code pread} and a page parse each, six per verify). The one writer finds its own pages still valid. Readers
 * outside a unit of work still use the pool.
 *
 * <p><b>One commit for the units of work that queue.</b> On the embedded database, a unit of work that ends while
 * other writers wait for the lock leaves its transaction open for them instead of committing, and the last of them
 * commits for all ({@link #grouped}): under load a {@code COMMIT}, with its WAL frames, locks and WAL-index update,
 * serves several units, and pages they share are written to the WAL once. On PostgreSQL each unit stays its own
 * transaction.
 *
 * <p><b>Durability on the embedded database</b> comes after the writer lock: a commit that must be on disk before
 * its caller answers waits for {@link WalSync} once the lock is released, so the next writer runs during the sync
 * (group commit). PostgreSQL waits for its own WAL flush inside {@code commit()}.
 */
final class Jdbc {
    /** As long as SQLite's {@code busy_timeout}: past it, the request gets a 503 rather than waiting on. */
    static final long WRITER_WAIT_MILLIS = 10_000;

    /**
     * Writers past the gate at once, the lock's holder included (docs/benchmarks.md#writer-gate): enough that a
     * released lock nearly always finds a writer running to take it, few enough that the writers at the lock are a
     * handful; 8 measured no better.
     */
    static final int GATE_PERMITS = 4;

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final ReentrantLock writer;
    /** In front of {@link #writer}: see "The gate" above. */
    private final Semaphore gate = new Semaphore(GATE_PERMITS, true);
    /** Null unless commits on the embedded database must reach the disk before their callers go on. */
    private final WalSync durability;
    /** The connection of the unit of work this thread is in, if any: every call on the thread joins it. */
    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    /**
     * PostgreSQL: the write of the thread's unit of work held back for its commit ({@link #writeAtCommit}), or
     * null.
     */
    private final ThreadLocal<Deferred> deferred = new ThreadLocal<>();
    /** The embedded database's writer connection, borrowed on first use; touched only under {@link #writer}. */
    private Connection writerConnection;
    /** The embedded database's open transaction, which finished units of work wait in for their commit; or null. */
    private Batch batch;

    /** @param durability the embedded database's group commit, or null (PostgreSQL, or no sync per commit) */
    Jdbc(DataSource dataSource, SqlDialect dialect, WalSync durability) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource cannot be null");
        this.dialect = Objects.requireNonNull(dialect, "dialect cannot be null");
        // Not fair: see "The lock is not fair" above.
        this.writer = dialect == SqlDialect.SQLITE ? new ReentrantLock(false) : null;
        if (durability != null && dialect != SqlDialect.SQLITE) {
            throw new IllegalArgumentException("a WAL sync is for the embedded database only");
        }
        this.durability = durability;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    SqlDialect dialect() {
        return dialect;
    }

    /**
     * Runs {@code work} as one transaction that every call it makes on this thread joins, so their writes commit
     * together; on the embedded database it holds the writer lock throughout (and may share its commit with the
     * units of work around it: {@link #grouped}). Nested calls join the outer one. Returns once the commit is
     * durable.
     */
    <T> T unitOfWork(Supplier<T> work) {
        if (current.get() != null) {
            return work.get();
        }
        return writer == null ? ownTransaction(work) : grouped(work);
    }

    /** PostgreSQL: the unit of work is a transaction of its own on a pooled connection. */
    private <T> T ownTransaction(Supplier<T> work) {
        Connection c = null;
        try {
            c = writeConnection();
            c.setAutoCommit(false);
            current.set(c);
            try {
                T result = work.get();
                commitWithDeferred(c);
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                current.remove();
                deferred.remove();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StorageException("database error", e);
        } finally {
            releaseWriteConnection(c);
        }
    }

    /**
     * The embedded database's unit of work, with group commit at the transaction level: units that arrive while the
     * writer is busy share one SQLite transaction and one {@code COMMIT} (docs/benchmarks.md, "Group commit on the
     * embedded store").
     *
     * <p>Each unit still runs on its caller's thread, under the writer lock, in arrival order. The first unit of a
     * batch begins the transaction; a unit that finds one open runs inside a {@code SAVEPOINT}, so if it throws it is
     * rolled back alone and its caller gets its exception while the units before it stay. When a unit ends and
     * other writers are queued for the lock (and the batch is under {@link #BATCH_UNITS} units and
     * {@link #BATCH_NANOS}), it leaves the transaction open for them, releases the lock and waits for the batch's
     * outcome; otherwise it commits the batch, releases the lock, waits for {@link WalSync} and then wakes the
     * batch's other callers. No caller returns before the commit that holds its writes is durable, and a commit
     * that fails fails every unit of its batch. The units run on their own threads, rather than all on one leader
     * thread, so what a unit's code keeps per thread (the request's log context, a lock its caller holds) stays
     * its own.
     */
    private <T> T grouped(Supplier<T> work) {
        lockWriter();
        boolean locked = true;
        try {
            Connection c = writeConnection();
            boolean first = batch == null;
            if (first) {
                c.setAutoCommit(false);
                batch = new Batch();
            } else {
                sqlite(c, "SAVEPOINT unit");
            }
            T result;
            current.set(c);
            try {
                result = work.get();
            } catch (RuntimeException | Error e) {
                current.remove();
                undo(c, first, e);
                locked = false;
                endUnit();
                throw e;
            } finally {
                current.remove();
            }
            if (!first) {
                sqlite(c, "RELEASE unit");
            }
            Batch mine = batch;
            mine.units++;
            locked = false;
            endUnit();
            mine.await();
            return result;
        } catch (SQLException e) {
            failBatch(e);
            throw new StorageException("database error", e);
        } finally {
            if (locked) {
                unlockWriter();
            }
        }
    }

    /**
     * Undoes a unit of work that threw: the whole transaction when the unit began it, else back to its savepoint.
     * When that fails the transaction's state is unknown, and the batch fails with it.
     */
    private void undo(Connection c, boolean first, Throwable failure) {
        if (!first) {
            try {
                sqlite(c, "ROLLBACK TO unit");
                sqlite(c, "RELEASE unit");
            } catch (SQLException | RuntimeException e) {
                failure.addSuppressed(e);
                failBatch(e);
            }
            return;
        }
        batch = null;
        if (!rollbackQuietly(c, failure)) {
            dropWriterConnection();
            return;
        }
        try {
            // sqlite-jdbc's rollback() began the next transaction: this ends it.
            c.setAutoCommit(true);
        } catch (SQLException e) {
            failure.addSuppressed(e);
            dropWriterConnection();
        }
    }

    /**
     * Ends a unit of work, with the writer lock held on entry and released on return: commits the open batch (and
     * waits for its durability and wakes its callers) unless writers are queued for the lock and the batch is under
     * its caps, in which case the batch is left open for the next of them, which commits it or passes it on in turn.
     */
    private void endUnit() {
        Batch open = batch;
        Batch committed = null;
        if (open != null
                && !(writersWaiting(true) && open.units < batchUnits && System.nanoTime() - open.began < batchNanos)) {
            committed = commitBatch();
        }
        unlockWriter();
        if (committed != null) {
            settle(committed);
        } else if (open != null && !writersWaiting(false)) {
            // The writers it was left open for gave up meanwhile (their wait timed out or was interrupted).
            rescue();
        }
    }

    /**
     * Commits the open batch if the writer lock is free: when no writer will come back to it (one that waited for the
     * lock and gave up), a caller of the batch does. If the lock is held, its holder commits or passes the batch on.
     */
    private void rescue() {
        if (!writer.tryLock()) {
            return;
        }
        Batch open = null;
        try {
            if (batch != null) {
                open = commitBatch();
            }
        } finally {
            writer.unlock();
        }
        if (open != null) {
            settle(open);
        }
    }

    /** With the writer lock held: commits the open batch and takes its durability ticket. */
    private Batch commitBatch() {
        Batch b = batch;
        batch = null;
        try {
            commit(writerConnection);
            b.ticket = committed();
        } catch (SQLException | RuntimeException e) {
            dropWriterConnection();
            b.failure = e;
        }
        return b;
    }

    /** After the writer lock is released: makes a committed batch durable, then wakes its callers. */
    private void settle(Batch b) {
        Throwable failure = b.failure;
        if (failure == null) {
            try {
                awaitDurable(b.ticket);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        b.complete(failure);
    }

    /**
     * With the writer lock held, after a failure that leaves the transaction in an unknown state: the connection is
     * dropped (closing it rolls back whatever is open) and every unit of the open batch fails.
     */
    private void failBatch(Throwable cause) {
        Batch b = batch;
        batch = null;
        dropWriterConnection();
        if (b != null) {
            b.complete(cause);
        }
    }

    private static void sqlite(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = STATEMENTS.prepare(c, sql)) {
            ps.execute();
        }
    }

    /** Units at most in one embedded transaction, so the first of them does not wait long for the commit. */
    static final int BATCH_UNITS = 32;

    /** A batch takes no more units once it has been open this long (a verify's unit takes about 0.2 ms). */
    static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

    private int batchUnits = BATCH_UNITS;
    private long batchNanos = BATCH_NANOS;

    /** Other caps for a batch; for tests, whose threads on a loaded machine may take longer than a batch may last. */
    void batchCaps(int units, long nanos) {
        if (writer == null) {
            throw new IllegalStateException("batches are the embedded database's");
        }
        lockWriter();
        try {
            batchUnits = units;
            batchNanos = nanos;
        } finally {
            unlockWriter();
        }
    }

    /** Threads waiting at the embedded database's writer lock itself, past the gate; for tests. */
    int queuedAtLock() {
        return writer == null ? 0 : writer.getQueueLength();
    }

    /** Threads waiting for the embedded database's writer lock, at the gate or at the lock; for tests. */
    int queuedWriters() {
        return writer == null ? 0 : writer.getQueueLength() + gate.getQueueLength();
    }

    /**
     * The embedded database's open transaction: the units of work in it, and their outcome once it is committed and
     * durable or has failed. {@link #units}, {@link #ticket} and {@link #failure} are used under the writer lock (and
     * by the thread that committed, after it); the outcome is published under the batch's own monitor.
     */
    private final class Batch {
        final long began = System.nanoTime();
        int units;
        long ticket;
        Throwable failure;
        private boolean done;
        private Throwable outcome;

        synchronized void complete(Throwable cause) {
            if (!done) {
                outcome = cause;
                done = true;
                notifyAll();
            }
        }

        /**
         * Returns once the batch is committed and durable, or throws why not. Waits at most
         * {@link #WRITER_WAIT_MILLIS}, like a writer for the lock: past that the caller gets a 503 although its
         * writes may still be committed later, as when the WAL's sync times out ({@link WalSync#awaitDurable}).
         */
        void await() {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITER_WAIT_MILLIS);
            Throwable cause;
            while (true) {
                synchronized (this) {
                    if (!done) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new StorageException(
                                    "database busy: no commit within " + WRITER_WAIT_MILLIS + " ms", null);
                        }
                        try {
                            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, RESCUE_NANOS));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new StorageException("interrupted while waiting for the commit", e);
                        }
                    }
                    if (done) {
                        cause = outcome;
                        break;
                    }
                }
                // Outside the monitor: the lock's holder may be completing this batch.
                rescue();
            }
            if (cause instanceof StorageException e) {
                throw new StorageException(e.getMessage(), e);
            }
            if (cause != null) {
                throw new StorageException("database error", cause);
            }
        }
    }

    /** How often a unit waiting for its batch's commit checks that a writer is still there to make it. */
    private static final long RESCUE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * The connection writers use, with the writer lock held: on the embedded database the one kept for them, on
     * PostgreSQL one from the pool. Give it back with {@link #releaseWriteConnection}.
     */
    private Connection writeConnection() throws SQLException {
        if (writer == null) {
            return dataSource.getConnection();
        }
        if (writerConnection == null || writerConnection.isClosed()) {
            // A batch open on a connection that closed was rolled back with it.
            failBatch(new SQLException("the writer connection closed with a transaction open"));
            Connection c = dataSource.getConnection();
            try {
                sqlite(c, WRITER_TEMP_STORE);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            writerConnection = c;
        }
        return writerConnection;
    }

    /**
     * On the writer connection only, which goes back to the pool only when the storage closes (else it is evicted):
     * a unit of work that joins an open batch runs in a savepoint, and SQLite keeps the originals of the pages it
     * changes in a statement journal that spills into a temporary file past 64 kB. Under load more than half the
     * batches made, wrote and deleted one, under the writer lock, with database pages in it, in {@code /var/tmp}; in
     * memory there is no file (docs/benchmarks.md#checkpoints-cut). The readers keep SQLite's default, so that a large
     * sort (a report over millions of audit events) spills to disk rather than into the process's memory; a unit of
     * work's journal is bounded by the pages it changes.
     */
    static final String WRITER_TEMP_STORE = "PRAGMA temp_store = MEMORY";

    /**
     * Returns a PostgreSQL connection to the pool. The embedded database's writer connection stays out for the next
     * writer, or was evicted already ({@link #dropWriterConnection}).
     */
    private void releaseWriteConnection(Connection c) {
        if (c == null || writer != null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // the pool discards it
        }
    }

    /**
     * After a failure the writer connection may be in any state, even inside a transaction: it is closed for good
     * (SQLite then rolls back whatever is open) and the next writer borrows a fresh one.
     */
    private void dropWriterConnection() {
        if (writer == null || writerConnection == null) {
            return;
        }
        Connection dropped = writerConnection;
        writerConnection = null;
        if (dataSource instanceof HikariDataSource pool) {
            pool.evictConnection(dropped);
        } else {
            try {
                dropped.close();
            } catch (SQLException e) {
                // nothing more to do with it
            }
        }
    }

    /** Commits what is open and gives the writer connection back to the pool (when the storage closes). */
    void close() {
        if (writer == null) {
            return;
        }
        lockWriter();
        Batch open = null;
        try {
            if (batch != null) {
                open = commitBatch();
            }
            if (writerConnection != null) {
                writerConnection.close();
            }
        } catch (SQLException e) {
            // the pool is closing anyway
        } finally {
            writerConnection = null;
            unlockWriter();
        }
        if (open != null) {
            settle(open);
        }
    }

    /** Runs {@code work} in one transaction (the thread's unit of work if it is in one); rolls back on failure. */
    <T> T inTransaction(Work<T> work) {
        return unitOfWork(() -> joined(current.get(), work));
    }

    /**
     * Runs a single writing statement with auto-commit, and returns once it is durable; inside a unit of work it
     * joins that one's transaction instead.
     */
    <T> T write(Work<T> work) {
        if (writer == null || current.get() != null) {
            return withConnection(work);
        }
        // A unit of work of one statement, so that it can share a commit with the units around it.
        return grouped(() -> joined(current.get(), work));
    }

    /** Runs reads, or a single statement that writes nothing, with auto-commit. */
    <T> T withConnection(Work<T> work) {
        Connection joined = current.get();
        if (joined != null) {
            return joined(joined, work);
        }
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StorageException("database error", e);
        }
    }

    /**
     * A write whose answer nobody reads (an {@code INSERT} of a new row), done as {@link #write} does it, except
     * inside a unit of work on PostgreSQL: there it is held back and sent with the unit's {@code COMMIT}, as one
     * statement {@code "...; COMMIT"}, so that the two take one round trip instead of two (docs/benchmarks.md,
     * "PostgreSQL + Redis, the application node cut"). Whatever the unit runs next on the database sends it first,
     * so the unit's statements still run in the order they were made and each one sees the ones before it. A failure
     * of the held write fails the statement that sent it (the commit, or the next one) and the unit rolls back
     * whole, as if it had failed where it was made; only the exception comes later. A unit holds one such write:
     * a second sends the first.
     */
    void writeAtCommit(String sql, Object... params) {
        Connection c = current.get();
        if (writer != null || c == null) {
            write(conn -> update(conn, sql, params));
            return;
        }
        try {
            sendDeferred(c);
        } catch (SQLException e) {
            throw new StorageException("database error", e);
        }
        deferred.set(new Deferred(sql, params));
    }

    /** The write {@link #writeAtCommit} held back. */
    private record Deferred(String sql, Object[] params) {}

    /** Sends the unit's held-back write, if any, on its own (the unit is about to run another statement). */
    private void sendDeferred(Connection c) throws SQLException {
        Deferred d = deferred.get();
        if (d != null) {
            deferred.remove();
            update(c, d.sql(), d.params());
        }
    }

    /**
     * PostgreSQL: commits the unit, with its held-back write in the same round trip. pgjdbc sends the two statements
     * of {@code "...; COMMIT"} in one message and returns once the {@code COMMIT} has answered (after PostgreSQL's
     * WAL flush); its transaction is then over, and {@code commit()} finds nothing left to send.
     */
    private void commitWithDeferred(Connection c) throws SQLException {
        Deferred d = deferred.get();
        if (d != null) {
            deferred.remove();
            update(c, d.sql() + "; COMMIT", d.params());
        }
        commit(c);
    }

    private <T> T joined(Connection c, Work<T> work) {
        try {
            if (writer == null) {
                sendDeferred(c);
            }
            return work.run(c);
        } catch (SQLException e) {
            throw new StorageException("database error", e);
        }
    }

    private void lockWriter() {
        if (writer == null) {
            return;
        }
        boolean admitted = false;
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITER_WAIT_MILLIS);
            admitted = gate.tryAcquire(WRITER_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            if (!admitted || !writer.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                if (admitted) {
                    gate.release();
                }
                // A batch may have been left open for this thread: if nobody else will come for it, commit it.
                rescue();
                throw new StorageException("database busy: no write slot within " + WRITER_WAIT_MILLIS + " ms", null);
            }
        } catch (InterruptedException e) {
            if (admitted) {
                gate.release();
            }
            rescue();
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting to write", e);
        }
    }

    /** Releases what {@link #lockWriter} took: the writer lock, then the permit at the gate. */
    private void unlockWriter() {
        writer.unlock();
        gate.release();
    }

    /**
     * Whether another writer will take the lock: one waits at the gate, or holds a permit (parked at the lock, or on
     * its way there from the gate).
     *
     * @param holding whether the calling thread holds the lock and its permit
     */
    private boolean writersWaiting(boolean holding) {
        int othersAdmitted = GATE_PERMITS - gate.availablePermits() - (holding ? 1 : 0);
        return othersAdmitted > 0 || gate.hasQueuedThreads();
    }

    /** A ticket for the commit that just returned (0 when nothing needs waiting for). */
    private long committed() {
        return durability == null ? 0 : durability.committed();
    }

    private void awaitDurable(long ticket) {
        if (durability != null && ticket > 0) {
            durability.awaitDurable(ticket);
        }
    }

    /** The embedded database's group commit, or null; for tests. */
    WalSync durability() {
        return durability;
    }

    /** Statements of the embedded database, compiled once per connection (see {@link StatementCache}). */
    static final StatementCache STATEMENTS = new StatementCache();

    static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = STATEMENTS.prepare(c, sql);
        try {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            try {
                ps.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    /**
     * Commits the unit of work and leaves the connection in auto-commit mode. On the embedded database this is one
     * statement: sqlite-jdbc's {@code commit()} begins the next transaction at once ({@code BEGIN IMMEDIATE}, which
     * takes SQLite's writer lock again) and switching auto-commit back on then commits that empty one, so a unit of
     * work ran four transaction statements where two do (JDBC: turning auto-commit on commits). If that commit
     * fails, sqlite-jdbc already counts the connection as auto-commit, so its own {@code rollback()} would refuse
     * to run: the transaction is rolled back with a statement instead, and the connection never goes back to the
     * pool holding the writer lock. PostgreSQL commits as usual.
     */
    private void commit(Connection c) throws SQLException {
        if (dialect != SqlDialect.SQLITE) {
            c.commit();
            return;
        }
        try {
            c.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            try (Statement st = c.createStatement()) {
                st.execute("ROLLBACK");
            } catch (SQLException suppressed) {
                // No transaction left to roll back (SQLite ended it itself): nothing holds the lock.
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Rolls back what is left of the transaction; false when that failed and the connection's state is unknown. */
    private static boolean rollbackQuietly(Connection c, Throwable original) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            return true;
        } catch (SQLException e) {
            original.addSuppressed(e);
            return false;
        }
    }
}
