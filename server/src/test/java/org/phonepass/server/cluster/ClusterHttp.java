package org.phonepass.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.phonepass.server.TestServer;

/** The few calls a client of the cluster makes, against any node's base URL. */
final class ClusterHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CLIENT = "sample-spa";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** A status and a parsed JSON body (null when the body is not JSON). */
    record Reply(int status, String body, JsonNode json) {
        String text(String field) {
            return json == null || json.get(field) == null
                    ? null
                    : json.get(field).asText();
        }
    }

    /** Sends; an {@link IOException} means the node did not answer (down, killed mid-request). */
    Reply send(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode node = null;
            if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                    && !r.body().isEmpty()) {
                node = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), r.body(), node);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    Reply start(String base, String phone) throws IOException {
        return send(form(
                base + "/passwordless/start",
                TestServer.map("client_id", CLIENT, "connection", "sms", "phone_number", phone)));
    }

    /** The newest code the node's dev inbox holds for the phone, or null. */
    String code(String base, String phone) throws IOException {
        Reply inbox = send(HttpRequest.newBuilder(URI.create(base + "/dev/sms.json?to=" + TestServer.enc(phone)))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
        if (inbox.status() != 200 || inbox.json() == null || inbox.json().isEmpty()) {
            return null;
        }
        return inbox.json().get(0).get("code").asText();
    }

    /** The passwordless OTP grant, asking for a refresh token too. */
    Reply verify(String base, String phone, String code) throws IOException {
        String body = JSON.writeValueAsString(Map.of(
                "grant_type",
                "http://auth0.com/oauth/grant-type/passwordless/otp",
                "client_id",
                CLIENT,
                "username",
                phone,
                "otp",
                code,
                "realm",
                "sms",
                "scope",
                "openid profile phone offline_access"));
        return send(HttpRequest.newBuilder(URI.create(base + "/oauth/token"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    Reply refresh(String base, String refreshToken) throws IOException {
        return send(form(
                base + "/oauth/token",
                TestServer.map("grant_type", "refresh_token", "client_id", CLIENT, "refresh_token", refreshToken)));
    }

    Reply get(String url) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
    }

    /** Polls {@code /health/ready} until it answers 200, or fails with what the node logged. */
    void awaitReady(NodeProcess node, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!node.isAlive()) {
                throw new AssertionError(node.name() + " exited during start-up\n" + node.logTail());
            }
            try {
                if (get(node.base() + "/health/ready").status() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(node.name() + " not ready within " + within + "\n" + node.logTail());
    }

    static HttpRequest form(String url, Map<String, String> form) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(TestServer.form(form)))
                .build();
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
