package org.phonepass.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place that decides what a store test does when PostgreSQL, Redis or a server binary is missing: on a
 * developer machine the test is skipped with a message saying what to start; under {@code CI=true} it fails,
 * because a CI run that silently skipped the shared-backend tests would prove nothing.
 *
 * <p>Where the servers are comes from the environment, with the project's standard machine as the default:
 * <ul>
 *   <li>{@code PHONEPASS_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}): any database
 *       the user may connect to; tests create and drop their own databases beside it</li>
 *   <li>{@code PHONEPASS_TEST_POSTGRES_USER} (default {@code postgres}), {@code PHONEPASS_TEST_POSTGRES_PASSWORD}</li>
 *   <li>{@code PHONEPASS_TEST_REDIS_URL} (default {@code redis://127.0.0.1:6379})</li>
 * </ul>
 * Other people's tests use the same servers, so every caller gets a private database or key prefix.
 */
public final class ExternalServices {
    private static final int PROBE_TIMEOUT_MILLIS = 2_000;
    /** Probes are cached: a missing server must not cost a connect timeout in every test. */
    private static final Map<String, String> UNREACHABLE = new ConcurrentHashMap<>();

    private static final Map<String, Boolean> REACHABLE = new ConcurrentHashMap<>();

    private ExternalServices() {}

    /** True when this run must not skip: {@code CI=true} in the environment. */
    public static boolean strict() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Ends the current test because {@code what} is unavailable: a skip with {@code why} on a developer machine, a
     * failure under {@code CI=true}.
     */
    public static void unavailable(String what, String why) {
        String message = what + " is unavailable (" + why + "): start it, or set the PHONEPASS_TEST_* variables "
                + "described in " + ExternalServices.class.getName();
        if (strict()) {
            Assertions.fail("CI=true: " + message);
        }
        Assumptions.abort(message + "; skipping");
    }

    /** A PostgreSQL database of one's own: created empty, dropped by {@link #drop()}. */
    public record PostgresDatabase(String url, String user, String password, String name, String adminUrl) {
        /** Drops the database, disconnecting whatever is still connected to it. */
        public void drop() {
            try (Connection c = DriverManager.getConnection(adminUrl, credentials(user, password));
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException("could not drop test database " + name, e);
            }
        }

        @Override
        public String toString() {
            return "PostgresDatabase[" + url + " as " + user + "]";
        }
    }

    /**
     * Creates a throwaway database {@code phonepass_test_<random>} on the test PostgreSQL server and returns how to
     * reach it, or skips or fails the test (see the class comment). Callers drop it when done.
     */
    public static PostgresDatabase postgresDatabase() {
        String adminUrl = env("PHONEPASS_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = env("PHONEPASS_TEST_POSTGRES_USER", "postgres");
        String password = env("PHONEPASS_TEST_POSTGRES_PASSWORD", "");
        String reason = UNREACHABLE.get(adminUrl);
        if (reason == null) {
            String name = "phonepass_test_" + HexFormat.of().formatHex(randomBytes(6));
            Properties props = credentials(user, password);
            props.setProperty("connectTimeout", String.valueOf(PROBE_TIMEOUT_MILLIS / 1000));
            try (Connection c = DriverManager.getConnection(adminUrl, props);
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
                return new PostgresDatabase(replaceDatabase(adminUrl, name), user, password, name, adminUrl);
            } catch (SQLException e) {
                reason = e.getMessage();
                UNREACHABLE.put(adminUrl, reason);
            }
        }
        unavailable("PostgreSQL at " + adminUrl, reason);
        throw new AssertionError("unreachable");
    }

    /** Where a Redis test may write: the server, and a prefix no one else uses. */
    public record RedisTarget(String url, String keyPrefix) {}

    /**
     * The test Redis with a fresh key prefix {@code phonepass-test:<random>:}, or a skip or failure (see the class
     * comment). Callers delete their keys when done.
     */
    public static RedisTarget redis() {
        String url = env("PHONEPASS_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        String reason = UNREACHABLE.get(url);
        if (reason == null && !REACHABLE.containsKey(url)) {
            reason = pingRedis(URI.create(url));
            if (reason == null) {
                REACHABLE.put(url, true);
            } else {
                UNREACHABLE.put(url, reason);
            }
        }
        if (reason != null) {
            unavailable("Redis at " + url, reason);
        }
        return new RedisTarget(url, "phonepass-test:" + HexFormat.of().formatHex(randomBytes(6)) + ":");
    }

    /** The path of a program on the PATH (e.g. {@code redis-server}), or a skip or failure. */
    public static Path executable(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        unavailable("the program " + name, "not found on the PATH");
        throw new AssertionError("unreachable");
    }

    /**
     * A RESP {@code PING} over a plain socket, so that testkit needs no Redis client. Returns null when Redis
     * answered {@code +PONG}, else why not.
     */
    private static String pingRedis(URI uri) {
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), PROBE_TIMEOUT_MILLIS);
            socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[64];
            int n = in.read(reply);
            String answer = n <= 0 ? "" : new String(reply, 0, n, StandardCharsets.US_ASCII).trim();
            // -NOAUTH also proves the server is there, but our tests would not get further without a password.
            return answer.equals("+PONG") ? null : "PING answered " + answer;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String replaceDatabase(String jdbcUrl, String database) {
        // jdbc:postgresql://host:port/db?params -> same host, port and params, other database.
        int slash = jdbcUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = jdbcUrl.indexOf('?');
        String base = slash < 0 ? jdbcUrl : jdbcUrl.substring(0, slash);
        String params = query < 0 ? "" : jdbcUrl.substring(query);
        return base + "/" + database + params;
    }

    private static Properties credentials(String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        return props;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
