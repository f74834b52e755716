package org.phonepass.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --peer keycloak}: Keycloak's password grant driven by the same load generator (wrk, 2 threads) at the same
 * concurrency as Phonepass's verify, in the same run. Not part of CI, and nothing of Keycloak is kept in the
 * repository: the distribution ({@code org.keycloak:keycloak-quarkus-dist}, a zip on Maven Central) is fetched with
 * {@code mvn dependency:copy} into {@code bench/target/peer} and unpacked there. Keycloak starts in dev mode (H2,
 * plain HTTP on 127.0.0.1) with a fresh data folder; a realm, a public client with direct access grants and a user
 * are created through its admin REST API; the grant is measured once with Keycloak's default password hashing and
 * once with it neutralised (PBKDF2-SHA256 with one iteration, the password set again), the nearest analogue of a
 * code check. Keycloak runs plain HTTP, so the comparison favours it by the TLS cost Phonepass pays.
 */
final class Keycloak implements AutoCloseable {
    static final String VERSION = System.getProperty("keycloak.version", "26.5.6");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private final Process process;
    private final int port;
    final long startMillis;
    private final HttpClient http = HttpClient.newHttpClient();
    private String adminToken;

    /** One measured configuration: medians over the runs. */
    record Row(String hashing, int concurrency, List<double[]> runs) {}

    private Keycloak(Process process, int port, long startMillis) {
        this.process = process;
        this.port = port;
        this.startMillis = startMillis;
    }

    /** The unpacked distribution under {@code peer}, fetched and unpacked when missing. */
    static Path distribution(Path peer) throws IOException, InterruptedException {
        Path home = peer.resolve("keycloak-" + VERSION);
        if (Files.isExecutable(home.resolve("bin/kc.sh"))) {
            return home;
        }
        Files.createDirectories(peer);
        Path zip = peer.resolve("keycloak-quarkus-dist-" + VERSION + ".zip");
        if (!Files.exists(zip)) {
            exec(
                    peer,
                    "mvn",
                    "-q",
                    "dependency:copy",
                    "-Dartifact=org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip",
                    "-DoutputDirectory=" + peer);
        }
        exec(peer, "unzip", "-q", "-o", zip.toString(), "-d", peer.toString());
        return home;
    }

