package org.phonepass.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.phonepass.core.authorize.AuthorizationCodeStore;
import org.phonepass.core.authorize.PendingLoginStore;
import org.phonepass.core.login.LoginTicketStore;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.session.SessionStore;
import org.phonepass.core.store.UnitOfWork;
import org.phonepass.core.token.AccessTokenStore;
import org.phonepass.core.token.RefreshTokenStore;
import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.core.user.UserStore;

/**
 * Opens a SQL database, migrates it, and hands out the stores.
 *
 * <p>The embedded database is SQLite in WAL mode. With {@code storage.synchronous: full} (the default) a commit is on
 * disk before the client gets its answer, so a power cut loses nothing that was acknowledged: the connections run
 * with SQLite's {@code synchronous=NORMAL} and {@link WalSync} adds the sync of the WAL that {@code FULL} would make
 * inside each commit, after the commit and once for all the commits made meanwhile (group commit).
 * Write transactions begin
 * {@code IMMEDIATE}, taking the single writer lock up front, so two transactions never deadlock upgrading a read
 * lock; {@code busy_timeout} makes a writer wait for the lock instead of failing.
 */
public final class SqlStorage implements AutoCloseable {
    /**
     * WAL pages after which the committing writer copies the log into the database file (SQLite's default is
     * 1 000). The copy, with its two {@code fsync}s, runs inside the commit, under the embedded store's writer lock,
     * so every writer waits for it: under load, SQLite's own {@code fsync}s ran about 29 times a second at 1 000
     * pages and about 8 at 4 000, for a log of at most about 16 MB (docs/benchmarks.md#checkpoints-cut).
     */
    static final int WAL_AUTOCHECKPOINT_PAGES = 4_000;

    private final HikariDataSource dataSource;
    private final Jdbc jdbc;
    private final WalSync durability;

    private SqlStorage(HikariDataSource dataSource, SqlDialect dialect, WalSync durability) {
        this.dataSource = dataSource;
        this.durability = durability;
        this.jdbc = new Jdbc(dataSource, dialect, durability);
        if (!migrated(dataSource, dialect)
                && !(dialect == SqlDialect.SQLITE && NewEmbeddedDatabase.createIfEmpty(dataSource))) {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(dialect.migrations())
                    .load()
                    .migrate();
        }
    }

