package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.phonepass.testkit.ExternalServices;

/**
 * Counts the remote round trips of one login (a start, then a verification on {@code /oauth/ro}) on each backend,
 * as docs/deployment.md's sizing table reports them: SQL round trips are the PostgreSQL driver's {@code Sync}
 * messages (one per network round trip of the extended protocol) and simple queries other than the pool's liveness
 * check; Redis calls are the commands a {@code MONITOR} sees under the test's key prefix (script-internal commands
 * excluded). The audit log's asynchronous batch writer
 * and the housekeeping task are left out: they are off the request's path.
 *
 * <p>What it asserts is the structure this code promises, not speed: after a successful verification the limit
 * writes are one call, and with Redis the code is used before the SQL unit of work, which is one transaction.
 */
class LoginRoundTripsTest {
    private static final Logger PGJDBC = Logger.getLogger("org.postgresql");

    /**
     * What one phase of a login sent over the network: SQL round trips, SQL write transactions (each one commit, one
     * WAL flush: explicit transactions plus writing statements run in auto-commit), and Redis calls.
     */
    record Counts(int sqlRoundTrips, int sqlWriteTransactions, int redisCalls) {}

    /**
     * Counts the PostgreSQL driver's messages on the threads that serve requests. The server's JDBC URL sets
     * {@code prepareThreshold=0}, so that every statement is sent with its text (a Parse message) and can be
     * classified; that changes no round trip, since Parse, Bind and Execute travel together before the Sync.
     */
    private static final class SqlCounter extends Handler {
        final AtomicInteger syncs = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        private final SimpleFormatter format = new SimpleFormatter();
        /** Per thread: inside an explicit transaction, and whether the statements since the last Sync wrote. */
        private final ThreadLocal<boolean[]> state = ThreadLocal.withInitial(() -> new boolean[2]);

