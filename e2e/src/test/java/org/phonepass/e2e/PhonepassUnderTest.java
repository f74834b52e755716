package org.phonepass.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Phonepass server the browser talks to, seen from the test: its domain (host:port, as the libraries
 * want it), the SPA client, its certificate (trusted by pin in Chromium and by trust store here), and what it
 * recorded: the dev SMS inbox and the profiles behind tokens.
 */
public abstract class PhonepassUnderTest implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpClient http;

    /** host:port, e.g. localhost:38443. */
    public abstract String domain();

    public abstract String clientId();

    /** Moves the server's clock forward; false when the server under test cannot (an external one). */
    public boolean advanceClock(Duration by) {
        return false;
    }

    /** A client with allow_jsonp, for auth0-js's forceJSONP mode; null when the server has none. */
    public abstract String jsonpClientId();

    /** The server's TLS certificate. */
    public abstract X509Certificate certificate();

    @Override
    public abstract void close();

    /**
     * Starts (or, with -Dphonepass.e2e.server=https://host:port, attaches to) a server whose SPA client allows
     * the given page origin.
     */
    public static PhonepassUnderTest start(String pageOrigin) {
        String external = System.getProperty("phonepass.e2e.server");
        if (external != null && !external.isBlank()) {
            return new External(
                    URI.create(external),
                    System.getProperty("phonepass.e2e.clientId", "e2e-spa"),
                    Path.of(System.getProperty("phonepass.e2e.certPem")));
        }
        return InProcessPhonepass.launch(pageOrigin);
    }

    public String baseUrl() {
        return "https://" + domain();
    }

    /** Issuer the libraries expect: https://domain/. */
    public String issuer() {
        return baseUrl() + "/";
    }

    /** base64(SHA-256(SubjectPublicKeyInfo)) for Chromium's --ignore-certificate-errors-spki-list. */
    public String spkiPin() {
        try {
            byte[] spki = certificate().getPublicKey().getEncoded();
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP client that trusts exactly this server's certificate. */
    public synchronized HttpClient http() {
        if (http == null) {
            try {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                trust.setCertificateEntry("phonepass", certificate());
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                SSLContext ssl = SSLContext.getInstance("TLS");
                ssl.init(null, tmf.getTrustManagers(), null);
                http = HttpClient.newBuilder()
                        .sslContext(ssl)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return http;
    }

    public HttpResponse<String> get(String pathAndQuery, String... headers) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    public HttpResponse<String> postForm(String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /** The dev inbox for a number, newest first (GET /dev/sms.json?to=...). */
    public List<Sms> inbox(String phone) {
        HttpResponse<String> r = get("/dev/sms.json?to=" + URLEncoder.encode(phone, StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /dev/sms.json answered " + r.statusCode() + ": " + r.body());
        }
        List<Sms> out = new ArrayList<>();
        for (JsonNode m : json(r.body())) {
            out.add(new Sms(
                    m.path("to").asText(),
                    m.path("body").asText(),
                    m.path("code").asText(),
                    m.path("sent_at").asText()));
        }
        return out;
    }

    /** The newest code sent to phone, waiting briefly for it to arrive. */
    public String latestCode(String phone) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<Sms> messages = inbox(phone);
            if (!messages.isEmpty()) {
                return messages.get(0).code();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no SMS reached the dev inbox for " + phone);
            }
            sleep(100);
        }
    }

    /** The profile the server keeps for an id_token (POST /tokeninfo). */
    public JsonNode tokeninfo(String idToken) {
        HttpResponse<String> r =
                postForm("/tokeninfo", "id_token=" + URLEncoder.encode(idToken, StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new AssertionError("POST /tokeninfo answered " + r.statusCode() + ": " + r.body());
        }
        return json(r.body());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate readPem(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One message of the dev inbox. */
    public record Sms(String to, String body, String code, String sentAt) {}

    /** A server started elsewhere (e.g. java -jar phonepass.jar in dev mode). */
    static final class External extends PhonepassUnderTest {
        private final URI base;
        private final String clientId;
        private final X509Certificate cert;

        External(URI base, String clientId, Path certPem) {
            this.base = base;
            this.clientId = clientId;
            this.cert = readPem(certPem);
        }

        @Override
        public String domain() {
            return base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : "");
        }

        @Override
        public String clientId() {
            return clientId;
        }

        @Override
        public String jsonpClientId() {
            return System.getProperty("phonepass.e2e.jsonpClientId");
        }

        @Override
        public X509Certificate certificate() {
            return cert;
        }

        @Override
        public void close() {}
    }
}
