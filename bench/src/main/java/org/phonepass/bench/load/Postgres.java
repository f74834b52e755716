package org.phonepass.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway database on the PostgreSQL at 127.0.0.1:5432 (trust, user postgres) and a key prefix of its own on
 * the Redis at 127.0.0.1:6379. Neither service is started, stopped or reconfigured: only the database and the keys
 * this run made are removed at the end.
 *
 * <p>{@link #usage} reads what PostgreSQL and Redis themselves spend, so that a row on this store can state the whole
 * CPU per operation: both run on the same cores as the server and the load generator, and a verify's cost on this
 * store is not only the server's.
 */
final class Postgres implements AutoCloseable {
    private final String database;
    private final String redisPrefix;
    private final Path work;

    private Postgres(String database, String redisPrefix, Path work) {
        this.database = database;
        this.redisPrefix = redisPrefix;
        this.work = work;
    }

    /** Null when PostgreSQL or Redis does not answer on loopback. */
    static Postgres create(Path work) throws IOException, InterruptedException {
        if (sh(work, "pg_isready -q -h 127.0.0.1 -p 5432") != 0
                || sh(work, "redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG") != 0) {
            return null;
        }
        String db = "phonepass_bench_" + ProcessHandle.current().pid();
        if (sh(
                        work,
                        "psql -q -h 127.0.0.1 -U postgres -d postgres -c 'DROP DATABASE IF EXISTS " + db
                                + "' -c 'CREATE DATABASE " + db + "'")
                != 0) {
            return null;
        }
        return new Postgres(db, "phonepass-bench-" + ProcessHandle.current().pid() + ":", work);
    }

    /**
     * CPU used so far by PostgreSQL on behalf of this run and by Redis, in clock ticks, and the commands Redis has
     * processed: take one before and one after a measured run.
     *
     * <p>PostgreSQL: the backends connected to this run's database (their process title names it) and the server's
     * own processes (postmaster, WAL writer, checkpointer, background writer, autovacuum, ...), whose work the
     * run's commits cause; backends of other databases (other test runs on the same PostgreSQL) are left out. A
     * process that ends between the two samples takes its CPU with it, which the pool's long-lived connections do
     * not. Redis: the whole {@code redis-server} process (other users of the same Redis would count too; on a quiet
     * machine there are none). {@code redisCommands}: the script calls Redis served ({@link #redisScriptCalls}).
     */
    record Usage(long pgTicks, long pgBackendTicks, long redisTicks, long redisCommands) {
        Usage minus(Usage before) {
            return new Usage(
                    pgTicks - before.pgTicks,
                    pgBackendTicks - before.pgBackendTicks,
                    redisTicks - before.redisTicks,
                    redisCommands - before.redisCommands);
        }
    }

    Usage usage() throws IOException {
        long pg = 0;
        long backends = 0;
        long redis = 0;
        String own = " " + database + " ";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String comm = Files.readString(proc.resolve("comm")).trim();
                    if (comm.equals("redis-server")) {
                        redis += ServerProcess.cpuTicks(Long.parseLong(name));
                    } else if (comm.equals("postgres")) {
                        // Backends: "postgres: 15/main: user database 127.0.0.1(port) state"; the server's own
                        // processes: the postmaster's command line, or "postgres: 15/main: walwriter" and the like.
                        String title = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                                .replace('\0', ' ');
                        boolean backend = title.contains("(") || title.contains("[local]");
                        boolean ours = title.contains(own);
                        if (ours || !backend) {
                            long t = ServerProcess.cpuTicks(Long.parseLong(name));
                            pg += t;
                            if (ours) {
                                backends += t;
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            }
        }
        return new Usage(pg, backends, redis, redisScriptCalls());
    }

    /**
     * The Lua script calls ({@code EVALSHA}, {@code EVAL}) the Redis on loopback has served, from {@code INFO
     * commandstats}, asked over RESP without a client process. Every operation of the Redis stores is one script
     * call; Redis's own command counts would also count the commands each script runs.
     */
    private static long redisScriptCalls() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 6379), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    return -1;
                }
                header.write(b);
            }
            String h = header.toString(StandardCharsets.US_ASCII).trim();
            if (!h.startsWith("$")) {
                return -1;
            }
            String body = new String(in.readNBytes(Integer.parseInt(h.substring(1))), StandardCharsets.UTF_8);
            long calls = 0;
            for (String line : body.split("\r\n")) {
                // cmdstat_evalsha:calls=54552,usec=...
                if (line.startsWith("cmdstat_eval")) {
                    String rest = line.substring(line.indexOf("calls=") + 6);
                    calls += Long.parseLong(rest.substring(0, rest.indexOf(',')));
                }
            }
            return calls;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    ServerProcess.Setup setup() {
        return new ServerProcess.Setup(
                "postgres",
                "jdbc:postgresql://127.0.0.1:5432/" + database,
                "redis://127.0.0.1:6379",
                redisPrefix,
                null);
    }

    ServerProcess.Setup setupWithoutRedis() {
        return new ServerProcess.Setup("postgres", "jdbc:postgresql://127.0.0.1:5432/" + database, null, null, null);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        sh(
                work,
                "psql -q -h 127.0.0.1 -U postgres -d postgres -c 'DROP DATABASE IF EXISTS " + database
                        + " WITH (FORCE)'");
        sh(
                work,
                "redis-cli -h 127.0.0.1 -p 6379 --scan --pattern '" + redisPrefix
                        + "*' | xargs -r -n 500 redis-cli -h 127.0.0.1 -p 6379 del > /dev/null");
    }

    private static int sh(Path work, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("bash", "-c", command))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        work.resolve("services.log").toFile()))
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
