package org.phonepass.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The load generator: {@link HttpClient} over HTTPS with keep-alive, asynchronous, with a fixed number of operations
 * in flight (closed loop: each of {@code concurrency} chains starts its next operation when the previous one ends).
 */
final class Load implements AutoCloseable {
    static final String OTP_GRANT = "http://auth0.com/oauth/grant-type/passwordless/otp";
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient http;
    private final ExecutorService callbacks;
    final String base;
    final Phones phones;

    Load(String base, Phones phones, HttpClient http, ExecutorService callbacks) {
        this.base = base;
        this.phones = phones;
        this.http = http;
        this.callbacks = callbacks;
    }

    /** A client for one loopback server with a self-signed dev certificate. */
    static HttpClient client(ExecutorService executor) {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new TrustLoopback()}, new SecureRandom());
            SSLParameters params = new SSLParameters();
            params.setProtocols(new String[] {"TLSv1.3"});
            return HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(tls)
                    .sslParameters(params)
                    .executor(executor)
                    .connectTimeout(Duration.ofSeconds(30))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Only ever used against 127.0.0.1 and the server this driver started itself. */
    static final class TrustLoopback extends X509ExtendedTrustManager {
        public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

        public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

        public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

        public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

        public void checkClientTrusted(X509Certificate[] c, String a) {}

        public void checkServerTrusted(X509Certificate[] c, String a) {}

        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    // ---- the requests ----

    CompletableFuture<HttpResponse<String>> postJson(String path, Map<String, ?> body) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build();
            return http.sendAsync(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    CompletableFuture<HttpResponse<String>> get(String path) {
        return http.sendAsync(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> start(String phone) {
        return postJson(
                "/passwordless/start",
                Map.of("client_id", "bench", "connection", "sms", "send", "code", "phone_number", phone));
    }

    CompletableFuture<HttpResponse<String>> verifyToken(String phone, String code, String scope) {
        return postJson(
                "/oauth/token",
                Map.of(
                        "grant_type",
                        OTP_GRANT,
                        "client_id",
                        "bench",
                        "realm",
                        "sms",
                        "username",
                        phone,
                        "otp",
                        code,
                        "scope",
                        scope));
    }

    /** The same with an {@code audience}: the access token is then a JWT for that API. */
    CompletableFuture<HttpResponse<String>> verifyToken(String phone, String code, String scope, String audience) {
        return postJson(
                "/oauth/token",
                Map.of(
                        "grant_type",
                        OTP_GRANT,
                        "client_id",
                        "bench",
                        "realm",
                        "sms",
                        "username",
                        phone,
                        "otp",
                        code,
                        "scope",
                        scope,
                        "audience",
                        audience));
    }

    CompletableFuture<HttpResponse<String>> verifyRo(String phone, String code) {
        return postJson(
                "/oauth/ro",
                Map.of(
                        "grant_type",
                        "password",
                        "client_id",
                        "bench",
                        "connection",
                        "sms",
                        "username",
                        phone,
                        "password",
                        code,
                        "scope",
                        "openid"));
    }

    CompletableFuture<HttpResponse<String>> refresh(String token) {
        return postJson(
                "/oauth/token", Map.of("grant_type", "refresh_token", "client_id", "bench", "refresh_token", token));
    }

    // ---- the hosted login (docs/hosted-login.md), as a browser without JavaScript drives it ----

    static final String HOSTED_CALLBACK = "https://app.bench/callback";
    private static final java.util.regex.Pattern CSRF =
            java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    /** One PKCE pair for every login of the run: the server checks it per code all the same. */
    static final String VERIFIER = "bench-verifier-bench-verifier-bench-verifier-0123456789";

    static final String CHALLENGE = s256(VERIFIER);

    private static String s256(String verifier) {
        try {
            return java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One browser's cookies: what the server set, sent back on each later request of the same login. */
    static final class Jar {
        private final Map<String, String> cookies = new java.util.concurrent.ConcurrentHashMap<>();

        HttpRequest.Builder apply(HttpRequest.Builder b) {
            if (!cookies.isEmpty()) {
                b.header(
                        "Cookie",
                        String.join(
                                "; ",
                                cookies.entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .toList()));
            }
            return b;
        }

        HttpResponse<String> keep(HttpResponse<String> r) {
            for (String set : r.headers().allValues("set-cookie")) {
                String pair = set.split(";", 2)[0];
                int eq = pair.indexOf('=');
                cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return r;
        }
    }

    private CompletableFuture<HttpResponse<String>> browserGet(Jar jar, String pathOrUrl) {
        String url = pathOrUrl.startsWith("https://") ? pathOrUrl : base + pathOrUrl;
        return http.sendAsync(
                        jar.apply(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(jar::keep);
    }

    private CompletableFuture<HttpResponse<String>> browserPost(Jar jar, String path, Map<String, String> form) {
        String body = String.join(
                "&",
                form.entrySet().stream()
                        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .toList());
        return http.sendAsync(
                        jar.apply(HttpRequest.newBuilder(URI.create(base + path))
                                        .timeout(Duration.ofSeconds(30)))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(jar::keep);
    }

    private static String location(HttpResponse<String> r, int... expected) {
        for (int status : expected) {
            if (r.statusCode() == status) {
                return r.headers().firstValue("Location").orElseThrow();
            }
        }
        throw new IllegalStateException(
                "HTTP " + r.statusCode() + " at " + r.uri().getPath() + ": "
                        + r.body().substring(0, Math.min(200, r.body().length())));
    }

    private static String csrf(HttpResponse<String> page) {
        java.util.regex.Matcher m = CSRF.matcher(page.body());
        if (page.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("no form at " + page.uri().getPath() + ": HTTP " + page.statusCode());
        }
        return m.group(1);
    }

    /**
     * A whole hosted login: {@code GET /authorize} (302 to the pages), the number page and its form, the code page
     * and its form (the code read from the dev inbox), {@code /authorize/resume} (302 with the code), and the code
     * exchange on {@code /oauth/token} (one id_token signature). Nine requests, in a fresh cookie jar.
     */
    CompletableFuture<HttpResponse<String>> hostedLogin(String phone) {
        Jar jar = new Jar();
        String authorize = "/authorize?response_type=code&client_id=bench&redirect_uri="
                + URLEncoder.encode(HOSTED_CALLBACK, StandardCharsets.UTF_8) + "&scope=openid&state=bench&nonce=n"
                + "&code_challenge=" + CHALLENGE + "&code_challenge_method=S256";
        String[] tx = new String[1];
        return browserGet(jar, authorize)
                .thenCompose(r -> {
                    String pages = location(r, 302);
                    tx[0] = pages.substring(pages.indexOf("state=") + 6);
                    return browserGet(jar, pages);
                })
                .thenCompose(page -> browserPost(
                        jar, "/u/login?state=" + tx[0], Map.of("csrf", csrf(page), "country", "US", "phone", phone)))
                .thenCompose(r -> browserGet(jar, location(r, 303)))
                .thenCompose(codePage -> {
                    String token = csrf(codePage);
                    return codeFor(phone)
                            .thenCompose(code -> browserPost(
                                    jar, "/u/login/code?state=" + tx[0], Map.of("csrf", token, "code", code)));
                })
                .thenCompose(r -> browserGet(jar, location(r, 303)))
                .thenCompose(r -> {
                    String callback = location(r, 302);
                    String code = callback.replaceAll(".*[?&]code=([^&]+).*", "$1");
                    return postJson(
                            "/oauth/token",
                            Map.of(
                                    "grant_type",
                                    "authorization_code",
                                    "client_id",
                                    "bench",
                                    "code",
                                    code,
                                    "code_verifier",
                                    VERIFIER,
                                    "redirect_uri",
                                    HOSTED_CALLBACK));
                });
    }

    /** The newest code the dev inbox holds for each number (one request for the whole inbox). */
    Map<String, String> inbox() throws Exception {
        HttpResponse<String> r = get("/dev/sms.json").get(60, TimeUnit.SECONDS);
        Map<String, String> codes = new LinkedHashMap<>();
        for (JsonNode e : JSON.readTree(r.body())) {
            codes.putIfAbsent(e.get("to").asText(), e.get("code").asText());
        }
        return codes;
    }

    CompletableFuture<String> codeFor(String phone) {
        return get("/dev/sms.json?to=" + URLEncoder.encode(phone, StandardCharsets.UTF_8))
                .thenApply(r -> {
                    try {
                        JsonNode list = JSON.readTree(r.body());
                        if (r.statusCode() != 200 || list.isEmpty()) {
                            throw new IllegalStateException("no code in the dev inbox for " + phone);
                        }
                        return list.get(0).get("code").asText();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    static CompletableFuture<HttpResponse<String>> require2xx(HttpResponse<String> r) {
        if (r.statusCode() / 100 != 2) {
            return CompletableFuture.failedFuture(new IllegalStateException("HTTP " + r.statusCode() + ": "
                    + r.body().substring(0, Math.min(200, r.body().length()))));
        }
        return CompletableFuture.completedFuture(r);
    }

    /** Codes issued between two reads of the dev inbox: well under its capacity (see {@code ServerProcess}). */
    static final int ISSUE_BATCH = 2_000;

    /**
     * Issues {@code count} codes (at {@code concurrency}) and returns phone to code, read from the dev inbox after
     * each batch, so the inbox never has to hold them all: a bench server's heap is not filled with messages.
     */
    List<String[]> issueCodes(int count, int concurrency) throws Exception {
        List<String[]> out = new ArrayList<>();
        for (int done = 0; done < count; done += ISSUE_BATCH) {
            out.addAll(issueBatch(Math.min(ISSUE_BATCH, count - done), concurrency));
        }
        return out;
    }

    private List<String[]> issueBatch(int count, int concurrency) throws Exception {
        List<String> issued = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger left = new AtomicInteger(count);
        Result r = run(
                concurrency,
                Duration.ofMinutes(10),
                () -> {
                    if (left.getAndDecrement() <= 0) {
                        return null;
                    }
                    String phone = phones.next();
                    return start(phone).thenCompose(Load::require2xx).thenApply(x -> {
                        issued.add(phone);
                        return x;
                    });
                },
                null);
        if (r.errors > 0) {
            throw new IllegalStateException(r.errors + " starts failed while issuing codes: " + r.firstError);
        }
        Map<String, String> inbox = inbox();
        List<String[]> out = new ArrayList<>();
        for (String phone : issued) {
            String code = inbox.get(phone);
            if (code != null) {
                out.add(new String[] {phone, code});
            }
        }
        return out;
    }

    // ---- the closed loop ----

    /** What one timed run measured on the client side. */
    static final class Result {
        long ok;
        long errors;
        String firstError;
        double seconds;
        long[] latenciesNanos;
        /** Instead of {@link #latenciesNanos} when a run kept only percentiles (wrk): 50, 99 and 99.9, in ms. */
        Map<Double, Double> percentilesMs;

        double throughput() {
            return ok / seconds;
        }

        double percentileMs(double p) {
            if (percentilesMs != null) {
                Double ms = percentilesMs.get(p);
                if (ms == null) {
                    throw new IllegalArgumentException("percentile " + p + " was not kept");
                }
                return ms;
            }
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
            return latenciesNanos[Math.max(0, Math.min(latenciesNanos.length - 1, i))] / 1e6;
        }
    }

    /**
     * Runs {@code concurrency} chains until {@code duration} has passed or the operation supplier returns null (no
     * more work). Operations in flight at the deadline finish and count. {@code during} is called every 50 ms.
     */
    Result run(int concurrency, Duration duration, Supplier<CompletableFuture<?>> operation, Runnable during)
            throws InterruptedException {
        return run(concurrency, duration, Duration.ZERO, operation, during);
    }

    /** As above, with the chains' first operations spread evenly over {@code ramp} (new connections trickle in). */
    Result run(
            int concurrency,
            Duration duration,
            Duration ramp,
            Supplier<CompletableFuture<?>> operation,
            Runnable during)
            throws InterruptedException {
        long[] lat = new long[1 << 21];
        AtomicInteger n = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        String[] firstError = new String[1];
        CountDownLatch done = new CountDownLatch(concurrency);
        long t0 = System.nanoTime();
        long deadline = t0 + duration.toNanos();
        AtomicLong lastEnd = new AtomicLong(t0);
        for (int i = 0; i < concurrency; i++) {
            long delay = ramp.toMillis() * i / concurrency;
            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, callbacks)
                    .execute(() -> chain(operation, deadline, lat, n, errors, firstError, done, lastEnd));
        }
        while (!done.await(50, TimeUnit.MILLISECONDS)) {
            if (during != null) {
                during.run();
            }
        }
        Result r = new Result();
        r.ok = Math.min(n.get(), lat.length);
        r.errors = errors.get();
        r.firstError = firstError[0];
        r.seconds = (lastEnd.get() - t0) / 1e9;
        r.latenciesNanos = Arrays.copyOf(lat, (int) r.ok);
        Arrays.sort(r.latenciesNanos);
        return r;
    }

    private void chain(
            Supplier<CompletableFuture<?>> operation,
            long deadline,
            long[] lat,
            AtomicInteger n,
            AtomicLong errors,
            String[] firstError,
            CountDownLatch done,
            AtomicLong lastEnd) {
        if (System.nanoTime() >= deadline) {
            done.countDown();
            return;
        }
        long started = System.nanoTime();
        CompletableFuture<?> op;
        try {
            op = operation.get();
        } catch (RuntimeException e) {
            op = CompletableFuture.failedFuture(e);
        }
        if (op == null) {
            done.countDown();
            return;
        }
        op.whenCompleteAsync(
                (v, e) -> {
                    long end = System.nanoTime();
                    lastEnd.accumulateAndGet(end, Math::max);
                    Throwable failure = e;
                    if (failure == null && v instanceof HttpResponse<?> resp && resp.statusCode() / 100 != 2) {
                        failure = new IllegalStateException("HTTP " + resp.statusCode() + ": " + resp.body());
                    }
                    if (failure != null) {
                        errors.incrementAndGet();
                        synchronized (firstError) {
                            if (firstError[0] == null) {
                                firstError[0] = String.valueOf(failure);
                            }
                        }
                    } else {
                        int i = n.getAndIncrement();
                        if (i < lat.length) {
                            lat[i] = end - started;
                        }
                    }
                    chain(operation, deadline, lat, n, errors, firstError, done, lastEnd);
                },
                callbacks);
    }

    @Override
    public void close() {}
}
