package org.phonepass.store.sql;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Small JDBC helpers: one place for transactions and parameter binding.
 *
 * <p><b>One writer thread on the embedded database.</b> SQLite has one writer lock per file, so every unit of work
 * of a node runs one after another however many requests are in flight. They all run on one thread of their own,
 * the writer ({@link Writer}): a caller queues its unit of work and waits for its outcome, and the writer takes
 * the queued units in arrival order, runs each, and goes straight on to the next. Earlier each unit ran on its
 * caller's thread under a Java lock, with a fair gate in front of it: every verify then parked at the gate or the
 * lock and was woken to take it, and between one holder's release and the next holder running the lock stood free
 * while the scheduler switched threads, on two busy cores for up to milliseconds, while everything else waited
 * (docs/benchmarks.md#writer-thread, which also has the measurements of the lock, the unfair lock and the gate that
 * came before). A caller now parks once, for its answer; the writer runs as long as units are queued, and arrival
 * order is exact. {@link #WRITER_WAIT_MILLIS} still bounds every wait: a unit still queued when its caller gives up
 * is never run. {@code busy_timeout} still guards against other processes (the {@code rotate-keys} command) writing
 * the same file. Readers are not serialised: WAL lets them run beside the writer, on the pool's connections.
 * PostgreSQL has row locks, and its units of work run on their callers' threads, each its own transaction.
 *
 * <p>What a unit's code keeps per thread goes with it: the writer runs it with its caller's log context (the
 * request id), and the unit's database calls join its transaction because the writer's thread is in it. A unit's
 * code must not wait for something its caller holds (a lock taken around the call): the caller is parked until the
 * unit is done. No unit of work in the product does; they only read and write the database.
 *
 * <p><b>One connection for the writer.</b> Every write runs on one connection of its own, borrowed from the pool
 * once. SQLite drops a connection's whole page cache when it begins a transaction and finds that another connection
 * wrote since its last one; with the pool's connections taking turns, nearly every unit of work began with an empty
 * cache and read its pages again (a {@code pread} and a page parse each, six per verify). The one writer finds its
 * own pages still valid. Readers outside a unit of work still use the pool.
 *
 * <p><b>One commit for the units of work that queue.</b> When the writer finishes a unit and more are queued, it
 * leaves the transaction open and runs the next one inside it; it commits once the queue is empty or the batch has
 * {@link #BATCH_UNITS} units or is {@link #BATCH_NANOS} old. Under load a {@code COMMIT}, with its WAL frames, locks
 * and WAL-index update, then serves several units, and pages they share are written to the WAL once. Each unit after
 * the first runs inside a {@code SAVEPOINT}, so if it throws it is rolled back alone and its caller gets its
 * exception, while the units before it stay. No caller gets its answer before the commit that holds its writes is
 * durable, and a commit that fails fails every unit of its batch.
 *
 * <p><b>Work nobody waits for</b> (the audit log's queued events) joins each batch just before its commit, through a
 * {@link Rider}: it shares the commit and the WAL sync of the units that are running anyway, in a savepoint of its
 * own, instead of being handed to the writer by a thread of its own as units of its own.
 *
 * <p><b>Durability on the embedded database</b> comes after the commit, on a second thread: the writer hands each
 * committed batch to the sync thread and goes on with the next units, while that thread syncs the WAL once for every
 * batch committed by then ({@link WalSync}) and only then gives their callers their answers (group commit).
 * PostgreSQL waits for its own WAL flush inside {@code commit()}.
 */
final class Jdbc {
    /** As long as SQLite's {@code busy_timeout}: past it, the request gets a 503 rather than waiting on. */
    static final long WRITER_WAIT_MILLIS = 10_000;

    private final DataSource dataSource;
    private final SqlDialect dialect;
    /** The embedded database's writer thread; null on PostgreSQL. */
    private final Writer writer;
    /** Null unless commits on the embedded database must reach the disk before their callers go on. */
    private final WalSync durability;
    /** The connection of the unit of work this thread is in, if any: every call on the thread joins it. */
    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    /**
     * PostgreSQL: the write of the thread's unit of work held back for its commit ({@link #writeAtCommit}), or
     * null.
     */
    private final ThreadLocal<Deferred> deferred = new ThreadLocal<>();
    /** The embedded database's writer connection, borrowed on first use; touched only by the writer thread. */
    private Connection writerConnection;

    /** @param durability the embedded database's group commit, or null (PostgreSQL, or no sync per commit) */
    Jdbc(DataSource dataSource, SqlDialect dialect, WalSync durability) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource cannot be null");
        this.dialect = Objects.requireNonNull(dialect, "dialect cannot be null");
        if (durability != null && dialect != SqlDialect.SQLITE) {
            throw new IllegalArgumentException("a WAL sync is for the embedded database only");
        }
        this.durability = durability;
        this.writer = dialect == SqlDialect.SQLITE ? new Writer() : null;
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
     * together; on the embedded database it runs on the writer thread (and may share its commit with the units of
     * work around it: {@link Writer}). Nested calls join the outer one. Returns once the commit is durable.
     */
    <T> T unitOfWork(Supplier<T> work) {
        if (current.get() != null) {
            return work.get();
        }
        return writer == null ? ownTransaction(work) : writer.submit(work);
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

    /** Units at most in one embedded transaction, so the first of them does not wait long for the commit. */
    static final int BATCH_UNITS = 32;

    /** A batch takes no more units once it has been open this long (a verify's unit takes about 0.2 ms). */
    static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

    /** Other caps for a batch; for tests, whose threads on a loaded machine may take longer than a batch may last. */
    void batchCaps(int units, long nanos) {
        if (writer == null) {
            throw new IllegalStateException("batches are the embedded database's");
        }
        writer.batchUnits = units;
        writer.batchNanos = nanos;
    }

    /**
     * Work the embedded database's writer adds to a batch just before committing it: writes that nobody waits for
     * (the audit log's queued events) share the commits of the units that run anyway, instead of a thread of their
     * own handing them to the writer as units of their own (docs/benchmarks.md#audit-with-commits).
     */
    interface Rider {
        /** On the writer thread, before each commit: the work to add to the batch, or null when there is none. */
        Ridden next();
    }

    /**
     * Work for one batch: {@code work} runs in the batch's transaction (in a savepoint of its own, so its failure
     * undoes it alone); {@code done} gets its result once the commit is durable, or why it was not kept.
     */
    record Ridden(Supplier<?> work, BiConsumer<Object, Throwable> done) {}

    /** Adds a {@link Rider} to the embedded database's batches; false on PostgreSQL, which has no writer thread. */
    boolean ride(Rider rider) {
        if (writer == null) {
            return false;
        }
        writer.riders.add(Objects.requireNonNull(rider, "rider cannot be null"));
        return true;
    }

    /** Removes a {@link Rider}: the batches that begin from now on no longer ask it. */
    void stopRiding(Rider rider) {
        if (writer != null) {
            writer.riders.remove(rider);
        }
    }

    /** Units of work queued for the embedded database's writer and not yet taken; for tests. */
    int queuedWriters() {
        return writer == null ? 0 : writer.queue.size();
    }

    /**
     * The embedded database's writer (see "One writer thread" above): a queue of units of work, the thread that runs
     * them and commits them in batches, and the thread that makes the commits durable and answers their callers.
     *
     * <p>Written by hand rather than with an {@code ExecutorService}: the thread's loop decides, between two units,
     * whether to commit or go on (the queue's state), which an executor's tasks cannot see, and a caller that gives up
     * takes its unit back out of the queue.
     */
    private final class Writer {
        /** Queued by {@link Jdbc#close}: the writer commits what is open, fails what is queued after it, and stops. */
        private final Unit<Void> stop = new Unit<>(() -> null, null);
        /** Queued for the sync thread by the writer's stop: the last it takes. */
        private final Batch lastBatch = new Batch();

        final LinkedBlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
        /** Committed batches waiting for the WAL's sync; null when commits need no sync. */
        private final LinkedBlockingQueue<Batch> committed;

        private final Thread thread;
        private final Thread syncThread;
        private volatile boolean closed;
        volatile int batchUnits = BATCH_UNITS;
        volatile long batchNanos = BATCH_NANOS;
        /** The open transaction and the units in it; touched by the writer thread only. */
        private Batch batch;

        final List<Rider> riders = new CopyOnWriteArrayList<>();

        Writer() {
            committed = durability == null ? null : new LinkedBlockingQueue<>();
            thread = daemon("phonepass-db-writer", this::run);
            syncThread = durability == null ? null : daemon("phonepass-db-sync", this::syncLoop);
        }

        private static Thread daemon(String name, Runnable loop) {
            Thread t = new Thread(loop, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** Queues {@code work}, waits for its outcome, and returns once its commit is durable. */
        <T> T submit(Supplier<T> work) {
            if (Thread.currentThread() == thread) {
                // The writer's own thread outside a unit (never in the product): it cannot wait for itself.
                throw new IllegalStateException("a unit of work queued by the writer thread itself");
            }
            Unit<T> unit = new Unit<>(work, MDC.getCopyOfContextMap());
            if (closed) {
                throw new StorageException("the database is closed", null);
            }
            queue.add(unit);
            if (closed && unit.withdraw()) {
                // Queued after the writer stopped taking units.
                throw new StorageException("the database is closed", null);
            }
            return unit.await();
        }

        private void run() {
            while (true) {
                Unit<?> unit;
                try {
                    unit = batch == null ? queue.take() : queue.poll();
                } catch (InterruptedException e) {
                    // Nothing interrupts this thread on purpose; close() queues the stop instead.
                    continue;
                }
                try {
                    if (unit == null) {
                        commit();
                    } else if (unit == stop) {
                        stop();
                        return;
                    } else if (unit.take()) {
                        runUnit(unit);
                        Batch open = batch;
                        if (open != null
                                && (open.units.size() >= batchUnits || System.nanoTime() - open.began >= batchNanos)) {
                            commit();
                        }
                    }
                } catch (RuntimeException | Error e) {
                    // Outside any unit's code (which runUnit catches): the transaction's state is unknown.
                    failBatch(e);
                    if (unit != null && unit != stop) {
                        unit.fail(e);
                    }
                }
            }
        }

        /** Runs one unit of work in the open batch, or begins one; its caller is answered when the batch ends. */
        private <T> void runUnit(Unit<T> unit) {
            if (unit.logContext != null) {
                MDC.setContextMap(unit.logContext);
            }
            try {
                Connection c;
                boolean first;
                try {
                    c = writeConnection();
                    first = batch == null;
                    if (first) {
                        c.setAutoCommit(false);
                        batch = new Batch();
                    } else {
                        sqlite(c, "SAVEPOINT unit");
                    }
                } catch (SQLException e) {
                    failBatch(e);
                    unit.fail(e);
                    return;
                }
                T result;
                current.set(c);
                try {
                    result = unit.work.get();
                } catch (RuntimeException | Error e) {
                    current.remove();
                    undo(c, first, e);
                    unit.failWithOwn(e);
                    return;
                } finally {
                    current.remove();
                }
                if (!first) {
                    try {
                        sqlite(c, "RELEASE unit");
                    } catch (SQLException e) {
                        failBatch(e);
                        unit.fail(e);
                        return;
                    }
                }
                unit.result = result;
                batch.units.add(unit);
            } finally {
                if (unit.logContext != null) {
                    MDC.clear();
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

        /** Commits the open batch and hands it to the sync thread (or answers its callers when no sync is needed). */
        private void commit() {
            Batch b = batch;
            if (b == null) {
                return;
            }
            for (Rider r : riders) {
                addRider(r);
            }
            b = batch;
            if (b == null) {
                // The rider's work left the transaction in an unknown state, and the batch has failed.
                return;
            }
            batch = null;
            try {
                Jdbc.this.commit(writerConnection);
            } catch (SQLException | RuntimeException e) {
                dropWriterConnection();
                b.fail(e);
                return;
            }
            if (committed == null) {
                b.succeed();
            } else {
                b.ticket = durability.committed();
                committed.add(b);
            }
        }

        /** Runs the rider's work, if it has any, in the open batch as a unit of its own. */
        private void addRider(Rider r) {
            if (batch == null) {
                return;
            }
            Ridden ridden;
            try {
                ridden = r.next();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(Jdbc.class).warn("work added to a commit failed: {}", e.toString());
                return;
            }
            if (ridden == null) {
                return;
            }
            Unit<Object> unit = new Unit<>(ridden.work()::get, null);
            unit.take();
            unit.whenDone(ridden.done());
            runUnit(unit);
        }

        /**
         * After a failure that leaves the transaction in an unknown state: the connection is dropped (closing it
         * rolls back whatever is open) and every unit of the open batch fails.
         */
        void failBatch(Throwable cause) {
            Batch b = batch;
            batch = null;
            dropWriterConnection();
            if (b != null) {
                b.fail(cause);
            }
        }

        /** The sync thread: one WAL sync for every batch committed by the time it begins, then their answers. */
        private void syncLoop() {
            List<Batch> ready = new ArrayList<>();
            while (true) {
                try {
                    ready.add(committed.take());
                } catch (InterruptedException e) {
                    continue;
                }
                committed.drainTo(ready);
                long upTo = 0;
                boolean last = false;
                for (Batch b : ready) {
                    upTo = Math.max(upTo, b.ticket);
                    last |= b == lastBatch;
                }
                Throwable failure = null;
                if (upTo > 0) {
                    try {
                        durability.awaitDurable(upTo);
                    } catch (RuntimeException | Error e) {
                        // Every caller of these batches gets the failure; the thread goes on with the next ones.
                        failure = e;
                    }
                }
                for (Batch b : ready) {
                    if (failure == null) {
                        b.succeed();
                    } else {
                        b.fail(failure);
                    }
                }
                ready.clear();
                if (last) {
                    return;
                }
            }
        }

        /** On the writer thread: commits what is open, fails what was queued after the stop, and closes. */
        private void stop() {
            commit();
            for (Unit<?> u; (u = queue.poll()) != null; ) {
                if (u.take()) {
                    u.fail(new StorageException("the database is closed", null));
                }
            }
            try {
                if (writerConnection != null) {
                    writerConnection.close();
                }
            } catch (SQLException e) {
                // the pool is closing anyway
            } finally {
                writerConnection = null;
            }
            if (committed != null) {
                committed.add(lastBatch);
            }
        }

        /** Stops the writer once what was queued before has run, and waits for the last commit to be durable. */
        void close() {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(stop);
            join(thread);
            if (syncThread != null) {
                join(syncThread);
            }
        }

        private static void join(Thread t) {
            try {
                t.join(WRITER_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A caller's unit of work, queued for the writer; its outcome is published through {@link #outcome}. */
    private static final class Unit<T> {
        private static final int QUEUED = 0;
        private static final int TAKEN = 1;
        private static final int WITHDRAWN = 2;

        final Supplier<T> work;
        final Map<String, String> logContext;
        private final AtomicInteger state = new AtomicInteger(QUEUED);
        private final CompletableFuture<T> outcome = new CompletableFuture<>();
        /** What the unit returned, kept until its batch is durable; written and read by the writer's threads. */
        T result;
        /** Whether {@link #outcome} failed with the unit's own exception, which its caller gets as it is. */
        private volatile boolean own;

        Unit(Supplier<T> work, Map<String, String> logContext) {
            this.work = work;
            this.logContext = logContext;
        }

        /** The writer takes the unit: false if its caller took it back first. */
        boolean take() {
            return state.compareAndSet(QUEUED, TAKEN);
        }

        /** The caller takes its unit back: false if the writer took it first. */
        boolean withdraw() {
            return state.compareAndSet(QUEUED, WITHDRAWN);
        }

        void succeed() {
            outcome.complete(result);
        }

        /** Calls {@code done} with the unit's outcome once it has one, on the thread that gives it. */
        void whenDone(BiConsumer<? super T, ? super Throwable> done) {
            outcome.whenComplete(done);
        }

        void failWithOwn(Throwable e) {
            own = true;
            outcome.completeExceptionally(e);
        }

        void fail(Throwable cause) {
            outcome.completeExceptionally(cause);
        }

        /**
         * Returns once the unit's batch is committed and durable, or throws why not: the unit's own exception as it
         * is, a failure of its batch as a {@link StorageException}. Waits at most {@link #WRITER_WAIT_MILLIS}: past
         * that the caller gets a 503; a unit still queued then is never run, one already taken may still commit later,
         * as when the WAL's sync times out ({@link WalSync#awaitDurable}).
         */
        T await() {
            try {
                return outcome.get(WRITER_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (own) {
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                }
                if (cause instanceof StorageException s) {
                    throw new StorageException(s.getMessage(), s);
                }
                throw new StorageException("database error", cause);
            } catch (TimeoutException e) {
                if (withdraw()) {
                    throw new StorageException(
                            "database busy: no write slot within " + WRITER_WAIT_MILLIS + " ms", null);
                }
                throw new StorageException("database busy: no commit within " + WRITER_WAIT_MILLIS + " ms", null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException(
                        withdraw() ? "interrupted while waiting to write" : "interrupted while waiting for the commit",
                        e);
            }
        }
    }

    /** The embedded database's open transaction, and then a committed one waiting for its sync. */
    private static final class Batch {
        final long began = System.nanoTime();
        final List<Unit<?>> units = new ArrayList<>();
        /** The commit's ticket for {@link WalSync}. */
        long ticket;

        void succeed() {
            for (Unit<?> u : units) {
                u.succeed();
            }
        }

        void fail(Throwable cause) {
            for (Unit<?> u : units) {
                u.fail(cause);
            }
        }
    }

    private static void sqlite(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = STATEMENTS.prepare(c, sql)) {
            ps.execute();
        }
    }

    /**
     * The connection writers use: on the embedded database the one kept for the writer thread, on PostgreSQL one
     * from the pool. Give it back with {@link #releaseWriteConnection}.
     */
    private Connection writeConnection() throws SQLException {
        if (writer == null) {
            return dataSource.getConnection();
        }
        if (writerConnection == null || writerConnection.isClosed()) {
            // A batch open on a connection that closed was rolled back with it.
            writer.failBatch(new SQLException("the writer connection closed with a transaction open"));
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

    /**
     * Stops the embedded database's writer once the units of work queued before have run: commits what is open,
     * waits for it to be durable, and gives the writer connection back to the pool (when the storage closes).
     */
    void close() {
        if (writer != null) {
            writer.close();
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
        return writer.submit(() -> joined(current.get(), work));
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
