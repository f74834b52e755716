package org.phonepass.store.sql;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sqlite.SQLiteConnection;

/**
 * Keeps the embedded database's prepared statements per physical connection, so that a statement is compiled once
 * per connection rather than once per use.
 *
 * <p>Written here because nothing below does it: sqlite-jdbc compiles every {@code prepareStatement} afresh, and
 * HikariCP leaves statement caching to the driver by design (PostgreSQL's driver caches by itself, so its
 * connections pass through untouched). Compiling was about 5 % of the server's CPU per verify in a profile
 * (docs/benchmarks.md).
 *
 * <p>A caller gets a handle and closes it as usual; closing returns the statement to the cache with its parameters
 * cleared. The statement is prepared on the physical connection, outside the pool's bookkeeping, and used only while
 * its connection is borrowed, so by one thread at a time. The same SQL asked for again while its statement is out
 * (a query run inside another's result loop) gets a statement of its own, closed for good after use. A statement
 * that threw is closed for good too, since its state is then unknown. Entries of connections the pool has closed are
 * dropped when a new connection is first seen.
 */
final class StatementCache {
    /** Distinct statements kept per connection; the stores use a few dozen. Beyond it, statements are not kept. */
    static final int MAX_PER_CONNECTION = 128;

    private final Map<Connection, Map<String, Entry>> byConnection = new ConcurrentHashMap<>();

    /** A prepared statement for {@code sql} on {@code c}: from the cache on the embedded database. */
    PreparedStatement prepare(Connection c, String sql) throws SQLException {
        Map<String, Entry> cache = cacheOf(c);
        if (cache == null) {
            return c.prepareStatement(sql);
        }
        Entry e = cache.get(sql);
        if (e == null || e.statement.isClosed()) {
            if (cache.size() >= MAX_PER_CONNECTION && e == null) {
                return c.prepareStatement(sql);
            }
            e = new Entry(sql, c.unwrap(SQLiteConnection.class).prepareStatement(sql));
            cache.put(sql, e);
        } else if (e.out) {
            return c.prepareStatement(sql);
        }
        e.out = true;
        return (PreparedStatement) Proxy.newProxyInstance(
                StatementCache.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, new Handle(cache, e));
    }

    /** Connections seen so far and not yet closed (for tests). */
    int connections() {
        return byConnection.size();
    }

    private Map<String, Entry> cacheOf(Connection c) throws SQLException {
        if (!c.isWrapperFor(SQLiteConnection.class)) {
            return null;
        }
        Connection raw = c.unwrap(SQLiteConnection.class);
        Map<String, Entry> cache = byConnection.get(raw);
        if (cache == null) {
            // A new physical connection: forget those the pool has closed since (their statements went with them).
            byConnection.keySet().removeIf(StatementCache::closed);
            cache = new HashMap<>();
            byConnection.put(raw, cache);
        }
        return cache;
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private static final class Entry {
        final String sql;
        final PreparedStatement statement;
        /** Handed out and not yet closed by its caller. Only the thread that borrowed the connection touches it. */
        boolean out;

        Entry(String sql, PreparedStatement statement) {
            this.sql = sql;
            this.statement = statement;
        }
    }

    /** What the caller holds: the cached statement until {@code close()}, then nothing. */
    private static final class Handle implements InvocationHandler {
        private final Map<String, Entry> cache;
        private final Entry entry;
        private boolean closed;
        private boolean failed;

        Handle(Map<String, Entry> cache, Entry entry) {
            this.cache = cache;
            this.entry = entry;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    release();
                    return null;
                case "isClosed":
                    return closed;
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "cached " + entry.statement;
                default:
                    break;
            }
            if (closed) {
                throw new SQLException("statement is closed");
            }
            try {
                return method.invoke(entry.statement, args);
            } catch (InvocationTargetException e) {
                failed = true;
                throw e.getCause();
            }
        }

        private void release() throws SQLException {
            if (closed) {
                return;
            }
            closed = true;
            entry.out = false;
            if (!failed) {
                try {
                    entry.statement.clearParameters();
                    return;
                } catch (SQLException e) {
                    // fall through: a statement that cannot be cleared is not reused
                }
            }
            cache.remove(entry.sql, entry);
            entry.statement.close();
        }
    }
}