    /** Starts {@code kc.sh start-dev} on a free port with an empty data folder; waits until the master realm answers. */
    static Keycloak start(Path home, String java) throws Exception {
        deleteTree(home.resolve("data"));
        int port = ServerProcess.freePort();
        ProcessBuilder pb = new ProcessBuilder(
                        home.resolve("bin/kc.sh").toString(),
                        "start-dev",
                        "--http-host=127.0.0.1",
                        "--http-port=" + port,
                        "--http-management-port=" + ServerProcess.freePort())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("keycloak.log").toFile());
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        pb.environment().put("JAVA", java);
        long t0 = System.nanoTime();
        Process p = pb.start();
        HttpClient probe = HttpClient.newHttpClient();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("Keycloak exited; see " + home.resolve("keycloak.log"));
            }
            try {
                HttpResponse<Void> r = probe.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/realms/master"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return new Keycloak(p, port, (System.nanoTime() - t0) / 1_000_000);
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("Keycloak did not answer within 240 s; see " + home.resolve("keycloak.log"));
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Keycloak's JVM: kc.sh starts it as a child (the shell itself is the process started). */
    long pid() {
        return process.toHandle()
                .descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElse(process.pid());
    }

    /** Realm {@code perf}, public client {@code bench} with direct access grants, user {@code u1} / {@code pw}. */
    void setUp() throws Exception {
        adminToken = Load.JSON
                .readTree(post(
                                "/realms/master/protocol/openid-connect/token",
                                "application/x-www-form-urlencoded",
                                "grant_type=password&client_id=admin-cli&username=admin&password=admin",
                                false)
                        .body())
                .get("access_token")
                .asText();
        post("/admin/realms", "application/json", "{\"realm\":\"perf\",\"enabled\":true}", true);
        post(
                "/admin/realms/perf/clients",
                "application/json",
                "{\"clientId\":\"bench\",\"publicClient\":true,\"directAccessGrantsEnabled\":true}",
                true);
        post(
                "/admin/realms/perf/users",
                "application/json",
                "{\"username\":\"bench-user\",\"enabled\":true,\"firstName\":\"Ada\",\"lastName\":\"Bench\","
                        + "\"email\":\"bench-user@example.com\",\"emailVerified\":true,\"credentials\":[{\"type\":\"password\","
                        + "\"value\":\"pw\",\"temporary\":false}]}",
                true);
    }

    /** One PBKDF2-SHA256 iteration for new passwords, and the user's password set again under it. */
    void neutraliseHashing() throws Exception {
        refreshAdminToken();
        send(
                "PUT",
                "/admin/realms/perf",
                "{\"passwordPolicy\":\"hashAlgorithm(pbkdf2-sha256) and hashIterations(1)\"}");
        JsonNode users = Load.JSON.readTree(send("GET", "/admin/realms/perf/users?username=bench-user", null)
                .body());
        String id = users.get(0).get("id").asText();
        send(
                "PUT",
                "/admin/realms/perf/users/" + id + "/reset-password",
                "{\"type\":\"password\",\"value\":\"pw\",\"temporary\":false}");
    }

    /** What the stored credential says about its hashing, for the report. */
    String credentialAlgorithm() throws Exception {
        refreshAdminToken();
        JsonNode users = Load.JSON.readTree(send("GET", "/admin/realms/perf/users?username=bench-user", null)
                .body());
        String id = users.get(0).get("id").asText();
        JsonNode creds = Load.JSON.readTree(send("GET", "/admin/realms/perf/users/" + id + "/credentials", null)
                .body());
        JsonNode data = Load.JSON.readTree(creds.get(0).get("credentialData").asText());
        return data.path("algorithm").asText() + ", "
                + data.path("hashIterations").asText() + " iteration(s)";
    }

    private void refreshAdminToken() throws Exception {
        adminToken = Load.JSON
                .readTree(post(
                                "/realms/master/protocol/openid-connect/token",
                                "application/x-www-form-urlencoded",
                                "grant_type=password&client_id=admin-cli&username=admin&password=admin",
                                false)
                        .body())
                .get("access_token")
                .asText();
    }

    private HttpResponse<String> post(String path, String type, String body, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth) {
            b.header("Authorization", "Bearer " + adminToken);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException("POST " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    /**
     * One wrk run of the password grant: {ops/s, p50 ms, p99 ms, server CPU ms per op, peak RSS MiB, errors}. The RSS
     * is sampled every 50 ms while wrk runs.
     */
    double[] measure(Path work, int c, Duration d) throws Exception {
        Path script = work.resolve("keycloak-grant.lua");
        Files.writeString(
                script,
                "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n"
                        + "wrk.body = \"grant_type=password&client_id=bench&username=bench-user&password=pw&scope=openid\"\n");
        // Keycloak's default hashing answers a few requests per second: longer runs, so that each counts enough.
        d = d.toSeconds() < 15 ? Duration.ofSeconds(15) : d;
        long cpu0 = ServerProcess.cpuTicks(pid());
        Process p = new ProcessBuilder(
                        "wrk",
                        "-t" + Wrk.THREADS,
                        "-c" + c,
                        "-d" + d.toSeconds() + "s",
                        "--timeout",
                        "30s",
                        "--latency",
                        "-s",
                        script.toString(),
                        base() + "/realms/perf/protocol/openid-connect/token")
                .redirectErrorStream(true)
                .start();
        long rss = 0;
        while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
            rss = Math.max(rss, rssKb());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        long cpu = ServerProcess.cpuTicks(pid()) - cpu0;
        Matcher m = REQUESTS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("wrk printed no count: " + out);
        }
        long n = Long.parseLong(m.group(1));
        Matcher bad = NON_2XX.matcher(out);
        long errors = bad.find() ? Long.parseLong(bad.group(1)) : 0;
        long ok = Math.max(1, n - errors);
        return new double[] {
            ok / (double) d.toSeconds(),
            latencyMs(out, "50%"),
            latencyMs(out, "99%"),
            cpu * (1000.0 / Bench.CLK_TCK) / ok,
            rss / 1024.0,
            errors
        };
    }

    long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    /** wrk's --latency line, e.g. {@code "     99%   12.34ms"}, in milliseconds. */
    private static double latencyMs(String out, String percentile) {
        Matcher m = Pattern.compile(
                        "^\\s+" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
                .matcher(out);
        if (!m.find()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
        }
    }

    private static void exec(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String fmtRow(String name, List<double[]> runs) {
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            final int k = i;
            List<Double> v = runs.stream().map(r -> r[k]).toList();
            cells.add(String.format(Locale.ROOT, k == 3 ? "%.2f" : k == 0 ? "%.1f" : "%.0f", Report.median(v)));
        }
        return name + " | " + String.join(" | ", cells);
    }
}
