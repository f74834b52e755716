package org.phonepass.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code bench/run}: the whole benchmark. Starts everything it needs (server processes, a fake SMS vendor, a
 * throwaway PostgreSQL database), measures, stops it all, and writes the results as Markdown.
 *
 * <p>Options: {@code --quick}, {@code --jar FILE}, {@code --out FILE}, {@code --jmh-json FILE} (JMH results to
 * include), {@code --seconds N} (per measured run), {@code --server-opts "..."} (server JVM options),
 * {@code --no-postgres}, {@code --label TEXT} (a note on the conditions), {@code --only embedded|vendor|postgres|startup|hosted}
 * (one part; {@code startup} measures start-up alone, three first starts and three restarts, even with --quick),
 * {@code --levels 16,64,256} (the concurrency levels of the scenarios; default 64 with --quick, else 16,64,256),
 * {@code --client wrk|java} (the load generator of the one-request scenarios; default wrk when it is installed, see
 * {@link Wrk}), {@code --rows "NAME;NAME"} (only the scenarios of these names, as the table writes them),
 * {@code --profile LIB} with {@code --profile-event cpu|alloc} (async-profiler on each measured run).
 */
public final class Bench {
    static final int CLK_TCK = 100;

    private final boolean quick;
    private final int[] levels;
    private final Path jar;
    private final Path out;
    private final Path jmhJson;
    private final Duration runTime;
    private final List<String> serverOpts;
    private final boolean postgres;
    private final String label;
    private final Path work;
    private final String only;
    private String serverJava;
    /** {@code --server-crypto auto|jdk}: the server's {@code crypto.provider} (PHONEPASS_CRYPTO_PROVIDER). */
    private final String serverCrypto;
    /** {@code --peer keycloak}: Keycloak's password grant in the same run ({@link Keycloak}). */
    private final String peer;
    /**
     * {@code --rows "NAME;NAME"}: only the scenarios of these names (as the table writes them), for a short A/B
     * run of one row; null for every scenario.
     */
    private final List<String> rowFilter;

    private final String alsoJava;
    /** With {@code --profile LIB}: async-profiler, attached to the server for each measured run. */
    private final String profiler;
    /**
     * {@code --profile-event}: what async-profiler samples, {@code cpu} (the default, about once a millisecond of CPU)
     * or {@code alloc} (allocations, written as bytes: the GC's share comes from them).
     */
    private final String profileEvent;
    /** {@code --client}: wrk, java, or null for wrk when it is installed. */
    private final String clientChoice;
    /** wrk for the one-request scenarios, or null: then every scenario runs on {@link Load}. */
    private Wrk wrk;

    private int profiled;
    /** True during the warm-up, whose rounds are not profiled. */
    private boolean warming;
    /** The PostgreSQL + Redis of the rows being measured, whose own CPU each run reads; null for other rows. */
    private Postgres services;

