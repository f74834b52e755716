package org.phonepass.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway database on the PostgreSQL at 127.0.0.1:5432 (trust, user postgres) and a key prefix of its own on
 * the Redis at 127.0.0.1:6379. Neither service is started, stopped or reconfigured: only the database and the keys
 * this run made are removed at the end.
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
