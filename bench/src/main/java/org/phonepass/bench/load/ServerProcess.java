package org.phonepass.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server under test as its own {@code java -jar phonepass.jar --config FILE} process, so that its CPU, memory
 * and threads are read from {@code /proc/<pid>} apart from the load generator's.
 */
final class ServerProcess implements AutoCloseable {
    /** How the server is set up for one group of rows. Every value is a documented setting (docs/configuration.md). */
    record Setup(String storageType, String pgUrl, String redisUrl, String redisPrefix, String vendorUrl) {
        static Setup embedded() {
            return new Setup("embedded", null, null, null, null);
        }

        Setup withVendor(String url) {
            return new Setup(storageType, pgUrl, redisUrl, redisPrefix, url);
        }

        String label() {
            return pgUrl == null ? "embedded (SQLite)" : redisUrl == null ? "PostgreSQL" : "PostgreSQL + Redis";
        }
    }

    private final Process process;
    final int port;
    final Path dataDir;
    final long startMillis;
    final Path log;
    /**
     * CPU the server spent up to its first answer (utime + stime, all its threads): unlike the wall time, it hardly
     * moves when other processes share the cores.
     */
    long startCpuMillis;

    private ServerProcess(Process process, int port, Path dataDir, long startMillis, Path log) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.startMillis = startMillis;
        this.log = log;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static final String API_RS256 = "https://rs256.api.bench/";
    static final String API_EDDSA = "https://eddsa.api.bench/";

    /** The benchmark configuration: abuse limits raised (never removed from the code path) through their settings. */
    static String config(Setup setup, int port, Path dataDir) {
        String big = "{enabled: true, capacity: 1000000000, period: 1h}";
        StringBuilder y = new StringBuilder();
        y.append("mode: dev\n");
        y.append("https_port: ").append(port).append('\n');
        y.append("bind_address: 127.0.0.1\n");
        // Every connection of the load generator comes from 127.0.0.1 and stands for a client of its own; the
        // per-address cap (docs/configuration.md, http.max_connections_per_address) would refuse the 1 024-connection
        // rows.
        y.append("http:\n  max_connections_per_address: 4096\n");
        y.append("data_dir: ").append(dataDir).append('\n');
        if (setup.pgUrl() != null) {
            y.append("storage:\n  type: postgres\n  url: ")
                    .append(setup.pgUrl())
                    .append("\n  user: postgres\n");
        } else {
            y.append("storage:\n  type: embedded\n  synchronous: full\n");
        }
        if (setup.redisUrl() != null) {
            y.append("redis:\n  url: ")
                    .append(setup.redisUrl())
                    .append("\n  key_prefix: \"")
                    .append(setup.redisPrefix())
                    .append("\"\n");
        }
        y.append("clients:\n  - client_id: bench\n    name: Bench\n    callbacks: [")
                .append(Load.HOSTED_CALLBACK)
                .append("]\n");
        // Two APIs for the verify-with-audience rows: JWT access tokens signed RS256, or EdDSA.
        y.append("apis:\n  - identifier: ")
                .append(API_RS256)
                .append("\n  - identifier: ")
                .append(API_EDDSA)
                .append("\n    signing_alg: EdDSA\n");
        y.append("sms:\n");
        y.append("  code_ttl: 10m\n");
        if (setup.vendorUrl() != null) {
            y.append("  provider: http_gateway\n  http_gateway:\n    url: ")
                    .append(setup.vendorUrl())
                    .append("\n    timeout: 10s\n");
        } else {
            // Room for a batch of issued codes (Load.ISSUE_BATCH) and the logins running beside it, no more.
            y.append("  provider: dev\n  dev:\n    capacity: 5000\n");
        }
        y.append("limits:\n");
        for (String rule : List.of(
                "start_per_ip",
                "start_per_phone_hourly",
                "start_per_phone_daily",
                "start_per_country_hourly",
                "start_per_country_daily",
                "start_global_hourly",
                "start_global_daily",
                "verify_per_ip",
                "authorize_per_ip")) {
            y.append("  ").append(rule).append(": ").append(big).append('\n');
        }
        y.append("  max_keys: 1000000\n");
        y.append("  pumping:\n    enabled: false\n");
        return y.toString();
    }

    static ServerProcess start(
            String java,
            Path jar,
            List<String> jvmOptions,
            Setup setup,
            Path dataDir,
            HttpClient probe,
            Duration timeout,
            String extraYaml,
            Map<String, String> env)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        int port = freePort();
        Path configFile = dataDir.resolveSibling(dataDir.getFileName() + ".yaml");
        Files.writeString(configFile, config(setup, port, dataDir) + extraYaml);
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("--config");
        cmd.add(configFile.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("PHONEPASS_CONFIG");
        pb.environment().putAll(env);
        return launch(pb, port, dataDir, probe, timeout);
    }

