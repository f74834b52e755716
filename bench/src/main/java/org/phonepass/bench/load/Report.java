package org.phonepass.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The results as Markdown: every figure is the median of the runs, with the minimum and maximum beside it. */
final class Report {
    private Report() {}

    static String markdown(
            Bench b,
            List<Floor.Window> windows,
            List<Floor.Window> nativeWindows,
            List<Long> fresh,
            List<Long> restart,
            String loadBefore,
            String loadAfter,
            double minutes)
            throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("Measured ")
                .append(Bench.dateNow())
                .append(b.quick() ? " with `bench/run --quick`" : " with `bench/run`")
                .append(String.format(Locale.ROOT, " (%.1f minutes).", minutes))
                .append("\n\n");
        s.append("- Machine: ")
                .append(cpuModel())
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs (nproc), ")
                .append(memTotal())
                .append(" RAM.\n");
        s.append("- JVM: driver ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.runtime.version"))
                .append("; server ")
                .append(javaVersion(b.serverJava()))
                .append(". Server started as `java ")
                .append(String.join(" ", b.serverOpts()))
                .append(" -jar server/target/phonepass.jar --config " + "<generated>`.\n");
        s.append("- Load generator: ").append(b.loadGenerator()).append(".\n");
        s.append("- Load average (1, 5, 15 min) before: ")
                .append(loadBefore.split(" ", 4)[0])
                .append(' ')
                .append(loadBefore.split(" ", 4)[1])
                .append(' ')
                .append(loadBefore.split(" ", 4)[2])
                .append("; after: ")
                .append(loadAfter.split(" ", 4)[0])
                .append(' ')
                .append(loadAfter.split(" ", 4)[1])
                .append(' ')
                .append(loadAfter.split(" ", 4)[2])
                .append(".\n");
        if (!b.label().isBlank()) {
            s.append("- Conditions: ").append(b.label()).append('\n');
        }
        s.append("- Each measured run lasts ")
                .append(b.runTime().toSeconds())
                .append(" s (the slow-vendor runs ")
                .append(b.vendorRunTime().toSeconds())
                .append(" s); each row is 3 runs: median (min–max).\n");
        for (String n : b.notes()) {
            s.append("- ").append(n).append('\n');
        }
        s.append('\n');

        List<Double> floor = windows.stream().map(Floor.Window::perSecond).toList();
        List<Double> sigCpu =
                windows.stream().map(Floor.Window::cpuMsPerSignature).toList();
        double floorMedian = median(floor);
        double sigCpuMedian = median(sigCpu);
        s.append("**Floor:** ")
                .append(fmt(floorMedian))
                .append(" (")
                .append(fmt(Collections.min(floor)))
                .append("–")
                .append(fmt(Collections.max(floor)))
                .append(") RS256 id_token signatures/s on ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" threads in this JVM, through the server's `NimbusTokenSigner`, no server running; one "
                        + "signature costs ")
                .append(String.format(
                        Locale.ROOT,
                        "%.2f (%.2f–%.2f)",
                        sigCpuMedian,
                        Collections.min(sigCpu),
                        Collections.max(sigCpu)))
                .append(" ms of CPU (thread CPU time), which holds even when the machine is shared. This JDK floor is "
                        + "the reference of every ratio below.");
        double serverSigCpu = sigCpuMedian;
        if (nativeWindows != null && !nativeWindows.isEmpty()) {
            List<Double> nat =
                    nativeWindows.stream().map(Floor.Window::perSecond).toList();
            List<Double> natCpu =
                    nativeWindows.stream().map(Floor.Window::cpuMsPerSignature).toList();
            s.append(" **Native provider** (Amazon Corretto Crypto Provider, key objects made by its `KeyFactory`), "
                            + "windows interleaved with the JDK's: ")
                    .append(fmt(median(nat)))
                    .append(" (")
                    .append(fmt(Collections.min(nat)))
                    .append("–")
                    .append(fmt(Collections.max(nat)))
                    .append(") signatures/s, ")
                    .append(String.format(
                            Locale.ROOT,
                            "%.2f× the JDK floor; %.3f (%.3f–%.3f) ms of CPU per signature",
                            median(nat) / floorMedian,
                            median(natCpu),
                            Collections.min(natCpu),
                            Collections.max(natCpu)))
                    .append('.');
            if (!"jdk".equals(b.serverCrypto())) {
                serverSigCpu = median(natCpu);
            }
        }
        s.append(" The server ran with `crypto.provider: ")
                .append(b.serverCrypto())
                .append("`.\n\n");
        final double sigCpuOfServer = serverSigCpu;
        s.append("**Start-up** (`java -jar server/target/phonepass.jar` with no arguments and no JVM options, as the "
                        + "README starts it, to the first 200 from `/health/live` over HTTPS; only `PHONEPASS_HTTPS_PORT` and "
                        + "`PHONEPASS_DATA_DIR` set): first start on an empty "
                        + "data folder (generates the TLS certificate and signing key, migrates the database) ")
                .append(msRange(fresh))
                .append("; restart ")
                .append(msRange(restart))
                .append(".\n\n");

        s.append("| scenario | store | conc. | ops/s | % of floor ÷ signatures | p50 ms | p99 ms | p99.9 ms | errors "
                + "| server CPU ms/op | of it, JIT compilers ms/op | CPU ÷ signing CPU | non-signature server CPU ms/op | ÷ JDK signature CPU "
                + "| load generator CPU ms/op | PostgreSQL CPU ms/op | Redis CPU ms/op (script calls/op) "
                + "| total CPU ms/op | CPU ceiling ops/s (× JDK floor by CPU) "
                + "| peak RSS MiB | server threads idle → max |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        double cpuPerSecond = 1000.0 * Runtime.getRuntime().availableProcessors();
        for (Bench.Row row : b.rows()) {
            List<Bench.Run> runs = row.runs();
            String pct = row.signatures() == 0
                    ? "–"
                    : range(runs, r -> 100.0 * r.r().throughput() / (floorMedian / row.signatures()), "%.0f %%");
            String threads =
                    range(runs, r -> r.threadsIdle(), "%.0f") + " → " + range(runs, r -> r.threadsMax(), "%.0f");
            if (runs.get(0).vendorMax() > 0) {
                threads += "; vendor held " + range(runs, r -> r.vendorMax(), "%.0f") + " at once";
            }
            s.append("| ")
                    .append(row.scenario())
                    .append(" | ")
                    .append(row.store())
                    .append(" | ")
                    .append(row.concurrency())
                    .append(" | ")
                    .append(range(runs, r -> r.r().throughput(), null))
                    .append(" | ")
                    .append(pct)
                    .append(" | ")
                    .append(range(runs, r -> r.r().percentileMs(50), "%.1f"))
                    .append(" | ")
                    .append(range(runs, r -> r.r().percentileMs(99), "%.1f"))
                    .append(" | ")
                    .append(range(runs, r -> r.r().percentileMs(99.9), "%.1f"))
                    .append(" | ")
                    .append(range(runs, r -> r.r().errors, "%.0f"))
                    .append(" | ")
                    .append(range(runs, r -> r.cpuMsPerOp(), "%.2f"))
                    .append(" | ")
                    .append(range(runs, r -> r.jitCpuMsPerOp(), "%.2f"))
                    .append(" | ")
                    .append(
                            row.signatures() == 0
                                    ? "–"
                                    : range(runs, r -> r.cpuMsPerOp() / (row.signatures() * sigCpuMedian), "%.2f"))
                    .append(" | ")
                    .append(
                            row.signatures() == 0
                                    ? "–"
                                    : range(runs, r -> r.cpuMsPerOp() - row.signatures() * sigCpuOfServer, "%.2f"))
                    .append(" | ")
                    .append(
                            row.signatures() == 0
                                    ? "–"
                                    : range(
                                            runs,
                                            r -> (r.cpuMsPerOp() - row.signatures() * sigCpuOfServer) / sigCpuMedian,
                                            "%.2f"))
                    .append(" | ")
                    .append(range(runs, r -> r.driverCpuMsPerOp(), "%.2f"))
                    .append(" | ")
                    .append(runs.get(0).services() == null ? "–" : range(runs, Bench.Run::pgCpuMsPerOp, "%.2f"))
                    .append(" | ")
                    .append(
                            runs.get(0).services() == null
                                    ? "–"
                                    : range(runs, Bench.Run::redisCpuMsPerOp, "%.2f") + " ("
                                            + String.format(
                                                    Locale.ROOT,
                                                    "%.1f",
                                                    Bench.median(runs, Bench.Run::redisCommandsPerOp)
                                                            .redisCommandsPerOp())
                                            + ")")
                    .append(" | ")
                    .append(range(runs, Bench.Run::totalCpuMsPerOp, "%.2f"))
                    .append(" | ")
                    .append(range(runs, r -> cpuPerSecond / r.totalCpuMsPerOp(), null))
                    .append(
                            row.signatures() == 0
                                    ? ""
                                    : " ("
                                            + String.format(
                                                    Locale.ROOT,
                                                    "%.2f×",
                                                    row.signatures()
                                                            * sigCpuMedian
                                                            / Bench.median(runs, Bench.Run::totalCpuMsPerOp)
                                                                    .totalCpuMsPerOp())
                                            + ")")
                    .append(" | ")
                    .append(range(runs, r -> r.rssMaxKb() / 1024.0, "%.0f"))
                    .append(" | ")
                    .append(threads)
                    .append(" |\n");
        }
        s.append('\n');
        s.append("ops/s counts completed operations (a login is start + inbox read + verify). \"% of floor ÷ "
                + "signatures\" is ops/s ÷ (floor ÷ RS256 signatures per operation); a verify without `audience` "
                + "and a refresh sign once; with an `audience` whose access tokens are RS256, twice; with one whose "
                + "access tokens are EdDSA, once (the EdDSA signature, about 0.07 ms, is not counted). \"CPU ÷ signing CPU\" is the server's CPU per operation ÷ the CPU of its "
                + "signatures with the JDK's provider: 1.00 would mean the server does nothing but sign with the JDK. \"Non-signature server CPU\" is the server's CPU per operation minus its RS256 signatures at the CPU per signature of the provider it ran with (the floor line), and beside it that ÷ the JDK signature's CPU. Server CPU is utime + stime of the server process over the run ÷ "
                + "operations; \"of it, JIT compilers\" is the part its C1 and C2 compiler threads spent, what is "
                + "left of the warm-up in the run (with `--profile` it is higher: async-profiler's attach sets the JIT "
                + "recompiling). Peak RSS is the highest VmRSS sampled every 50 ms during the run. The load generator "
                + "shares the machine's cores with the server; its own CPU per operation (wrk's process and the driver JVM "
                + "for the rows wrk drives, the driver JVM alone for the others: HTTPS client, TLS, bookkeeping) is beside the server's, so (server + load generator CPU) ÷ cores "
                + "bounds what this machine can do. "
                + "On PostgreSQL + Redis, both run on the same cores: \"PostgreSQL CPU\" is utime + stime of the "
                + "backends connected to the run's database and of PostgreSQL's own processes (WAL writer, "
                + "checkpointer, ...) over the run ÷ operations, \"Redis CPU\" that of `redis-server`, with the "
                + "script calls Redis served per operation beside it (each call of the Redis stores is one script). \"Total CPU\" is server + load generator + "
                + "PostgreSQL + Redis per operation, and the CPU ceiling is the "
                + String.format(Locale.ROOT, "%,.0f", cpuPerSecond)
                + " ms of CPU the cores have each second ÷ that total: the most operations per second this machine "
                + "could do, whatever the wall clock of a shared run says; beside it, that ceiling ÷ the JDK floor by "
                + "CPU (the cores' CPU ÷ the JDK signature's CPU ÷ the operation's RS256 signatures), which is the "
                + "JDK signature's CPU × signatures ÷ total CPU and, unlike the wall-clock floor, holds when the "
                + "machine is shared.\n");
        for (String section : b.sections()) {
            s.append('\n').append(section).append('\n');
        }
        if (b.jmhJson() != null && Files.exists(b.jmhJson())) {
            s.append('\n').append(jmh(Bench.readJson(b.jmhJson()), Files.getLastModifiedTime(b.jmhJson())));
        }
        return s.toString();
    }

    /** JMH results: per benchmark, the mean of each fork's iterations; median (min–max) over forks. */
    static String jmh(JsonNode results, java.nio.file.attribute.FileTime when) {
        StringBuilder s = new StringBuilder();
        s.append("**Microbenchmarks** (JMH 1.37, `-f 3 -wi 2 -w 1s -i 3 -r 1s`, finished ")
                .append(when.toString())
                .append("; per fork the mean of its "
                        + "measurement iterations; median (min–max) over forks; one thread):\n\n");
        s.append("| benchmark | params | time per op | forks |\n|---|---|---|---|\n");
        for (JsonNode r : results) {
            String name = r.get("benchmark").asText().replace("org.phonepass.bench.jmh.", "");
            String unit = r.get("primaryMetric").get("scoreUnit").asText();
            List<Double> forks = new ArrayList<>();
            for (JsonNode fork : r.get("primaryMetric").get("rawData")) {
                double sum = 0;
                for (JsonNode it : fork) {
                    sum += it.asDouble();
                }
                forks.add(sum / fork.size());
            }
            String params = r.has("params") ? r.get("params").toString().replaceAll("[{}\"]", "") : "";
            s.append("| ")
                    .append(name)
                    .append(" | ")
                    .append(params)
                    .append(" | ")
                    .append(String.format(
                            Locale.ROOT,
                            "%s (%s–%s) %s",
                            num(median(forks)),
                            num(Collections.min(forks)),
                            num(Collections.max(forks)),
                            unit.replace("/op", "")))
                    .append(" | ")
                    .append(forks.size())
                    .append(" |\n");
        }
        return s.toString();
    }

    private static String num(double v) {
        return v >= 100
                ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static <T> String range(List<T> xs, ToDoubleFunction<T> f, String format) {
        List<Double> v = new ArrayList<>();
        for (T x : xs) {
            v.add(f.applyAsDouble(x));
        }
        if (format == null) {
            return fmt(median(v)) + " (" + fmt(Collections.min(v)) + "–" + fmt(Collections.max(v)) + ")";
        }
        return String.format(Locale.ROOT, format, median(v)) + " ("
                + String.format(Locale.ROOT, format, Collections.min(v)).replace(" %", "") + "–"
                + String.format(Locale.ROOT, format, Collections.max(v)).replace(" %", "") + ")";
    }

    static double median(List<Double> v) {
        List<Double> sorted = new ArrayList<>(v);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }

    private static String msRange(List<Long> ms) {
        if (ms.isEmpty()) {
            return "not measured";
        }
        List<Double> v = ms.stream().map(Long::doubleValue).toList();
        return v.size() == 1
                ? String.format(Locale.ROOT, "%.2f s", v.get(0) / 1000)
                : String.format(
                        Locale.ROOT,
                        "%.2f s (%.2f–%.2f)",
                        median(v) / 1000,
                        Collections.min(v) / 1000,
                        Collections.max(v) / 1000);
    }

    static String javaVersion(String java) {
        try {
            Process p = new ProcessBuilder(java, "-version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out.lines()
                    .filter(l -> l.contains("Server VM") || l.contains("Runtime"))
                    .reduce((a, c) -> c)
                    .orElse(java)
                    .trim();
        } catch (IOException | InterruptedException e) {
            return java;
        }
    }

    private static String cpuModel() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown CPU";
    }

    private static String memTotal() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                long kb = Long.parseLong(line.replaceAll("\\D", ""));
                return String.format(Locale.ROOT, "%.1f GiB", kb / 1048576.0);
            }
        }
        return "? GiB";
    }
}