        @Override
        public void publish(LogRecord record) {
            String thread = Thread.currentThread().getName();
            if (thread.contains("audit") || thread.contains("housekeeping")) {
                return;
            }
            String message = format.formatMessage(record);
            if (System.getProperty("roundtrips.trace") != null) {
                System.out.println("TRACE " + thread + " " + message);
            }
            boolean[] st = state.get();
            if (message.contains("FE=> Sync")) {
                syncs.incrementAndGet();
                if (st[1] && !st[0]) {
                    writes.incrementAndGet();
                }
                st[1] = false;
            } else if (message.contains("FE=> SimpleQuery(query=\"BEGIN\")")) {
                // Sent in the same batch as the transaction's first statement: no round trip of its own.
                st[0] = true;
            } else if (message.contains("FE=> SimpleQuery")) {
                // An empty query is the pool's liveness check of a connection idle for over half a second: a round
                // trip, but one that depends on timing, so it is not counted.
                if (!message.contains("query=\"\"")) {
                    syncs.incrementAndGet();
                }
            } else if (message.contains("FE=> Parse")) {
                String query = message.substring(message.indexOf("query=") + 7).trim();
                if (query.startsWith("COMMIT")) {
                    // The transaction's writes end with it, also when a write went out in the COMMIT's own batch
                    // ("INSERT ...; COMMIT": Jdbc.writeAtCommit): one transaction, not one more in auto-commit.
                    st[0] = false;
                    st[1] = false;
                    writes.incrementAndGet();
                } else if (query.startsWith("ROLLBACK")) {
                    st[0] = false;
                    st[1] = false;
                } else if (query.startsWith("INSERT") || query.startsWith("UPDATE") || query.startsWith("DELETE")) {
                    st[1] = true;
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    /** The commands Redis receives under one key prefix, read from {@code redis-cli monitor}. */
    private static final class RedisMonitor implements AutoCloseable {
        private final Process process;
        private final AtomicInteger calls = new AtomicInteger();

        RedisMonitor(String url, String prefix) throws IOException, InterruptedException {
            process = new ProcessBuilder(
                            ExternalServices.executable("redis-cli").toString(), "-u", url, "monitor")
                    .redirectErrorStream(true)
                    .start();
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String ok = lines.readLine();
            assertThat(ok).isEqualTo("OK");
            Thread reader = new Thread(
                    () -> {
                        try {
                            for (String line; (line = lines.readLine()) != null; ) {
                                // Commands a script runs show as "[0 lua]"; only what a client sent is a round trip.
                                if (line.contains(prefix) && !line.contains(" lua]")) {
                                    calls.incrementAndGet();
                                }
                            }
                        } catch (IOException e) {
                            // The monitor was closed.
                        }
                    },
                    "redis-monitor");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static Counts measure(SqlCounter sql, RedisMonitor redis, Runnable phase) throws InterruptedException {
        // MONITOR lines arrive asynchronously: settle before and after reading the counter.
        Thread.sleep(300);
        int syncs = sql.syncs.get();
        int writes = sql.writes.get();
        int calls = redis == null ? 0 : redis.calls.get();
        phase.run();
        Thread.sleep(300);
        return new Counts(
                sql.syncs.get() - syncs, sql.writes.get() - writes, redis == null ? 0 : redis.calls.get() - calls);
    }

    private static String yaml(ExternalServices.PostgresDatabase db, ExternalServices.RedisTarget redis) {
        String storage = """
                storage:
                  type: postgres
                  url: %s?prepareThreshold=0
                  user: %s
                  pool_size: 4
                """.formatted(db.url(), db.user());
        if (!db.password().isEmpty()) {
            storage += "  password: " + db.password() + "\n";
        }
        if (redis != null) {
            storage += "redis:\n  url: " + redis.url() + "\n  key_prefix: \"" + redis.keyPrefix() + "\"\n";
        }
        return TestServer.DEFAULT_YAML.replace("storage:\n  type: embedded\n", storage);
    }

    /** Start and verify of one login, after a first login that warmed the pool, the scripts and the classes. */
    private static Counts[] login(String yaml, ExternalServices.RedisTarget target) throws Exception {
        SqlCounter sql = new SqlCounter();
        Level before = PGJDBC.getLevel();
        PGJDBC.setLevel(Level.FINEST);
        PGJDBC.addHandler(sql);
        try (TestServer s = new TestServer(yaml, null);
                RedisMonitor redis = target == null ? null : new RedisMonitor(target.url(), target.keyPrefix())) {
            // The housekeeping task runs one second after the start and then every minute; it calls Redis too
            // (expired codes), so the measurement starts once its first run is over.
            Thread.sleep(1_500);
            assertThat(s.login(TestServer.SPA, "+12015550170", "openid").status())
                    .isEqualTo(200);
            String phone = "+12015550171";
            String[] code = new String[1];
            Counts start = measure(sql, redis, () -> code[0] = s.startAndReadCode(TestServer.SPA, phone));
            Counts verify = measure(
                    sql,
                    redis,
                    () -> assertThat(s.postForm(
                                            "/oauth/ro",
                                            TestServer.map(
                                                    "client_id",
                                                    TestServer.SPA,
                                                    "connection",
                                                    "sms",
                                                    "grant_type",
                                                    "password",
                                                    "username",
                                                    phone,
                                                    "password",
                                                    code[0],
                                                    "scope",
                                                    "openid"))
                                    .status())
                            .isEqualTo(200));
            System.out.printf(
                    "round trips %s: start %s, verify %s%n",
                    target == null ? "PostgreSQL" : "PostgreSQL + Redis", start, verify);
            return new Counts[] {start, verify};
        } finally {
            PGJDBC.removeHandler(sql);
            PGJDBC.setLevel(before);
        }
    }

    @Test
    void loginOnPostgresWhenSuccessfulThenLimitWritesAfterItAreOneTransaction() throws Exception {
        ExternalServices.PostgresDatabase db = ExternalServices.postgresDatabase();
        try {
            Counts[] counts = login(yaml(db, null), null);
            Counts verify = counts[1];
            // The limits' checks, the login's unit of work, and the writes after the success: three transactions.
            assertThat(verify.sqlWriteTransactions()).isEqualTo(3);
            assertThat(verify.redisCalls()).isZero();
        } finally {
            db.drop();
        }
    }

    @Test
    void loginOnPostgresAndRedisWhenSuccessfulThenOneSqlTransactionAndNoRedisCallInsideIt() throws Exception {
        ExternalServices.PostgresDatabase db = ExternalServices.postgresDatabase();
        ExternalServices.RedisTarget redis = ExternalServices.redis();
        try {
            Counts[] counts = login(yaml(db, redis), redis);
            Counts verify = counts[1];
            assertThat(verify.sqlWriteTransactions())
                    .as("the user and its tokens, one transaction")
                    .isEqualTo(1);
            // checkVerify's script, the code's consume, and the reset with the breaker's counts in one script.
            assertThat(verify.redisCalls()).isEqualTo(3);
        } finally {
            db.drop();
        }
    }
}