    /**
     * Whether Flyway's history already records exactly this build's migrations, all successful: then a restart
     * skips Flyway, whose start (about 400 classes, a scan of the jar for migration files, a validation of each
     * applied one) was a fifth of the embedded database's opening. Anything else (a new database, a migration
     * this build brings, one it does not know, a failed one) goes through Flyway, which migrates or explains; a new,
     * empty embedded database gets its schema and Flyway's history from {@link NewEmbeddedDatabase}.
     */
    static boolean migrated(DataSource dataSource, SqlDialect dialect) {
        List<String> applied = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history "
                        + "WHERE version IS NOT NULL ORDER BY installed_rank")) {
            while (rs.next()) {
                if (!rs.getBoolean(2)) {
                    return false;
                }
                applied.add(rs.getString(1));
            }
        } catch (SQLException e) {
            return false;
        }
        return applied.equals(dialect.migrationVersions());
    }

    /**
     * Does ahead of time the slow part of a first {@link #embedded} call that needs no settings: extracting and
     * loading SQLite's native library. The server calls it on a spare thread
     * while it reads its settings. Harmless to call twice or to skip; a failure is left for {@code embedded} to
     * report.
     */
    public static void prepareEmbedded() {
        try {
            SqliteNativeLibrary.load();
        } catch (Exception | LinkageError e) {
            // embedded() meets the same problem and reports it with the file it was opening.
        }
    }

    /**
     * Opens (creating if needed) the embedded database file.
     *
     * @param synchronousFull every commit on disk before the call that made it returns; otherwise SQLite's
     *                        {@code synchronous=NORMAL} alone (a power cut may lose the last commits)
     */
    public static SqlStorage embedded(Path file, boolean synchronousFull) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("phonepass-embedded");
        config.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Properties props = new Properties();
        props.setProperty("journal_mode", "WAL");
        // NORMAL in both modes: with synchronousFull, WalSync makes the sync FULL would make, outside the lock.
        props.setProperty("synchronous", "NORMAL");
        props.setProperty("busy_timeout", "10000");
        props.setProperty("foreign_keys", "true");
        props.setProperty("transaction_mode", "IMMEDIATE");
        // Nothing here asks for generated keys, but sqlite-jdbc fetches them after every INSERT unless told not to:
        // it matches the SQL against a pattern and compiles and runs "SELECT last_insert_rowid()" afresh, a statement
        // more per INSERT (a tenth of SQLite's CPU per verify, docs/benchmarks.md "SQLite per verify, cut").
        props.setProperty("jdbc.get_generated_keys", "false");
        config.setDataSourceProperties(props);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        // sqlite-jdbc has no property for it; every connection of the pool gets it, and the writer's is the one that
        // checkpoints.
        config.setConnectionInitSql("PRAGMA wal_autocheckpoint=" + WAL_AUTOCHECKPOINT_PAGES);
        WalSync durability = synchronousFull ? WalSync.forDatabase(file) : null;
        SqlStorage storage = new SqlStorage(new HikariDataSource(config), SqlDialect.SQLITE, durability);
        if (durability != null) {
            try {
                // What the migrations wrote, on disk before anything is served.
                durability.awaitDurable(durability.committed());
            } catch (RuntimeException e) {
                storage.close();
                throw e;
            }
        }
        return storage;
    }

    /**
     * Connects to PostgreSQL and migrates it. Several nodes may start at once: Flyway takes a PostgreSQL advisory
     * lock around the migration, so exactly one of them applies it and the others wait.
     *
     * <p>Failures must reach the client as a quick 503, not a hang: a request waits at most 5 s for a pooled
     * connection, and a statement whose server vanished (PostgreSQL restarted, network cut) fails after 30 s of
     * silence instead of blocking its thread forever. Hikari replaces broken connections by itself, so the node
     * recovers when the database is back.
     *
     * @param url      a JDBC URL, {@code jdbc:postgresql://host:5432/phonepass}
     * @param poolSize connections per node; about 8 lets PostgreSQL's group commit work
     *                 (docs/benchmarks.md#storage-floor)
     */
    public static SqlStorage postgres(String url, String user, String password, int poolSize) {
        Objects.requireNonNull(url, "url cannot be null");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("storage.url must start with jdbc:postgresql:");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("storage.pool-size must be at least 1");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("phonepass-postgres");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(10_000);
        // Validates idle connections now and then, so a restart of PostgreSQL is noticed before a request is.
        config.setKeepaliveTime(60_000);
        config.addDataSourceProperty("ApplicationName", "phonepass");
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // The audit log's batches (JdbcAuditLog) go as multi-row INSERTs, one statement for up to 128 events instead
        // of one per event: PostgreSQL binds, plans and runs one statement where it ran one per event (under load a
        // batch holds the events of many logins, two per verify; docs/benchmarks.md).
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new SqlStorage(new HikariDataSource(config), SqlDialect.POSTGRESQL, null);
    }

    /** Runs a block of this database's store calls as one transaction (see {@link UnitOfWork}). */
    public UnitOfWork unitOfWork() {
        return new UnitOfWork() {
            @Override
            public <T> T run(Supplier<T> work) {
                return jdbc.unitOfWork(work);
            }
        };
    }

    public ChallengeStore challenges() {
        return new JdbcChallengeStore(jdbc);
    }

    public UserStore users() {
        return new JdbcUserStore(jdbc);
    }

    /** The management API's user operations (docs/management.md#users). */
    public JdbcUserAdmin userAdmin() {
        return new JdbcUserAdmin(jdbc);
    }

    /** Clients kept in the database (docs/management.md#clients). */
    public JdbcClientStore clientStore() {
        return new JdbcClientStore(jdbc);
    }

    /** The SMS connection's options changed through the management API. */
    public JdbcConnectionSettings connectionSettings() {
        return new JdbcConnectionSettings(jdbc);
    }

    /** Every node's SMS send attempts per day and provider, for the admin console's dashboard. */
    public JdbcProviderStats providerStats() {
        return new JdbcProviderStats(jdbc);
    }

    public AccessTokenStore accessTokens() {
        return new JdbcAccessTokenStore(jdbc);
    }

    public RefreshTokenStore refreshTokens() {
        return new JdbcRefreshTokenStore(jdbc);
    }

    public LoginTicketStore loginTickets() {
        return new JdbcLoginTicketStore(jdbc);
    }

    public AuthorizationCodeStore authorizationCodes() {
        return new JdbcAuthorizationCodeStore(jdbc);
    }

    public SessionStore sessions() {
        return new JdbcSessionStore(jdbc);
    }

    public PendingLoginStore pendingLogins() {
        return new JdbcPendingLoginStore(jdbc);
    }

    public SigningKeyStore signingKeys() {
        return new JdbcSigningKeyStore(jdbc);
    }

    /**
     * Token buckets shared by every node on this database. PostgreSQL only: the embedded store serves one node,
     * whose limits live in memory ({@code BucketRateLimiter}).
     */
    public JdbcRateLimiter rateLimiter(Clock clock) {
        requirePostgres("shared rate limits");
        return new JdbcRateLimiter(jdbc, clock);
    }

    /** Rolling-window event counts shared by every node on this database; PostgreSQL only, like the limiter. */
    public JdbcSlidingWindowCounter slidingWindowCounter(Clock clock, Duration window, int slices) {
        requirePostgres("shared counters");
        return new JdbcSlidingWindowCounter(jdbc, clock, window, slices);
    }

    private void requirePostgres(String what) {
        if (jdbc.dialect() != SqlDialect.POSTGRESQL) {
            throw new IllegalStateException(what + " need PostgreSQL; the embedded store keeps them in memory");
        }
    }

    /**
     * A new stored audit log with its own writer thread; close it before this storage. One per process is enough.
     */
    public JdbcAuditLog auditLog() {
        return auditLog(JdbcAuditLog.DEFAULT_CAPACITY);
    }

    /** As {@link #auditLog()}, with {@code capacity} events queued at most before new ones are dropped. */
    public JdbcAuditLog auditLog(int capacity) {
        return new JdbcAuditLog(jdbc, capacity);
    }

    /**
     * A secret that dev mode generates for itself, shared by every node on this database: the first node to ask
     * stores {@code generated}, and every node (that one included) gets the stored value. Two dev nodes on one
     * PostgreSQL database thus agree on the code HMAC key, so a code sent by one verifies on the other.
     *
     * @param name      what the secret is, such as {@code code_hmac_key}
     * @param generated the value to store when none is stored yet
     */
    public String devSecret(String name, String generated, Instant now) {
        jdbc.write(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO dev_secrets (name, value, created_at) "
                    + "VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, name);
                insert.setString(2, generated);
                insert.setLong(3, now.toEpochMilli());
                return insert.executeUpdate();
            }
        });
        return jdbc.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT value FROM dev_secrets WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw new StorageException("the dev secret " + name + " was stored but cannot be read", null);
                    }
                    return rows.getString(1);
                }
            }
        });
    }

    /** For tests in this package that look at rows the stores' interfaces do not show. */
    Jdbc jdbc() {
        return jdbc;
    }

    /** True when the database answers a trivial query within a second, for readiness checks. */
    public boolean isHealthy() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        jdbc.close();
        dataSource.close();
        if (durability != null) {
            durability.close();
        }
    }
}
