package org.phonepass.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.phonepass.server.config.ConfigLoader;
import org.phonepass.server.config.Settings;
import org.phonepass.testkit.MutableClock;

/**
 * A real server on a free port over HTTPS, in its own data folder, with a settable clock, and an HTTP client that
 * trusts exactly its certificate.
 */
public final class TestServer implements AutoCloseable {
    public static final String SPA = "sample-spa";
    public static final String SPA_ORIGIN = "http://localhost:3000";
    public static final String CONFIDENTIAL = "backend";
    public static final String CONFIDENTIAL_SECRET = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t";
    public static final String JSONP = "legacy-jsonp";
    public static final String OTP_ONLY = "otp-only";
    public static final String API = "https://api.example.com/";

    /** Settings shared by most tests: the issue's sample file plus extra clients. */
    public static final String DEFAULT_YAML = """
            mode: dev
            https_port: 0
            dev:
              sample_app: false
            storage:
              type: embedded
            clients:
              - client_id: sample-spa
                name: Sample SPA
                allowed_origins: [http://localhost:3000]
                callbacks: [http://localhost:3000/]
              - client_id: backend
                name: Backend
                client_secret: s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t
              - client_id: legacy-jsonp
                name: Legacy
                allow_jsonp: true
                allowed_origins: [http://localhost:3000]
              - client_id: otp-only
                grants: [passwordless_otp]
            apis:
              - identifier: https://api.example.com/
            sms:
              provider: dev
              code_length: 6
              code_ttl: 180s
              max_attempts: 3
              disable_signup: false
              template: "Your verification code is: @@password@@"
            """;

    public final MutableClock clock = new MutableClock(Instant.now());
    public final ObjectMapper json = new ObjectMapper();
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final PhonepassServer server;
    private final HttpClient http;
    private final String base;
    private final SSLContext ssl;

    public TestServer() {
        this(DEFAULT_YAML, null);
    }

    /** @param dataDir an existing folder to reuse (restart tests), or null for a fresh temporary one */
    public TestServer(String yaml, Path dataDir) {
        this(yaml, dataDir, s -> {});
    }

    /** @param beforeStart given the server before it starts, to plug parts in (login transactions) */
    public TestServer(String yaml, Path dataDir, java.util.function.Consumer<PhonepassServer> beforeStart) {
        try {
            this.ownsDataDir = dataDir == null;
            this.dataDir = dataDir == null ? Files.createTempDirectory("phonepass-test") : dataDir;
            Path file = this.dataDir.resolve("settings.yaml");
            Files.writeString(file, yaml + "\ndata_dir: " + this.dataDir.resolve("data") + "\n");
            Settings settings = new ConfigLoader().load(file, Map.of());
            PhonepassServer built = new PhonepassServer(settings, clock);
            beforeStart.accept(built);
            this.server = built.start();
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("phonepass", server.tls().certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            this.ssl = ssl;
            this.http = HttpClient.newBuilder()
                    .sslContext(ssl)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            this.base = "https://localhost:" + server.httpsPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public PhonepassServer server() {
        return server;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String base() {
        return base;
    }

    public String issuer() {
        return base + "/";
    }

    public HttpClient http() {
        return http;
    }

    /** A client with a cookie jar of its own, as one browser would have; it follows no redirect. */
    public HttpClient newBrowser() {
        return newBrowser(new java.net.CookieManager());
    }

    /** A client with the given cookie jar: one browser talking to several nodes shares its jar between them. */
    public HttpClient newBrowser(java.net.CookieManager jar) {
        return HttpClient.newBuilder()
                .sslContext(ssl)
                .cookieHandler(jar)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Sends with a given client (a browser of {@link #newBrowser}). */
    public Response send(HttpClient client, HttpRequest.Builder request) {
        try {
            HttpResponse<String> r =
                    client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode node = null;
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("application/json") && !r.body().isEmpty()) {
                node = json.readTree(r.body());
            }
            return new Response(r.statusCode(), r.headers().map(), r.body(), node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response, with its body parsed when it is JSON. */
    public record Response(int status, Map<String, java.util.List<String>> headers, String body, JsonNode json) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst()
                    .orElse(null);
        }

        public String text(String field) {
            return json == null || json.get(field) == null
                    ? null
                    : json.get(field).asText();
        }
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r =
                    http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode node = null;
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("application/json") && !r.body().isEmpty()) {
                node = json.readTree(r.body());
            }
            return new Response(r.statusCode(), r.headers().map(), r.body(), node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    public Response postForm(String path, Map<String, String> form, String... headers) {
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form)));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    public Response postJson(String path, Object body, String... headers) {
        try {
            HttpRequest.Builder b = request(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            if (headers.length > 0) {
                b.headers(headers);
            }
            return send(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Response get(String path, String... headers) {
        HttpRequest.Builder b = request(path).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    public static String form(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * Verifies a JWT with jose4j, a library independent of the one that signed it, against the served JWKS, this
     * server's issuer and clock, and the expected audience.
     */
    public org.jose4j.jwt.JwtClaims verifyWithJwks(String jwt, String audience) throws Exception {
        return new org.jose4j.jwt.consumer.JwtConsumerBuilder()
                .setVerificationKeyResolver(
                        new org.jose4j.keys.resolvers.JwksVerificationKeyResolver(new org.jose4j.jwk.JsonWebKeySet(
                                        get("/.well-known/jwks.json").body())
                                .getJsonWebKeys()))
                .setExpectedIssuer(issuer())
                .setExpectedAudience(audience)
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromMilliseconds(clock.millis()))
                .build()
                .processToClaims(jwt);
    }

    /** Sends a code through the form flow and returns it, read from the dev inbox. */
    public String startAndReadCode(String clientId, String phone) {
        Response r =
                postForm("/passwordless/start", map("client_id", clientId, "connection", "sms", "phone_number", phone));
        if (r.status() != 200) {
            throw new AssertionError("start failed: " + r.status() + " " + r.body());
        }
        return latestCode(phone);
    }

    public String latestCode(String phone) {
        Response inbox = get("/dev/sms.json?to=" + enc(phone));
        return inbox.json().get(0).get("code").asText();
    }

    /** A full legacy login; returns the /oauth/ro body. */
    public Response login(String clientId, String phone, String scope) {
        String code = startAndReadCode(clientId, phone);
        return postForm(
                "/oauth/ro",
                map(
                        "client_id",
                        clientId,
                        "connection",
                        "sms",
                        "grant_type",
                        "password",
                        "username",
                        phone,
                        "password",
                        code,
                        "scope",
                        scope));
    }

    @Override
    public void close() {
        server.close();
        if (ownsDataDir) {
            deleteTree(dataDir);
        }
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary folder
        }
    }
}
