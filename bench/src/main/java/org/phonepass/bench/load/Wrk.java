package org.phonepass.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load generator of the one-request scenarios (start, verify, refresh) when <a
 * href="https://github.com/wg/wrk">wrk</a> is installed (Debian: {@code apt-get install wrk}), driven by the Lua
 * script {@code wrk.lua} beside this class. The load generator shares the two cores with the server, so what it
 * spends per request is taken from the server: wrk (C, epoll, OpenSSL) spends about 20 µs of CPU per request on
 * this kind of machine, {@code java.net.http.HttpClient} 150–200 µs. Scenarios whose operation is several dependent
 * requests (the login) or that need 1 024 connections opened gradually (the slow vendor) stay on {@link Load}.
 *
 * <p>Each run is one wrk process: a closed loop like {@link Load#run}, {@value #THREADS} threads, {@code c}
 * keep-alive connections opened at the start of the run (their TLS handshakes count in the run), a 30-s request
 * timeout. Its CPU is read from the driver's {@code cutime + cstime} once wrk has been waited for.
 */
final class Wrk {
    static final int THREADS = 2;
    private final Path script;
    private final String version;

    private Wrk(Path script, String version) {
        this.script = script;
        this.version = version;
    }

    /** wrk with the script copied into {@code work}, or null when no {@code wrk} is on the PATH. */
    static Wrk find(Path work) throws IOException, InterruptedException {
        String said;
        try {
            Process p =
                    new ProcessBuilder("wrk", "-v").redirectErrorStream(true).start();
            said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
        } catch (IOException e) {
            return null;
        }
        if (!said.startsWith("wrk ")) {
            return null;
        }
        Path script = work.resolve("wrk.lua");
        try (InputStream in = Wrk.class.getResourceAsStream("wrk.lua")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Wrk(
                script,
                said.lines()
                        .findFirst()
                        .orElse("wrk")
                        .replaceFirst(" Copyright.*", "")
                        .trim());
    }

    String version() {
        return version;
    }

    /** One wrk run: what it measured, whether a thread ran out of lines, and wrk's CPU in clock ticks. */
    record Outcome(Load.Result result, boolean ranOut, long cpuTicks) {}

    /**
     * Runs {@code mode} (start, ro, token or refresh: see {@code wrk.lua}) against {@code base} with one line of
     * {@code lines} per request; {@code during} is called every 50 ms while wrk runs.
     */
    Outcome run(String base, String mode, List<String> lines, int c, Duration d, String audience, Runnable during)
            throws IOException, InterruptedException {
        Path dir = script.getParent();
        Path input = dir.resolve("wrk-input.txt");
        Path output = dir.resolve("wrk-output.txt");
        Files.write(input, lines);
        List<String> cmd = new ArrayList<>(List.of(
                "wrk",
                "-t" + THREADS,
                "-c" + c,
                "-d" + d.toSeconds() + "s",
                "--timeout",
                "30s",
                "-s",
                script.toString(),
                base,
                mode,
                input.toString(),
                Integer.toString(THREADS)));
        if (audience != null) {
            cmd.add(audience);
        }
        long children0 = ServerProcess.childCpuTicks(ProcessHandle.current().pid());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
            during.run();
        }
        long cpu = ServerProcess.childCpuTicks(ProcessHandle.current().pid()) - children0;
        String said = Files.readString(output);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("wrk exited with " + p.exitValue() + ": " + said);
        }
        Map<String, Long> v = new HashMap<>();
        String firstError = null;
        for (String line : said.split("\n")) {
            if (line.startsWith("PHONEPASS ")) {
                for (String kv : line.substring(10).trim().split(" ")) {
                    String[] pair = kv.split("=");
                    v.put(pair[0], Long.parseLong(pair[1]));
                }
            } else if (line.startsWith("PHONEPASS_ERROR ")
                    && !line.substring(16).isBlank()) {
                firstError = line.substring(16).trim();
            }
        }
        if (!v.containsKey("requests")) {
            throw new IllegalStateException("wrk printed no result: " + said);
        }
        Load.Result r = new Load.Result();
        r.ok = v.get("requests") - v.get("status");
        r.errors = v.get("status") + v.get("connect") + v.get("read") + v.get("write") + v.get("timeout");
        r.firstError = firstError != null ? firstError : r.errors > 0 ? "socket errors or timeouts: " + said : null;
        r.seconds = v.get("duration_us") / 1e6;
        r.percentilesMs =
                Map.of(50.0, v.get("p50_us") / 1e3, 99.0, v.get("p99_us") / 1e3, 99.9, v.get("p999_us") / 1e3);
        return new Outcome(r, v.get("ran_out") > 0, cpu);
    }
}