    private final ExecutorService callbacks = Executors.newFixedThreadPool(3, r -> {
        Thread t = new Thread(r, "bench-callbacks");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = Load.client(callbacks);
    private final Phones phones = new Phones();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> sections = new ArrayList<>();
    private final Map<String, Double> estimates = new LinkedHashMap<>();
    /** The wrk rows that had their discarded warm pass ({@link #measureWrk}). */
    private final Set<String> warmedRows = new HashSet<>();
    /** {@code --data-copy DIR}: a saved copy of the loaded data folder for {@code --only data}, reused when present. */
    private Path dataCopy;
    /** {@code --warm-sweep no}: {@code --only data} without the second backlog and its sweep. */
    private boolean warmSweepToo = true;

    /**
     * One measured run. {@code services}: what PostgreSQL and Redis spent during it (rows on that store), or null.
     */
    record Run(
            Load.Result r,
            double cpuMsPerOp,
            double jitCpuMsPerOp,
            double driverCpuMsPerOp,
            long rssMaxKb,
            long threadsIdle,
            long threadsMax,
            int vendorMax,
            Postgres.Usage services) {
        /** PostgreSQL's CPU per operation in ms, or NaN when the row did not run on it. */
        double pgCpuMsPerOp() {
            return services == null ? Double.NaN : services.pgTicks() * 1000.0 / CLK_TCK / Math.max(1, r.ok);
        }

        double redisCpuMsPerOp() {
            return services == null ? Double.NaN : services.redisTicks() * 1000.0 / CLK_TCK / Math.max(1, r.ok);
        }

        double redisCommandsPerOp() {
            return services == null || services.redisCommands() < 0
                    ? Double.NaN
                    : services.redisCommands() / (double) Math.max(1, r.ok);
        }

        /** Everything this machine spent per operation: server, load generator, and PostgreSQL and Redis if used. */
        double totalCpuMsPerOp() {
            return cpuMsPerOp + driverCpuMsPerOp + (services == null ? 0 : pgCpuMsPerOp() + redisCpuMsPerOp());
        }
    }

    /** One table row: a scenario on a store at a concurrency, several runs. */
    record Row(String scenario, String store, int concurrency, int signatures, List<Run> runs) {}

    /**
     * The environment docs/deployment.md's systemd unit and the container image give the server beside the JVM options
     * above: two glibc malloc arenas instead of up to 16 on 2 cores, which lowered the peak of the slow-vendor row
     * (docs/benchmarks.md, "1 024 connections, the heap per waiting request").
     */
    static final Map<String, String> DEPLOYMENT_ENV = Map.of("MALLOC_ARENA_MAX", "2");

    Bench(Map<String, String> opts) {
        quick = opts.containsKey("quick");
        jar = Path.of(opts.getOrDefault("jar", "server/target/phonepass.jar")).toAbsolutePath();
        out = Path.of(opts.getOrDefault("out", quick ? "bench/target/results-quick.md" : "bench/target/results.md"));
        jmhJson = opts.containsKey("jmh-json") ? Path.of(opts.get("jmh-json")) : null;
        runTime = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("seconds", quick ? "2" : "5")));
        // The JVM options docs/deployment.md recommends for a 2-core node (its environment: DEPLOYMENT_ENV).
        serverOpts = List.of(opts.getOrDefault(
                        "server-opts",
                        "-Xms48m -Xmx128m -XX:MinHeapFreeRatio=20 "
                                + "-XX:MaxHeapFreeRatio=40 -XX:+UseSerialGC -XX:TrimNativeHeapInterval=1000")
                .trim()
                .split("\\s+"));
        postgres = (!quick || "postgres".equals(opts.get("only"))) && !opts.containsKey("no-postgres");
        label = opts.getOrDefault("label", "");
        work = Path.of(opts.getOrDefault("work", "bench/target/work")).toAbsolutePath();
        only = opts.get("only");
        levels = Stream.of(
                        opts.getOrDefault("levels", quick ? "64" : "16,64,256").split(","))
                .mapToInt(l -> Integer.parseInt(l.trim()))
                .toArray();
        alsoJava = opts.get("also-java");
        profiler = opts.get("profile");
        profileEvent = opts.getOrDefault("profile-event", "cpu");
        clientChoice = opts.get("client");
        if (clientChoice != null && !clientChoice.equals("wrk") && !clientChoice.equals("java")) {
            throw new IllegalArgumentException("--client is wrk or java");
        }
        serverCrypto = opts.getOrDefault("server-crypto", "auto");
        peer = opts.get("peer");
        rowFilter = opts.containsKey("rows")
                ? Stream.of(opts.get("rows").split(";")).map(String::trim).toList()
                : null;
        dataCopy =
                opts.containsKey("data-copy") ? Path.of(opts.get("data-copy")).toAbsolutePath() : null;
        warmSweepToo = !"no".equals(opts.get("warm-sweep"));
        serverJava = opts.getOrDefault(
                "server-java",
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + a);
            }
            String key = a.substring(2);
            if (Stream.of("quick", "no-postgres").anyMatch(key::equals)) {
                opts.put(key, "true");
            } else if (i + 1 < args.length) {
                opts.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value (bench/run --help)");
            }
        }
        new Bench(opts).all();
        System.exit(0);
    }

    void all() throws Exception {
        deleteTree(work);
        Files.createDirectories(work);
        wrk = "java".equals(clientChoice) ? null : Wrk.find(work);
        if (wrk == null && "wrk".equals(clientChoice)) {
            throw new IllegalStateException("--client wrk, but no wrk on the PATH (Debian: apt-get install wrk)");
        }
        if (wrk == null && clientChoice == null) {
            notes.add("wrk was not installed, so every scenario ran on the Java client, which spends several times "
                    + "wrk's CPU per request on the cores the server runs on (Debian: `apt-get install wrk`).");
        }
        say("load generator: " + loadGenerator());
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        long began = System.nanoTime();

        say("floor: RS256 signatures per second on " + Runtime.getRuntime().availableProcessors() + " threads");
        int windows = 3;
        org.phonepass.server.crypto.CryptoProviders.Choice nat = Floor.nativeProvider();
        List<List<Floor.Window>> floors = Floor.measure(
                Runtime.getRuntime().availableProcessors(),
                Duration.ofSeconds(quick ? 1 : 3),
                windows,
                nat == null
                        ? List.of(org.phonepass.server.crypto.CryptoProviders.jdk())
                        : List.of(org.phonepass.server.crypto.CryptoProviders.jdk(), nat));
        List<Floor.Window> floor = floors.get(0);
        List<Floor.Window> nativeFloor = nat == null ? null : floors.get(1);
        say("floor (JDK) " + floor + (nat == null ? "" : "; native " + nativeFloor));

        say("start-up");
        List<Long> fresh = new ArrayList<>();
        List<Long> restart = new ArrayList<>();
        List<Long> restartCds = new ArrayList<>();
        List<Long> restartJdk = new ArrayList<>();
        List<Long> cpuCds = new ArrayList<>();
        List<Long> cpuJdk = new ArrayList<>();
        List<Long> cpuFresh = new ArrayList<>();
        List<Long> cpuRestart = new ArrayList<>();
        for (int i = 0; i < ("startup".equals(only) ? 3 : only != null ? 0 : quick ? 1 : 3); i++) {
            Path dir = work.resolve("startup-" + i).resolve("phonepass-data");
            try (ServerProcess s = ServerProcess.startPlain(serverJava, jar, dir, client, Duration.ofSeconds(60))) {
                fresh.add(s.startMillis);
                cpuFresh.add(s.startCpuMillis);
            }
            try (ServerProcess s = ServerProcess.startPlain(serverJava, jar, dir, client, Duration.ofSeconds(60))) {
                restart.add(s.startMillis);
                cpuRestart.add(s.startCpuMillis);
            }
        }
        say("start-up fresh " + fresh + " restart " + restart);
        if ("startup".equals(only)) {
            // As docs/deployment.md recommends: a class-data-sharing archive made by one run, then restarts with it;
            // and restarts with crypto.provider: jdk, to show what loading the native provider costs.
            Path dir = work.resolve("startup-cds").resolve("phonepass-data");
            Path jsa = work.resolve("phonepass.jsa");
            try (ServerProcess s = ServerProcess.startPlain(
                    serverJava,
                    jar,
                    dir,
                    client,
                    Duration.ofSeconds(60),
                    List.of("-XX:ArchiveClassesAtExit=" + jsa),
                    Map.of())) {
                say("start-up: making the archive (" + s.startMillis + " ms)");
            }
            Thread.sleep(2000);
            for (int i = 0; i < 3; i++) {
                try (ServerProcess s = ServerProcess.startPlain(
                        serverJava,
                        jar,
                        dir,
                        client,
                        Duration.ofSeconds(60),
                        List.of("-XX:SharedArchiveFile=" + jsa),
                        Map.of())) {
                    restartCds.add(s.startMillis);
                    cpuCds.add(s.startCpuMillis);
                }
                try (ServerProcess s = ServerProcess.startPlain(
                        serverJava,
                        jar,
                        dir,
                        client,
                        Duration.ofSeconds(60),
                        List.of(),
                        Map.of("PHONEPASS_CRYPTO_PROVIDER", "jdk"))) {
                    restartJdk.add(s.startMillis);
                    cpuJdk.add(s.startCpuMillis);
                }
            }
            say("start-up restart with the archive " + restartCds + "; restart with crypto.provider jdk " + restartJdk);
            sections.add(String.format(
                    Locale.ROOT,
                    "**Start-up, other ways** (alternating): restart with a class-data-sharing archive "
                            + "(`-XX:SharedArchiveFile`, made by one run with `-XX:ArchiveClassesAtExit`, as "
                            + "docs/deployment.md recommends): %s ms; restart with `PHONEPASS_CRYPTO_PROVIDER=jdk` "
                            + "(the native provider not loaded): %s ms. Server CPU (utime + stime, all threads) up to "
                            + "the first answer, which moves far less than the wall time when the cores are shared: "
                            + "first start %s ms, restart %s ms, restart with the archive %s ms, restart with "
                            + "`jdk` %s ms.",
                    restartCds,
                    restartJdk,
                    cpuFresh,
                    cpuRestart,
                    cpuCds,
                    cpuJdk));
        }

        if (only == null || only.equals("embedded")) {
            scenarios(ServerProcess.Setup.embedded(), "embedded", levels);
        }
        if ("hosted".equals(only)) {
            try (ServerProcess server = start(ServerProcess.Setup.embedded(), work.resolve("server-hosted"))) {
                Load load = new Load(server.base(), phones, client, callbacks);
                say("embedded: warm-up");
                warmUp(server, load);
                hosted(server, load, "embedded", levels);
            }
        }
        if (only == null || only.equals("vendor")) {
            vendor(ServerProcess.Setup.embedded(), "embedded");
            if (alsoJava != null && Files.isExecutable(Path.of(alsoJava))) {
                // The same on a JVM with virtual threads (21+), where Javalin serves requests on them.
                String usual = serverJava;
                serverJava = alsoJava;
                try {
                    vendor(
                            ServerProcess.Setup.embedded(),
                            "embedded, server on "
                                    + Report.javaVersion(alsoJava).replaceAll(".*\\(build ([^,)]*).*", "Java $1"));
                } finally {
                    serverJava = usual;
                }
            }
        }
        if ("tls".equals(only) || (only == null && !quick)) {
            say("TLS cost per provider and certificate");
            sections.add("**TLS** (`--only tls`; server CPU per `GET /health/live`, wrk with 2 threads and 16 "
                    + "connections, " + (quick ? 2 : 3) + "-s windows, the three ways interleaved, median (min–max) "
                    + "of 3):\n\n" + TlsCost.run(this, work, 3, Duration.ofSeconds(quick ? 2 : 3)));
        }
        if (postgres && (only == null || only.equals("postgres"))) {
            try (Postgres pg = Postgres.create(work)) {
                if (pg == null) {
                    notes.add("PostgreSQL or Redis was not reachable on 127.0.0.1: their rows were skipped.");
                } else {
                    ServerProcess.Setup withRedis = pg.setup();
                    services = pg;
                    try {
                        if (startsAt(withRedis, "probe-redis")) {
                            scenarios(withRedis, "PostgreSQL + Redis", levels);
                        } else {
                            notes.add("The server did not start with `redis.url` set (see "
                                    + "probe-redis.log in the bench work folder); the PostgreSQL rows keep the codes "
                                    + "in PostgreSQL instead of Redis.");
                            scenarios(pg.setupWithoutRedis(), "PostgreSQL", levels);
                        }
                    } finally {
                        services = null;
                    }
                }
            }
        }
        if ("data".equals(only)) {
            sections.add(dataGrowth());
        }
        if ("keycloak".equals(peer)) {
            sections.add(keycloak());
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        double minutes = (System.nanoTime() - began) / 60e9;
        String md = Report.markdown(this, floor, nativeFloor, fresh, restart, loadBefore, loadAfter, minutes);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        say("wrote " + out + String.format(Locale.ROOT, " (%.1f min)", minutes));
        callbacks.shutdownNow();
    }

    /**
     * {@code --only data}: verify and refresh on an embedded store holding 1 million users, 10 million audit events
     * (1 million of them past the 90-day retention), 1 million live refresh tokens and 1 million expired codes,
     * against an empty store in the same run; the start-up on that store; and refreshes in 2-s windows while the
     * first housekeeping sweeps the expired codes and old audit events, to see whether a sweep stalls them.
     */
    private String dataGrowth() throws Exception {
        int users = Integer.parseInt(System.getProperty("bench.users", "1000000"));
        int audit = Integer.parseInt(System.getProperty("bench.audit", "10000000"));
        int million = users;
        Path dir = work.resolve("server-big").resolve("phonepass-data");
        BigStore.Loaded loaded;
        if (dataCopy != null && Files.isDirectory(dataCopy)) {
            // A store loaded by an earlier run: copied, not loaded again (its schema is the one of the jar that
            // made it; a newer jar migrates it at its first start).
            Files.createDirectories(dir.getParent());
            long t0 = System.nanoTime();
            copyTree(dataCopy, dir);
            loaded = new BigStore.Loaded(-1, Files.size(dir.resolve("phonepass.db")), (System.nanoTime() - t0) / 1e9);
            say("data: copied " + dataCopy + " in " + loaded.seconds() + " s");
        } else {
            try (ServerProcess s = start(ServerProcess.Setup.embedded(), dir)) {
                say("data: schema and keys made (" + s.startMillis + " ms)");
            }
            say("data: loading " + users + " users, " + audit + " audit events, " + million + " refresh tokens and "
                    + million + " expired codes");
            loaded = BigStore.preload(dir.resolve("phonepass.db"), users, audit, audit / 100, million, million / 10);
            if (dataCopy != null) {
                copyTree(dir, dataCopy);
            }
        }
        say("data: loaded in " + loaded.seconds() + " s, " + loaded.totalBytes() / 1_048_576 + " MiB");
        StringBuilder md = new StringBuilder();
        boolean copied = loaded.bytesPerMillionUsers() < 0;
        md.append(String.format(
                Locale.ROOT,
                "**Data growth** (`--only data`, embedded store): %,d users, %,d audit events (%,d older than the "
                        + "90-day retention), %,d live refresh tokens and %,d expired codes %s; database %,d MiB%s. "
                        + "Concurrency 64, wrk, %d-s runs, median (min–max) of 3.%n%n",
                users,
                audit,
                audit / 100,
                million,
                million / 10,
                copied
                        ? String.format(
                                Locale.ROOT,
                                "in a store an earlier run wrote with SQL, copied in %.0f s (`--data-copy`)",
                                loaded.seconds())
                        : String.format(
                                Locale.ROOT, "written with SQL before the server starts (%.0f s)", loaded.seconds()),
                loaded.totalBytes() / 1_048_576,
                copied
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                ", of which users %,d MiB per million",
                                loaded.bytesPerMillionUsers() / 1_048_576),
                runTime.toSeconds()));
        List<String[]> windows = new ArrayList<>();
        long bigStart;
        long emptyStart;
        List<Row> bigRows = new ArrayList<>();
        List<Row> emptyRows = new ArrayList<>();
        try (ServerProcess server = start(ServerProcess.Setup.embedded(), dir)) {
            bigStart = server.startMillis;
            Load load = new Load(server.base(), phones, client, callbacks);
            // The first housekeeping runs a second after start: refreshes in 2-s windows while it sweeps.
            long began = System.currentTimeMillis();
            String logText = "";
            for (int w = 0; w < 40; w++) {
                windows.add(refreshWindow(server, load, windows.size()));
                logText = Files.readString(server.log);
                if (logText.contains("audit events older than") && w >= 3
                        || System.currentTimeMillis() - began > 120_000) {
                    // two windows at each concurrency after the last sweep ended, for the comparison
                    if (windows.size() >= 2 && logText.contains("audit events older than")) {
                        for (int k = 0; k < 2 * SWEEP_LEVELS.length; k++) {
                            windows.add(refreshWindow(server, load, windows.size()));
                        }
                    }
                    break;
                }
            }
            md.append(sweepTable(
                            logText,
                            windows,
                            0,
                            "The first housekeeping after start (the JIT still cold), as the server logged it"))
                    .append('\n');
            // The empty store's server runs beside the large one, and their runs alternate (large, empty, large,
            // ...), so that a shared machine's changing load weighs on both alike.
            Path empty = work.resolve("server-small").resolve("phonepass-data");
            try (ServerProcess s = start(ServerProcess.Setup.embedded(), empty)) {
                // made the keys and the schema
            }
            try (ServerProcess small = start(ServerProcess.Setup.embedded(), empty)) {
                emptyStart = small.startMillis;
                Load smallLoad = new Load(small.base(), phones, client, callbacks);
                warmUp(small, smallLoad);
                for (String scenario : List.of("verify /oauth/token", "refresh (rotating)")) {
                    Row big = new Row(scenario, "embedded, 1M users", 64, 1, new ArrayList<>());
                    Row none = new Row(scenario, "embedded, empty", 64, 1, new ArrayList<>());
                    for (int i = 0; i < 3; i++) {
                        big.runs().add(dataRun(server, load, scenario, big.store()));
                        none.runs().add(dataRun(small, smallLoad, scenario, none.store()));
                    }
                    for (Row r : List.of(big, none)) {
                        say(scenario + " " + r.store() + ": "
                                + median(r.runs(), x -> x.r().throughput()).r().throughput() + "/s");
                    }
                    bigRows.add(big);
                    emptyRows.add(none);
                }
            }
            if (warmSweepToo) {
                md.append(warmSweep(server, load, dir.resolve("phonepass.db"), million, audit / 10));
            }
        }
        md.append("| scenario | store | ops/s | p50 ms | p99 ms | server CPU ms/op | written to storage kB/op "
                + "| big ÷ empty ops/s |\n|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < bigRows.size(); i++) {
            for (Row r : List.of(emptyRows.get(i), bigRows.get(i))) {
                md.append("| ")
                        .append(r.scenario())
                        .append(" | ")
                        .append(r.store())
                        .append(" | ")
                        .append(Report.range(r.runs(), x -> x.r().throughput(), null))
                        .append(" | ")
                        .append(Report.range(r.runs(), x -> x.r().percentileMs(50), "%.1f"))
                        .append(" | ")
                        .append(Report.range(r.runs(), x -> x.r().percentileMs(99), "%.1f"))
                        .append(" | ")
                        .append(Report.range(r.runs(), Run::cpuMsPerOp, "%.2f"))
                        .append(" | ")
                        .append(Report.range(r.runs(), x -> diskKbPerOp.getOrDefault(x, Double.NaN), "%.1f"))
                        .append(" | ")
                        .append(
                                r == bigRows.get(i)
                                        ? String.format(
                                                Locale.ROOT,
                                                "%.0f %%",
                                                100
                                                        * median(r.runs(), x -> x.r().throughput())
                                                                .r()
                                                                .throughput()
                                                        / median(
                                                                        emptyRows
                                                                                .get(i)
                                                                                .runs(),
                                                                        x -> x.r().throughput())
                                                                .r()
                                                                .throughput())
                                        : "")
                        .append(" |\n");
            }
        }
        md.append(String.format(
                Locale.ROOT,
                "%nStart-up with the data above (`java %s -jar`, to the first 200 from `/health/live`): %.2f s; with "
                        + "the empty store: %.2f s.%n",
                String.join(" ", serverOpts),
                bigStart / 1000.0,
                emptyStart / 1000.0));
        return md.toString();
    }

    /**
     * A second backlog on the warm server: {@code codes} expired codes and {@code oldEvents} audit events past the
     * retention written into the live database (SQL, from this process, with no load running), then refreshes at
     * concurrencies 16 and 64 in turn, in 2-s windows, until the next housekeeping (every 60 s) has swept them, and
     * two windows at each after.
     * Unlike the first sweep at start, the JIT is warm here, so the windows show what the sweep alone costs.
     */
    private String warmSweep(ServerProcess server, Load load, Path db, int codes, int oldEvents) throws Exception {
        long sweptBefore = sweepLines(Files.readString(server.log));
        say("data: writing " + codes + " expired codes and " + oldEvents + " old audit events into the live store");
        double seconds = BigStore.addBacklog(db, codes, oldEvents);
        long since = System.currentTimeMillis();
        List<String[]> windows = new ArrayList<>();
        String logText = "";
        while (System.currentTimeMillis() - since < 600_000) {
            windows.add(refreshWindow(server, load, windows.size()));
            logText = Files.readString(server.log);
            if (sweepLines(logText) >= sweptBefore + 2) {
                for (int k = 0; k < 2 * SWEEP_LEVELS.length; k++) {
                    windows.add(refreshWindow(server, load, windows.size()));
                }
                break;
            }
        }
        return String.format(
                        Locale.ROOT,
                        "%nThen, on the warm server, %,d expired codes and %,d audit events past the retention were "
                                + "written into the live store (%.0f s, no load running), and refreshes ran in 2-s "
                                + "windows until the next housekeeping had swept them.%n%n",
                        codes,
                        oldEvents,
                        seconds)
                + sweepTable(logText, windows, since, "That housekeeping, as the server logged it")
                + "\n";
    }

    /** Copies a data folder (files and one level of folders: the database, its key and TLS folders). */
    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** How many sweep lines (expired codes, old audit events) the server has logged. */
    private static long sweepLines(String log) {
        return log.lines()
                .filter(l -> l.contains("housekeeping: deleted") || l.contains("audit events older than"))
                .count();
    }

    /**
     * The concurrencies of the sweep windows, taken in turn: 16 and 64, the two at which the targets name a tail
     * (p99 < 25 ms at 16, p99 ≤ 2× p50 at 64), so that a sweep's effect is read against each.
     */
    private static final int[] SWEEP_LEVELS = {16, 64};

    /**
     * One 2-s wrk run of rotating refreshes, the {@code n}-th window of a series, at the concurrency of its turn in
     * {@link #SWEEP_LEVELS}: start, end, refresh/s, p50, p99, concurrency.
     */
    private String[] refreshWindow(ServerProcess server, Load load, int n) throws Exception {
        int concurrency = SWEEP_LEVELS[n % SWEEP_LEVELS.length];
        List<String> tokens = refreshTokens(load, concurrency + Wrk.THREADS);
        long t0 = System.currentTimeMillis();
        Wrk.Outcome o = wrk.run(server.base(), "refresh", tokens, concurrency, Duration.ofSeconds(2), null, () -> {});
        long t1 = System.currentTimeMillis();
        return new String[] {
            Long.toString(t0),
            Long.toString(t1),
            String.format(Locale.ROOT, "%.0f", o.result().throughput()),
            String.format(Locale.ROOT, "%.1f", o.result().percentileMs(50)),
            String.format(Locale.ROOT, "%.1f", o.result().percentileMs(99)),
            Integer.toString(concurrency)
        };
    }

    /**
     * The housekeeping's log lines after {@code sinceMillis}, and the refresh windows with those that overlapped a
     * sweep marked, with p99 ÷ p50 per window and the largest such ratio during sweeps and outside them.
     */
    private static String sweepTable(String log, List<String[]> windows, long sinceMillis, String heading) {
        List<long[]> sweeps = new ArrayList<>();
        StringBuilder said = new StringBuilder();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "^(\\S+) INFO .*?(housekeeping: deleted .*? in (\\d+) ms.*|deleted \\d+ audit events .*? in (\\d+) ms)$",
                        java.util.regex.Pattern.MULTILINE)
                .matcher(log);
        while (m.find()) {
            long end = java.time.OffsetDateTime.parse(m.group(1)).toInstant().toEpochMilli();
            if (end < sinceMillis) {
                continue;
            }
            long ms = 0;
            java.util.regex.Matcher d =
                    java.util.regex.Pattern.compile("in (\\d+) ms").matcher(m.group(2));
            while (d.find()) {
                ms += Long.parseLong(d.group(1));
            }
            sweeps.add(new long[] {end - ms, end});
            said.append("- `").append(m.group(2)).append("`\n");
        }
        StringBuilder md = new StringBuilder();
        md.append(heading)
                .append(":\n\n")
                .append(said.length() == 0 ? "- (no sweep line was logged)\n" : said)
                .append("\nRotating refreshes in 2-s windows at concurrency "
                        + Arrays.stream(SWEEP_LEVELS)
                                .mapToObj(Integer::toString)
                                .collect(Collectors.joining(" and "))
                        + " in turn (wrk; \"during a sweep\" when the window overlaps one):\n\n"
                        + "| window | conc. | during a sweep | refresh/s | p50 ms | p99 ms | p99 ÷ p50 |\n"
                        + "|---|---|---|---|---|---|---|\n");
        long first = windows.isEmpty() ? 0 : Long.parseLong(windows.get(0)[0]);
        Map<Integer, List<double[]>> during = new TreeMap<>();
        Map<Integer, List<double[]>> outside = new TreeMap<>();
        for (String[] w : windows) {
            long a = Long.parseLong(w[0]), b = Long.parseLong(w[1]);
            int concurrency = Integer.parseInt(w[5]);
            boolean inSweep = sweeps.stream().anyMatch(s -> s[0] < b && s[1] > a);
            double p50 = Double.parseDouble(w[3]);
            double p99 = Double.parseDouble(w[4]);
            double ratio = p50 > 0 ? p99 / p50 : 0;
            (inSweep ? during : outside)
                    .computeIfAbsent(concurrency, k -> new ArrayList<>())
                    .add(new double[] {Double.parseDouble(w[2]), p50, p99, ratio});
            md.append(String.format(
                    Locale.ROOT,
                    "| %.1f–%.1f s | %d | %s | %s | %s | %s | %.1f |%n",
                    (a - first) / 1000.0,
                    (b - first) / 1000.0,
                    concurrency,
                    inSweep ? "yes" : "no",
                    w[2],
                    w[3],
                    w[4],
                    ratio));
        }
        md.append("\nMedian of the windows (refresh/s, p50, p99, p99 ÷ p50) and the largest p99 ÷ p50:\n\n"
                + "| conc. | during a sweep | outside | largest p99 ÷ p50 during / outside |\n|---|---|---|---|\n");
        for (int concurrency : SWEEP_LEVELS) {
            List<double[]> in = during.getOrDefault(concurrency, List.of());
            List<double[]> out = outside.getOrDefault(concurrency, List.of());
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %s | %s | %.1f / %.1f |%n",
                    concurrency,
                    medians(in),
                    medians(out),
                    in.stream().mapToDouble(x -> x[3]).max().orElse(0),
                    out.stream().mapToDouble(x -> x[3]).max().orElse(0)));
        }
        return md.toString();
    }

    /** "n windows: 950/s, 13.1 ms, 32.0 ms, 2.4" from rows of refresh/s, p50, p99, p99 ÷ p50. */
    private static String medians(List<double[]> windows) {
        if (windows.isEmpty()) {
            return "no window";
        }
        double[] m = new double[4];
        for (int k = 0; k < 4; k++) {
            int col = k;
            double[] v = windows.stream().mapToDouble(x -> x[col]).sorted().toArray();
            m[k] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        return String.format(
                Locale.ROOT, "%d windows: %.0f/s, %.1f ms, %.1f ms, %.1f", windows.size(), m[0], m[1], m[2], m[3]);
    }

    /**
     * Bytes the server process had written to storage per operation in each data run ({@code write_bytes} of
     * {@code /proc/<pid>/io}: the WAL's frames and the checkpoints' pages, whatever the host's speed).
     */
    private final Map<Run, Double> diskKbPerOp = new IdentityHashMap<>();

    /** One measured run of verify or refresh at concurrency 64 for {@code --only data}. */
    private Run dataRun(ServerProcess server, Load load, String scenario, String store) throws Exception {
        long written = server.storageWriteBytes();
        Run run = dataRunOnly(server, load, scenario, store);
        diskKbPerOp.put(run, (server.storageWriteBytes() - written) / 1024.0 / Math.max(1, run.r().ok));
        return run;
    }

    private Run dataRunOnly(ServerProcess server, Load load, String scenario, String store) throws Exception {
        return scenario.startsWith("verify")
                ? measureWrk(server, 64, "token", scenario + store, 1_000, n -> codeLines(load, n), null)
                : measureWrk(
                        server, 64, "refresh", scenario + store, 64, n -> refreshTokens(load, 64 + Wrk.THREADS), null);
    }

    /** wrk's input for verify rows: one "phone code" line per fresh code, issued 64 at a time. */
    private static List<String> codeLines(Load load, int n) throws Exception {
        List<String> lines = new ArrayList<>(n);
        for (String[] pc : load.issueCodes(n, 64)) {
            lines.add(pc[0] + " " + pc[1]);
        }
        return lines;
    }

    /** Keycloak's password grant, default hashing and neutralised, beside this run's verify rows. */
    private String keycloak() throws Exception {
        if (wrk == null) {
            return "**Keycloak**: not measured (wrk is not installed).";
        }
        Path home = Keycloak.distribution(work.getParent().resolve("peer"));
        StringBuilder md = new StringBuilder();
        md.append("**Keycloak ")
                .append(Keycloak.VERSION)
                .append("** (`--peer keycloak`: `kc.sh start-dev`, H2, plain HTTP, default JVM options, on ")
                .append(Report.javaVersion(serverJava))
                .append("; its password grant with `scope=openid` driven by wrk, 2 threads, ")
                .append(runTime.toSeconds())
                .append("-s runs, median of 3; Phonepass's verify `/oauth/token` on the embedded store from the "
                        + "table above, same run, same load generator):\n\n");
        md.append("| system, what | conc. | ops/s | p50 ms | p99 ms | server CPU ms/op | peak RSS MiB | errors |"
                + " Phonepass verify ÷ this |\n|---|---|---|---|---|---|---|---|---|\n");
        String startNote;
        try (Keycloak kc = Keycloak.start(home, serverJava)) {
            long readyRss = kc.rssKb() / 1024;
            startNote = "Keycloak started (first `start-dev` on an empty data folder, to the first 200 from "
                    + "`/realms/master`) in " + String.format(Locale.ROOT, "%.1f s", kc.startMillis / 1000.0)
                    + ", " + readyRss + " MiB RSS when ready.";
            kc.setUp();
            for (String hashing : List.of("default", "neutralised")) {
                if (hashing.equals("neutralised")) {
                    kc.neutraliseHashing();
                }
                String algorithm = kc.credentialAlgorithm();
                say("keycloak " + hashing + " (" + algorithm + "): warm-up");
                kc.measure(work, 16, Duration.ofSeconds(quick ? 5 : 10));
                for (int c : levels) {
                    List<double[]> runs = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        runs.add(kc.measure(work, c, runTime));
                    }
                    double ours = rows.stream()
                            .filter(r -> r.scenario().equals("verify /oauth/token")
                                    && r.store().equals("embedded")
                                    && r.concurrency() == c)
                            .mapToDouble(r -> median(r.runs(), x -> x.r().throughput())
                                    .r()
                                    .throughput())
                            .findFirst()
                            .orElse(Double.NaN);
                    double theirs = Report.median(runs.stream().map(r -> r[0]).toList());
                    md.append("| ")
                            .append(Keycloak.fmtRow(
                                    "Keycloak password grant, " + hashing + " hashing (" + algorithm + ") | " + c,
                                    runs))
                            .append(" | ")
                            .append(
                                    Double.isNaN(ours)
                                            ? "(no verify row at this concurrency in this run)"
                                            : String.format(
                                                    Locale.ROOT,
                                                    "%.0f ÷ %.1f = **%.1f×**",
                                                    ours,
                                                    theirs,
                                                    ours / theirs))
                            .append(" |\n");
                    say("keycloak " + hashing + " c=" + c + ": " + theirs + "/s");
                }
            }
        }
        return md + "\n" + startNote + "\n";
    }

    /** The environment every measured server gets beside its settings file. */
    Map<String, String> serverEnv() {
        Map<String, String> env = new LinkedHashMap<>(DEPLOYMENT_ENV);
        env.put("PHONEPASS_CRYPTO_PROVIDER", serverCrypto);
        return env;
    }

    /** True when a server with these settings starts and answers. */
    private boolean startsAt(ServerProcess.Setup setup, String name) throws Exception {
        try (ServerProcess s = start(setup, work.resolve(name))) {
            return true;
        } catch (IllegalStateException e) {
            say("could not start with " + setup + ": " + e.getMessage());
            return false;
        }
    }

    ServerProcess start(ServerProcess.Setup setup, Path dir) throws Exception {
        return ServerProcess.start(
                serverJava, jar, serverOpts, setup, dir, client, Duration.ofSeconds(60), "", serverEnv());
    }

    /** Start, verify (two endpoints), login and refresh, with the dev inbox, on one server. */
    private void scenarios(ServerProcess.Setup setup, String store, int[] levels) throws Exception {
        try (ServerProcess server = start(setup, work.resolve("server-" + store.replaceAll("\\W", "")))) {
            say(store + ": threads at start " + threadNames(server));
            Load load = new Load(server.base(), phones, client, callbacks);
            say(store + ": warm-up");
            warmUp(server, load);
            Row start = null;
            for (int c : wanted("start (dev inbox)") ? levels : new int[0]) {
                Row row = new Row("start (dev inbox)", store, c, 0, new ArrayList<>());
                for (int i = 0; i < 3; i++) {
                    row.runs()
                            .add(
                                    wrk == null
                                            ? measure(server, load, c, runTime, () -> load.start(phones.next()), null)
                                            : measureWrk(
                                                    server,
                                                    c,
                                                    "start",
                                                    "start" + store,
                                                    3_000,
                                                    n -> {
                                                        List<String> numbers = new ArrayList<>(n);
                                                        for (int k = 0; k < n; k++) {
                                                            numbers.add(phones.next());
                                                        }
                                                        return numbers;
                                                    },
                                                    null));
                }
                add(row);
            }
            // An id_token (RS256) always; with an audience also a JWT access token, RS256 or EdDSA (at 64 only).
            record Verify(String name, String endpoint, String audience, int signatures, boolean allLevels) {}
            List<Verify> verifies = List.of(
                    new Verify("verify /oauth/ro", "/oauth/ro", null, 1, true),
                    new Verify("verify /oauth/token", "/oauth/token", null, 1, true),
                    new Verify(
                            "verify /oauth/token, audience: RS256 access token",
                            "/oauth/token",
                            ServerProcess.API_RS256,
                            2,
                            false),
                    new Verify(
                            "verify /oauth/token, audience: EdDSA access token",
                            "/oauth/token",
                            ServerProcess.API_EDDSA,
                            1,
                            false));
            for (Verify v : verifies) {
                String endpoint = v.endpoint();
                for (int c : wanted(v.name()) ? levels : new int[0]) {
                    if (!v.allLevels() && c != 64) {
                        continue;
                    }
                    Row row = new Row(v.name(), store, c, v.signatures(), new ArrayList<>());
                    for (int i = 0; i < 3 && wrk != null; i++) {
                        row.runs()
                                .add(measureWrk(
                                        server,
                                        c,
                                        endpoint.equals("/oauth/ro") ? "ro" : "token",
                                        v.name() + store,
                                        1_000,
                                        n -> codeLines(load, n),
                                        v.audience()));
                    }
                    for (int i = 0; i < 3 && wrk == null; i++) {
                        String key = v.name() + c + store;
                        int need = (int) Math.min(
                                60_000,
                                Math.max(
                                        200 + 4 * c,
                                        estimates.getOrDefault(key, 300.0)
                                                * (runTime.toSeconds() + 0.5)
                                                * (quick ? 1.5 : 2)));
                        ConcurrentLinkedQueue<String[]> codes = new ConcurrentLinkedQueue<>(load.issueCodes(need, 64));
                        Supplier<CompletableFuture<?>> op = () -> {
                            String[] pc = codes.poll();
                            if (pc == null) {
                                return null;
                            }
                            return endpoint.equals("/oauth/ro")
                                    ? load.verifyRo(pc[0], pc[1])
                                    : v.audience() == null
                                            ? load.verifyToken(pc[0], pc[1], "openid")
                                            : load.verifyToken(pc[0], pc[1], "openid", v.audience());
                        };
                        Run run = measure(server, load, c, runTime, op, null);
                        estimates.merge(key, run.r().throughput(), Math::max);
                        if (codes.isEmpty()) {
                            say("  (ran out of codes after " + String.format(Locale.ROOT, "%.1f", run.r().seconds)
                                    + " s; the next run issues more)");
                        }
                        row.runs().add(run);
                    }
                    add(row);
                }
            }
            for (int c : wanted("login (start, read code, verify)") ? levels : new int[0]) {
                Row row = new Row("login (start, read code, verify)", store, c, 1, new ArrayList<>());
                for (int i = 0; i < 3; i++) {
                    row.runs().add(measure(server, load, c, runTime, loginOp(load), null));
                }
                add(row);
            }
            if (wanted("hosted login (authorize, pages, code exchange)")) {
                hosted(server, load, store, levels);
            }
            for (int c : wanted("refresh (rotating)") ? levels : new int[0]) {
                ConcurrentLinkedQueue<String> tokens = new ConcurrentLinkedQueue<>(refreshTokens(load, c));
                Row row = new Row("refresh (rotating)", store, c, 1, new ArrayList<>());
                Supplier<CompletableFuture<?>> op = () -> {
                    String t = tokens.poll();
                    if (t == null) {
                        return CompletableFuture.failedFuture(new IllegalStateException("no refresh token left"));
                    }
                    return load.refresh(t).thenApply(r -> {
                        if (r.statusCode() == 200) {
                            tokens.add(field(r, "refresh_token"));
                        } else {
                            tokens.add(t);
                        }
                        return r;
                    });
                };
                for (int i = 0; i < 3; i++) {
                    // wrk's chains end with the run (answers in flight at its end are dropped), so each wrk run
                    // begins from fresh tokens, one per connection and one per thread (wrk.lua says why); the Java
                    // client's chains go on from run to run.
                    row.runs()
                            .add(
                                    wrk == null
                                            ? measure(server, load, c, runTime, op, null)
                                            : measureWrk(
                                                    server,
                                                    c,
                                                    "refresh",
                                                    "refresh" + store,
                                                    c,
                                                    n -> refreshTokens(load, c + Wrk.THREADS),
                                                    null));
                }
                add(row);
            }
        }
    }

    /** Whether {@code --rows} asks for the scenario of this name (every scenario without it). */
    private boolean wanted(String scenario) {
        return rowFilter == null || rowFilter.contains(scenario);
    }

    /** Starts with a vendor that answers in 2 s: many starts wait at once, and the thread count must not follow. */
    private void vendor(ServerProcess.Setup setup, String store) throws Exception {
        try (FakeVendor vendor = new FakeVendor(Duration.ofSeconds(2));
                ServerProcess server = start(setup.withVendor(vendor.url()), work.resolve("server-vendor"))) {
            Load load = new Load(server.base(), phones, client, callbacks);
            int c = 1024;
            say(store + ": vendor warm-up");
            // Connections open over 2 s, as a population of clients would, not in one burst of 1024 handshakes.
            load.run(
                    c, Duration.ofSeconds(quick ? 3 : 6), Duration.ofSeconds(2), () -> load.start(phones.next()), null);
            warmUp(server, load, c, () -> load.start(phones.next()), quick ? 20 : 40);
            say("  threads after warm-up: " + threadNames(server));
            Row row = new Row("start, vendor answers in 2 s", store, c, 0, new ArrayList<>());
            for (int i = 0; i < 3; i++) {
                vendor.takeMaxInFlight();
                int[] max = new int[1];
                Run run = measure(
                        server,
                        load,
                        c,
                        vendorRunTime(),
                        () -> load.start(phones.next()),
                        () -> max[0] = Math.max(max[0], vendor.takeMaxInFlight()));
                row.runs()
                        .add(new Run(
                                run.r(),
                                run.cpuMsPerOp(),
                                run.jitCpuMsPerOp(),
                                run.driverCpuMsPerOp(),
                                run.rssMaxKb(),
                                run.threadsIdle(),
                                run.threadsMax(),
                                Math.max(max[0], vendor.takeMaxInFlight()),
                                run.services()));
            }
            add(row);
            say("  threads after the runs: " + threadNames(server));
        }
    }

    /** The server's threads grouped by name (digits dropped), most numerous first: for the console, to diagnose. */
    static String threadNames(ServerProcess server) throws IOException {
        Map<String, Integer> groups = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(server.pid()), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    groups.merge(Files.readString(t.resolve("comm")).trim().replaceAll("\\d+", "#"), 1, Integer::sum);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return groups.entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue())
                .map(e -> e.getKey() + "=" + e.getValue())
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
    }

    Duration vendorRunTime() {
        return runTime.plusSeconds(quick ? 1 : 2);
    }

    /**
     * The hosted login, whole, per operation: /authorize, the number page and form, the code page and form, the
     * resume, and the code exchange (docs/hosted-login.md): nine requests and one signature.
     */
    private void hosted(ServerProcess server, Load load, String store, int[] levels) throws Exception {
        say(store + ": hosted login warm-up");
        warmUp(server, load, levels[0], () -> load.hostedLogin(phones.next()), quick ? 20 : 40);
        for (int c : levels) {
            Row row = new Row("hosted login (authorize, pages, code exchange)", store, c, 1, new ArrayList<>());
            for (int i = 0; i < 3; i++) {
                row.runs().add(measure(server, load, c, runTime, () -> load.hostedLogin(phones.next()), null));
            }
            add(row);
        }
    }

    private Supplier<CompletableFuture<?>> loginOp(Load load) {
        return () -> {
            String phone = phones.next();
            return load.start(phone)
                    .thenCompose(Load::require2xx)
                    .thenCompose(r -> load.codeFor(phone))
                    .thenCompose(code -> load.verifyToken(phone, code, "openid"));
        };
    }

    /**
     * Runs {@link #warmUpOp} at concurrency 64 in 2-s rounds until the server's JIT compiled fewer than 40 methods in a
     * round (read with {@code jstat -compiler}), or for at most 40 s (quick) or 60 s: on two busy cores the compiler
     * threads lag the load by many seconds, and what they still compile would be counted against the first rows.
     */
    private void warmUp(ServerProcess server, Load load) throws Exception {
        warmUp(server, load, 64, warmUpOp(load), quick ? 40 : 60);
    }

    /**
     * {@link #warmUp(ServerProcess, Load)} with a row's own operation at its concurrency, for the rows the Java client
     * drives on paths the logins do not take (the hosted login's pages, starts held by a slow vendor): without it
     * their compiler threads took 28-36 % of the measured runs' server CPU.
     */
    private void warmUp(ServerProcess server, Load load, int c, Supplier<CompletableFuture<?>> op, int maxSeconds)
            throws Exception {
        long last = compiledMethods(server);
        for (int round = 1; ; round++) {
            warming = true;
            try {
                measure(server, load, c, Duration.ofSeconds(2), op, null);
            } finally {
                warming = false;
            }
            long now = compiledMethods(server);
            say("  warm-up round " + round + ": " + (now - last) + " methods compiled");
            if (now - last < 40 || round * 2 >= maxSeconds) {
                return;
            }
            last = now;
        }
    }

    /** Methods the server's JIT has compiled so far, or -1 if {@code jstat} cannot tell. */
    private static long compiledMethods(ServerProcess server) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
                        "-compiler",
                        Long.toString(server.pid()))
                .redirectErrorStream(true)
                .start();
        String[] lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .trim()
                .split("\n");
        p.waitFor();
        try {
            return Long.parseLong(lines[lines.length - 1].trim().split("\\s+")[0]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * Logins that end in each kind of verify the rows measure, and a refresh, in turn: so the JIT has compiled every
     * measured path before the first row (with a login alone, the first {@code /oauth/ro} rows spent 15 % of the
     * server's CPU compiling).
     */
    private Supplier<CompletableFuture<?>> warmUpOp(Load load) {
        AtomicInteger turn = new AtomicInteger();
        return () -> {
            String phone = phones.next();
            int kind = turn.getAndIncrement() % 5;
            return load.start(phone)
                    .thenCompose(Load::require2xx)
                    .thenCompose(r -> load.codeFor(phone))
                    .thenCompose(code -> switch (kind) {
                        case 0 -> load.verifyToken(phone, code, "openid");
                        case 1 -> load.verifyRo(phone, code);
                        case 2 -> load.verifyToken(phone, code, "openid", ServerProcess.API_RS256);
                        case 3 -> load.verifyToken(phone, code, "openid", ServerProcess.API_EDDSA);
                        default ->
                            load.verifyToken(phone, code, "openid offline_access")
                                    .thenCompose(Load::require2xx)
                                    .thenCompose(r -> load.refresh(field(r, "refresh_token")));
                    });
        };
    }

    private List<String> refreshTokens(Load load, int count) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (String[] pc : load.issueCodes(count, 32)) {
            HttpResponse<String> r =
                    load.verifyToken(pc[0], pc[1], "openid offline_access").get();
            if (r.statusCode() == 200) {
                tokens.add(field(r, "refresh_token"));
            }
        }
        if (tokens.size() < count) {
            throw new IllegalStateException("only " + tokens.size() + " refresh tokens of " + count);
        }
        return tokens;
    }

    private static String field(HttpResponse<String> r, String name) {
        try {
            return Load.JSON.readTree(r.body()).get(name).asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void add(Row row) {
        rows.add(row);
        Run m = median(row.runs(), x -> x.r().throughput());
        say(String.format(
                Locale.ROOT,
                "%-34s %-20s c=%-4d %8.1f/s p50 %.1f p99 %.1f ms err %d cpu %.2f ms (jit %.2f) rss %d MiB"
                        + " thr %d->%d",
                row.scenario(),
                row.store(),
                row.concurrency(),
                m.r().throughput(),
                m.r().percentileMs(50),
                m.r().percentileMs(99),
                m.r().errors,
                m.cpuMsPerOp(),
                m.jitCpuMsPerOp(),
                m.rssMaxKb() / 1024,
                m.threadsIdle(),
                m.threadsMax()));
        if (m.services() != null) {
            say(String.format(
                    Locale.ROOT,
                    "  per op: PostgreSQL %.2f ms (its backends for this database %.2f), Redis %.2f ms (%.1f script calls),"
                            + " load generator %.2f ms; total %.2f ms of CPU",
                    m.pgCpuMsPerOp(),
                    m.services().pgBackendTicks() * 1000.0 / CLK_TCK / Math.max(1, m.r().ok),
                    m.redisCpuMsPerOp(),
                    m.redisCommandsPerOp(),
                    m.driverCpuMsPerOp(),
                    m.totalCpuMsPerOp()));
        }
        if (m.r().firstError != null) {
            say("  first error: " + m.r().firstError);
        }
    }

    /** A load generator's share of one measured run: what it measured, and CPU of its own outside this JVM. */
    private record Sample(Load.Result r, long otherTicks) {}

    /** Runs a load generator, calling {@code during} every 50 ms meanwhile. */
    private interface Driver {
        Sample run(Runnable during) throws Exception;
    }

    /** What {@link #measureWrk} needs for a run: {@code n} lines of input for the script. */
    private interface Lines {
        List<String> get(int n) throws Exception;
    }

    private Run measure(
            ServerProcess server, Load load, int c, Duration d, Supplier<CompletableFuture<?>> op, Runnable extra)
            throws Exception {
        return measure(server, c, during -> new Sample(load.run(c, d, op, during), 0), extra);
    }

    /**
     * One wrk run of {@code mode} (see {@code wrk.lua}) with input for the throughput seen so far under {@code key}
     * (or {@code initial} operations per second), repeated with twice the input when a thread ran out of it: a run
     * that ran short would count a second it did not fill.
     */
    private Run measureWrk(
            ServerProcess server, int c, String mode, String key, double initial, Lines lines, String audience)
            throws Exception {
        // Discarded passes of the row's own load first, until the JIT compiles fewer than 40 methods in one (at most
        // three). The warm-up above drives every path through the Java client; wrk's requests (other headers, other
        // connection reuse, one endpoint at a time) shift the JIT's type profiles, and on a slow host its compilers
        // then spent 10-30 % of the first measured runs' samples recompiling what the change of load deoptimised.
        for (int pass = 0; pass < 3 && warmedRows.add(key + "#" + pass); pass++) {
            long before = compiledMethods(server);
            warming = true;
            try {
                List<String> input = lines.get((int) Math.min(
                        100_000, Math.max(4L * c, estimates.getOrDefault(key, initial) * runTime.toSeconds())));
                wrk.run(server.base(), mode, input, c, runTime, audience, () -> {});
            } finally {
                warming = false;
            }
            long compiled = compiledMethods(server) - before;
            say("  warm pass " + (pass + 1) + " of this row's load: " + compiled + " methods compiled");
            if (compiled < 40) {
                break;
            }
        }
        double rate = estimates.getOrDefault(key, initial);
        // A margin over the best rate seen so far (less with --quick, whose budget is two minutes); a run that
        // still runs short is repeated below.
        int need = (int) Math.min(
                200_000, Math.max(4L * c, rate * (runTime.toSeconds() + (quick ? 0.5 : 1)) * (quick ? 1.3 : 1.5)));
        for (int attempt = 1; ; attempt++) {
            List<String> input = lines.get(need);
            Wrk.Outcome[] o = new Wrk.Outcome[1];
            Run run = measure(
                    server,
                    c,
                    during -> {
                        o[0] = wrk.run(server.base(), mode, input, c, runTime, audience, during);
                        return new Sample(o[0].result(), o[0].cpuTicks());
                    },
                    null);
            if (!o[0].ranOut() || run.r().errors > 0 || attempt == 4) {
                if (o[0].ranOut()) {
                    say("  (wrk ran out of input after " + input.size() + " lines; "
                            + (run.r().errors > 0 ? "the errors lost some" : "kept after four tries") + ")");
                }
                estimates.merge(key, run.r().throughput(), Math::max);
                return run;
            }
            say("  (wrk ran out of input after " + input.size() + " lines; the run is repeated with twice as many)");
            need = Math.min(400_000, need * 2);
        }
    }

    private Run measure(ServerProcess server, int c, Driver driver, Runnable extra) throws Exception {
        long threadsIdle = server.status("Threads");
        long[] max = {server.status("VmRSS"), threadsIdle};
        profile(server, profileEvent.equals("cpu") ? "start,event=cpu,interval=997us" : "start,event=" + profileEvent);
        Postgres.Usage services0 = services == null ? null : services.usage();
        long ticks0 = server.cpuTicks();
        long jit0 = server.compilerTicks();
        long driver0 = ServerProcess.cpuTicks(ProcessHandle.current().pid());
        Sample sample = driver.run(() -> {
            try {
                max[0] = Math.max(max[0], server.status("VmRSS"));
                max[1] = Math.max(max[1], server.status("Threads"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (extra != null) {
                extra.run();
            }
        });
        long ticks1 = server.cpuTicks();
        long jit1 = server.compilerTicks();
        long driver1 = ServerProcess.cpuTicks(ProcessHandle.current().pid()) + sample.otherTicks();
        Postgres.Usage used = services == null ? null : services.usage().minus(services0);
        Load.Result r = sample.r();
        max[0] = Math.max(max[0], server.status("VmRSS"));
        if (profiler != null && !warming) {
            Path file = work.resolve(String.format(Locale.ROOT, "profile-%03d-c%d.collapsed", ++profiled, c));
            profile(server, "stop,file=" + file + (profileEvent.equals("alloc") ? ",total" : ""));
            say("  profile of this run: " + file);
        }
        double cpuMs = (ticks1 - ticks0) * 1000.0 / CLK_TCK / Math.max(1, r.ok);
        double driverMs = (driver1 - driver0) * 1000.0 / CLK_TCK / Math.max(1, r.ok);
        double jitMs = (jit1 - jit0) * 1000.0 / CLK_TCK / Math.max(1, r.ok);
        return new Run(r, cpuMs, jitMs, driverMs, max[0], threadsIdle, max[1], 0, used);
    }

    /**
     * Sends a command to async-profiler inside the server (loaded on first use with {@code jcmd}), so a profile covers
     * exactly one measured run: the issuing of codes and the warm-up stay out of it.
     */
    private void profile(ServerProcess server, String command) throws IOException, InterruptedException {
        if (profiler == null || warming) {
            return;
        }
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(server.pid()),
                        "JVMTI.agent_load",
                        profiler,
                        // quoted, or jcmd splits the agent's options at their commas
                        '"' + command + '"')
                .redirectErrorStream(true)
                .start();
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || !said.contains("return code: 0")) {
            throw new IllegalStateException("async-profiler: " + command + ": " + said.trim());
        }
    }

    static <T> T median(List<T> xs, ToDoubleFunction<T> by) {
        List<T> sorted = new ArrayList<>(xs);
        sorted.sort(Comparator.comparingDouble(by));
        return sorted.get(sorted.size() / 2);
    }

    static void say(String s) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + s);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // accessors for the report
    String loadGenerator() {
        return wrk == null
                ? "the Java client (`java.net.http.HttpClient`) for every scenario"
                : wrk.version() + " (" + Wrk.THREADS
                        + " threads, script `wrk.lua`) for start, verify and refresh; the Java client "
                        + "(`java.net.http.HttpClient`) for the login and the slow vendor";
    }

    boolean quick() {
        return quick;
    }

    List<Row> rows() {
        return rows;
    }

    List<String> notes() {
        return notes;
    }

    Path jar() {
        return jar;
    }

    HttpClient httpClient() {
        return client;
    }

    /** Markdown sections of the parts that are not table rows (TLS, peers, data growth), in the order run. */
    List<String> sections() {
        return sections;
    }

    String serverCrypto() {
        return serverCrypto;
    }

    String serverJava() {
        return serverJava;
    }

    List<String> serverOpts() {
        return serverOpts;
    }

    Duration runTime() {
        return runTime;
    }

    Path jmhJson() {
        return jmhJson;
    }

    String label() {
        return label;
    }

    static JsonNode readJson(Path p) throws IOException {
        return Load.JSON.readTree(Files.readString(p));
    }

    static String dateNow() {
        return ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(Locale.ROOT));
    }

    static String arr(long[] a) {
        return Arrays.toString(a);
    }
}