    /**
     * The README's start as a new user runs it: {@code java -jar phonepass.jar}, no arguments, dev defaults; only the
     * port and the data folder come from their documented environment variables, so that runs do not collide. The
     * working directory is the data folder's parent, where no sample app lies.
     */
    static ServerProcess startPlain(String java, Path jar, Path dataDir, HttpClient probe, Duration timeout)
            throws IOException, InterruptedException {
        return startPlain(java, jar, dataDir, probe, timeout, List.of(), Map.of());
    }

    /** The same with JVM options (a class-data-sharing archive) and environment variables added. */
    static ServerProcess startPlain(
            String java,
            Path jar,
            Path dataDir,
            HttpClient probe,
            Duration timeout,
            List<String> jvmOptions,
            Map<String, String> env)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        ProcessBuilder pb =
                new ProcessBuilder(cmd).directory(dataDir.getParent().toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PHONEPASS_"));
        pb.environment().putAll(env);
        pb.environment().put("PHONEPASS_HTTPS_PORT", Integer.toString(port));
        pb.environment().put("PHONEPASS_DATA_DIR", dataDir.toAbsolutePath().toString());
        pb.environment().put("PHONEPASS_BIND_ADDRESS", "127.0.0.1");
        return launch(pb, port, dataDir, probe, timeout);
    }

    /** Starts the process and polls {@code /health/live} over HTTPS; the time to the first 200 is startMillis. */
    private static ServerProcess launch(ProcessBuilder pb, int port, Path dataDir, HttpClient probe, Duration timeout)
            throws IOException, InterruptedException {
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long t0 = System.nanoTime();
        Process p = pb.start();
        ServerProcess server = new ServerProcess(p, port, dataDir, 0, log);
        URI live = URI.create("https://127.0.0.1:" + port + "/health/live");
        long deadline = t0 + timeout.toNanos();
        boolean listening = false;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the server exited with " + p.exitValue() + "; see " + log);
            }
            // A bare TCP connect until the port is open (microseconds of CPU), then HTTPS requests: an HTTPS
            // client that retries every few ms would take CPU from the server it is timing, on the same 2 cores.
            if (!listening) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    listening = true;
                } catch (IOException e) {
                    Thread.sleep(5);
                    continue;
                }
            }
            try {
                HttpResponse<Void> r = probe.send(
                        HttpRequest.newBuilder(live)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    ServerProcess ready = new ServerProcess(p, port, dataDir, ms, log);
                    ready.startCpuMillis = cpuTicks(p.pid()) * (1000 / Bench.CLK_TCK);
                    return ready;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        server.close();
        throw new IllegalStateException("the server did not answer /health/live within " + timeout + "; see " + log);
    }

    long pid() {
        return process.pid();
    }

    String base() {
        return "https://127.0.0.1:" + port;
    }

    /** utime + stime of the process, in clock ticks. */
    long cpuTicks() throws IOException {
        return cpuTicks(pid());
    }

    /**
     * utime + stime of the server's JIT compiler threads ({@code C1 CompilerThread<n>}, {@code C2 CompilerThread<n>}),
     * in clock ticks: the part of {@link #cpuTicks()} that compiles rather than serves. A compiler thread that ends
     * between two readings takes its ticks with it, so a difference of two readings is a lower bound.
     */
    long compilerTicks() throws IOException {
        long sum = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm"));
                    if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) {
                        continue;
                    }
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    sum += Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return sum;
    }

    /** utime + stime of a process, in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        return statSum(pid, 14, 15);
    }

    /**
     * cutime + cstime of a process: the CPU of its children that it has waited for, in clock ticks (wrk's, for the
     * driver).
     */
    static long childCpuTicks(long pid) throws IOException {
        return statSum(pid, 16, 17);
    }

    /** The sum of two numeric fields of {@code /proc/<pid>/stat}, numbered as in proc(5) (pid is field 1). */
    private static long statSum(long pid, int a, int b) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // After "pid (comm) " (the name may hold spaces and parentheses) comes field 3, the state.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[a - 3]) + Long.parseLong(f[b - 3]);
    }

    /** Bytes this process has caused to be written to storage: {@code write_bytes} of {@code /proc/<pid>/io}. */
    long storageWriteBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "io"))) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        throw new IllegalStateException("write_bytes not in /proc io");
    }

    /** A value in kB (VmRSS, VmHWM) or a count (Threads) from /proc/pid/status. */
    long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException(key + " not in /proc status");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
