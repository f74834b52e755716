package org.phonepass.store.sql;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Small JDBC helpers: one place for transactions and parameter binding.
 *
 * <p><b>Writers on the embedded database</b> queue on a fair lock of this node before they take a connection. SQLite
 * has one writer lock per file, and a connection that finds it taken waits in SQLite's busy handler, which sleeps
 * 1, 2, 5, 10 ... up to 100 ms between tries and cannot be woken when the lock is released: under load that
 * turned a 0.2 ms commit into waits of hundreds of milliseconds. Queued on a Java lock, the next writer starts the
 * moment the previous one commits, in arrival order. {@code busy_timeout} still guards against other processes
 * (the {@code rotate-keys} command) writing the same file. Readers are not serialised: WAL lets them run beside
 * the writer. PostgreSQL has row locks and gets no such lock.
 *
 * <p><b>One connection for the writers.</b> On the embedded database every write runs on one connection of its own,
 * borrowed from the pool once and used only under the writer lock. SQLite drops a connection's whole page cache
 * when it begins a transaction and finds that another connection wrote since its last one; with the pool's
 * connections taking turns, nearly every unit of work began with an empty cache and read its pages again (a
 * {@code pread} and a page parse each, six per verify). The one writer finds its own pages still valid. Readers
 * outside a unit of work still use the pool.
 *
 * <p><b>Durability on the embedded database</b> comes after the writer lock: a commit that must be on disk before
 * its caller answers waits for {@link WalSync} once the lock is released, so the next writer runs during the sync
 * (group commit). PostgreSQL waits for its own WAL flush inside {@code commit()}.
 */
final class Jdbc {
    /** As long as SQLite's {@code busy_timeout}: past it, the request gets a 503 rather than waiting on. */
    static final long WRITER_WAIT_MILLIS = 10_000;

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final ReentrantLock writer;
    /** Null unless commits on the embedded database must reach the disk before their callers go on. */
    private final WalSync durability;
    /** The connection of the unit of work this thread is in, if any: every call on the thread joins it. */
    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    /** The embedded database's writer connection, borrowed on first use; touched only under {@link #writer}. */
    private Connection writerConnection;

    /** @param durability the embedded database's group commit, or null (PostgreSQL, or no sync per commit) */
    Jdbc(DataSource dataSource, SqlDialect dialect, WalSync durability) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource cannot be null");
        this.dialect = Objects.requireNonNull(dialect, "dialect cannot be null");
        this.writer = dialect == SqlDialect.SQLITE ? new ReentrantLock(true) : null;
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
     * together; on the embedded database it holds the writer lock throughout. Nested calls join the outer one.
     * Returns once the commit is durable.
     */
    <T> T unitOfWork(Supplier<T> work) {
        if (current.get() != null) {
            return work.get();
        }
        T result;
        long ticket;
        lockWriter();
        Connection c = null;
        try {
            c = writeConnection();
            c.setAutoCommit(false);
            current.set(c);
            try {
                result = work.get();
                commit(c);
                ticket = committed();
            } catch (SQLException | RuntimeException | Error e) {
                if (!rollbackQuietly(c, e)) {
                    dropWriterConnection();
                }
                throw e;
            } finally {
                current.remove();
                // Not on a writer connection dropped above: it is closed.
                if (writer == null || c == writerConnection) {
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            dropWriterConnection();
            throw new StorageException("database error", e);
        } finally {
            releaseWriteConnection(c);
            unlockWriter();
        }
        awaitDurable(ticket);
        return result;
    }

    /**
     * The connection writers use, with the writer lock held: on the embedded database the one kept for them, on
     * PostgreSQL one from the pool. Give it back with {@link #releaseWriteConnection}.
     */
    private Connection writeConnection() throws SQLException {
        if (writer == null) {
            return dataSource.getConnection();
        }
        if (writerConnection == null || writerConnection.isClosed()) {
            writerConnection = dataSource.getConnection();
        }
        return writerConnection;
    }

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

    /** Gives the writer connection back to the pool (when the storage closes). */
    void close() {
        if (writer == null) {
            return;
        }
        lockWriter();
        try {
            if (writerConnection != null) {
                writerConnection.close();
            }
        } catch (SQLException e) {
            // the pool is closing anyway
        } finally {
            writerConnection = null;
            unlockWriter();
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
        boolean joined = current.get() != null;
        T result;
        long ticket;
        lockWriter();
        try {
            if (joined || writer == null) {
                result = withConnection(work);
            } else {
                try {
                    result = work.run(writeConnection());
                } catch (SQLException e) {
                    dropWriterConnection();
                    throw new StorageException("database error", e);
                }
            }
            ticket = joined ? 0 : committed();
        } finally {
            unlockWriter();
        }
        awaitDurable(ticket);
        return result;
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

    private static <T> T joined(Connection c, Work<T> work) {
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new StorageException("database error", e);
        }
    }

    private void lockWriter() {
        if (writer == null) {
            return;
        }
        try {
            if (!writer.tryLock(WRITER_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new StorageException("database busy: no write slot within " + WRITER_WAIT_MILLIS + " ms", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting to write", e);
        }
    }

    private void unlockWriter() {
        if (writer != null) {
            writer.unlock();
        }
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
