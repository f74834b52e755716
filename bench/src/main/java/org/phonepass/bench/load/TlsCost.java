package org.phonepass.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --only tls}: what TLS costs the server, per provider ({@code crypto.provider}) and certificate type (the
 * generated ECDSA P-256 dev certificate, or an RSA-2048 certificate from PEM files). Plain wrk on
 * {@code GET /health/live} (the cheapest route), three ways, windows interleaved: keep-alive over HTTPS, keep-alive over
 * plain HTTP on {@code http_port} (so their difference is the record layer's cost per request), and a new connection
 * for every request ({@code Connection: close}, wrk then reconnects: a full handshake each, no resumption), whose
 * difference from keep-alive HTTPS, less the same difference over plain HTTP (a new TCP connection and Jetty's
 * connection set-up), is the handshake. Server CPU per request is utime + stime of the server over the
 * window ÷ requests.
 */
final class TlsCost {
    private TlsCost() {}

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");

    record Variant(String crypto, String certificate) {}

    /** Server CPU per request (ms), and requests per second, of one way of asking. */
    record Cost(List<Double> cpuMs, List<Double> perSecond) {}

    static String run(Bench b, Path work, int windows, Duration window) throws Exception {
        Path certDir = work.resolve("tls-rsa");
        Files.createDirectories(certDir);
        Path cert = certDir.resolve("cert.pem");
        Path key = certDir.resolve("key.pem");
        exec(List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-subj",
                "/CN=localhost",
                "-days",
                "30",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        StringBuilder md = new StringBuilder();
        md.append(
                "| crypto.provider | certificate | keep-alive HTTPS: server CPU µs/request | keep-alive HTTP µs/request "
                        + "| TLS record layer µs/request | new TLS connection per request: µs/request "
                        + "| new plain connection per request: µs/request | TLS handshake µs | new TLS connections/s |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Variant v : List.of(
                new Variant("jdk", "rsa"),
                new Variant("auto", "rsa"),
                new Variant("jdk", "ecdsa"),
                new Variant("auto", "ecdsa"))) {
            int httpPort = ServerProcess.freePort();
            String yaml = "http_port: " + httpPort + "\n"
                    + ("rsa".equals(v.certificate())
                            ? "tls:\n  cert_file: " + cert + "\n  key_file: " + key + "\n"
                            : "");
            try (ServerProcess s = ServerProcess.start(
                    b.serverJava(),
                    b.jar(),
                    b.serverOpts(),
                    ServerProcess.Setup.embedded(),
                    work.resolve("tls-" + v.crypto() + "-" + v.certificate()),
                    b.httpClient(),
                    Duration.ofSeconds(60),
                    yaml,
                    Map.of("PHONEPASS_CRYPTO_PROVIDER", v.crypto()))) {
                String https = "https://127.0.0.1:" + s.port + "/health/live";
                String http = "http://127.0.0.1:" + httpPort + "/health/live";
                // Warm-up: every path once, long enough for the JIT.
                for (int i = 0; i < 2; i++) {
                    wrk(s, https, false, Duration.ofSeconds(2));
                    wrk(s, https, true, Duration.ofSeconds(2));
                    wrk(s, http, false, Duration.ofSeconds(2));
                }
                List<double[]> keep = new ArrayList<>();
                List<double[]> close = new ArrayList<>();
                List<double[]> plain = new ArrayList<>();
                List<double[]> plainClose = new ArrayList<>();
                for (int i = 0; i < windows; i++) {
                    keep.add(wrk(s, https, false, window));
                    close.add(wrk(s, https, true, window));
                    plain.add(wrk(s, http, false, window));
                    plainClose.add(wrk(s, http, true, window));
                }
                double k = med(keep, 0), c = med(close, 0), h = med(plain, 0), hc = med(plainClose, 0);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | %.0f | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | %.0f | %.0f |%n",
                        v.crypto(),
                        "rsa".equals(v.certificate()) ? "RSA 2048 (PEM files)" : "ECDSA P-256 (generated dev)",
                        k * 1000,
                        min(keep, 0) * 1000,
                        max(keep, 0) * 1000,
                        h * 1000,
                        min(plain, 0) * 1000,
                        max(plain, 0) * 1000,
                        (k - h) * 1000,
                        c * 1000,
                        min(close, 0) * 1000,
                        max(close, 0) * 1000,
                        hc * 1000,
                        min(plainClose, 0) * 1000,
                        max(plainClose, 0) * 1000,
                        ((c - k) - (hc - h)) * 1000,
                        med(close, 1)));
                Bench.say("tls " + v + ": keep-alive " + k + " ms, http " + h + " ms, close " + c + " ms");
            }
        }
        return md.toString();
    }

    /** One wrk window: {server CPU ms per request, requests per second}. */
    private static double[] wrk(ServerProcess s, String url, boolean close, Duration d)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(
                List.of("wrk", "-t" + Wrk.THREADS, "-c16", "-d" + d.toSeconds() + "s", "--timeout", "10s"));
        if (close) {
            cmd.add("-H");
            cmd.add("Connection: close");
        }
        cmd.add(url);
        long cpu0 = ServerProcess.cpuTicks(s.pid());
        String out = exec(cmd);
        long cpu = ServerProcess.cpuTicks(s.pid()) - cpu0;
        Matcher m = REQUESTS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("wrk printed no count: " + out);
        }
        long n = Long.parseLong(m.group(1));
        return new double[] {cpu * (1000.0 / Bench.CLK_TCK) / n, n / (double) d.toSeconds()};
    }

    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private static double med(List<double[]> xs, int i) {
        return Report.median(xs.stream().map(x -> x[i]).toList());
    }

    private static double min(List<double[]> xs, int i) {
        return xs.stream().mapToDouble(x -> x[i]).min().orElse(0);
    }

    private static double max(List<double[]> xs, int i) {
        return xs.stream().mapToDouble(x -> x[i]).max().orElse(0);
    }
}
