package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How answers are written since the HTTP path was cut (docs/benchmarks.md, "The HTTP path per request"): JSON bodies go
 * straight into Jetty's response buffer instead of through Javalin's copy, Javalin's StatisticsHandler is gone and the
 * servlet context keeps no sessions. Every kind of answer still carries the security headers, the request id, its
 * content type and a Content-Length that matches the one body it has; a route's error that an error mapper answers
 * again is one JSON object, not two. (Compression and headers set after the body: {@code http.ResponderTest}.)
 */
class ResponseWritingTest {
    static TestServer server;
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void verifyAnswerWhenTokensIssuedThenOneRecordOfHeadersAndBodyWithItsLength() throws Exception {
        String phone = "+12015550142";
        String code = server.startAndReadCode(TestServer.SPA, phone);
        String form = TestServer.form(TestServer.map(
                "grant_type",
                "http://auth0.com/oauth/grant-type/passwordless/otp",
                "client_id",
                TestServer.SPA,
                "realm",
                "sms",
                "username",
                phone,
                "otp",
                code,
                "scope",
                "openid"));
        Raw r = post("/oauth/token", "application/x-www-form-urlencoded", form, "");
        assertThat(r.status).as(r.body).isEqualTo(200);
        assertCommonHeaders(r, "application/json; charset=utf-8");
        assertThat(r.header("cache-control")).isEqualTo("no-store");
        assertThat(r.header("pragma")).isEqualTo("no-cache");
        JsonNode body = one(r);
        assertThat(body.get("access_token").asText()).isNotEmpty();
        assertThat(body.get("id_token").asText()).contains(".");
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
    }

    @Test
    void routeErrorWhenRequestBadThenJsonWithHeadersAndLength() throws Exception {
        Raw r = post("/oauth/token", "application/x-www-form-urlencoded", "client_id=" + TestServer.SPA, "");
        assertThat(r.status).isEqualTo(400);
        assertCommonHeaders(r, "application/json; charset=utf-8");
        assertThat(one(r).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void unknownPathWhenRequestedThenOneJson404WithHeaders() throws Exception {
        Raw r = get("/no/such/endpoint", "");
        assertThat(r.status).isEqualTo(404);
        assertCommonHeaders(r, "application/json; charset=utf-8");
        assertThat(one(r).get("error_description").asText()).contains("No such endpoint");
    }

    @Test
    void routeAnswering405WhenErrorMapperAnswersAgainThenOneJsonObject() throws Exception {
        // The route refuses a GET without cbx with a 405; Javalin's mapper for 405 then answers too. The second
        // answer replaces the first, as it did when both were results: the body is one JSON object.
        Raw r = get("/oauth/ro?client_id=" + TestServer.SPA, "");
        assertThat(r.status).isEqualTo(405);
        assertCommonHeaders(r, "application/json; charset=utf-8");
        assertThat(r.body).doesNotContain("}{");
        assertThat(one(r).get("error").asText()).isNotEmpty();
    }

    @Test
    void jsonpWhenCalledThenScriptWithStatusInsideAndHeaders() throws Exception {
        Raw r = get("/tokeninfo?cbx=cb1&id_token=not.a.token", "");
        assertThat(r.status).isEqualTo(200);
        assertCommonHeaders(r, "application/javascript; charset=utf-8");
        assertThat(r.body).startsWith("/**/ typeof cb1 === 'function' && cb1({\"status\":");
        assertThat(r.body).endsWith(");");
    }

    @Test
    void sessionCookieWhenSentThenIgnoredAndNoSessionCookieSet() throws Exception {
        Raw r = get("/.well-known/jwks.json", "Cookie: JSESSIONID=node0abc123.node0\r\n");
        assertThat(r.status).isEqualTo(200);
        assertCommonHeaders(r, "application/json; charset=utf-8");
        assertThat(one(r).get("keys").isArray()).isTrue();
        assertThat(r.head.toLowerCase(Locale.ROOT)).doesNotContain("jsessionid");
    }

    private static void assertCommonHeaders(Raw r, String contentType) {
        assertThat(r.header("content-type")).as(r.head).isEqualToIgnoringWhitespace(contentType);
        assertThat(r.header("x-request-id")).as(r.head).matches("[0-9a-f]{16}");
        assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(r.header("referrer-policy")).isEqualTo("no-referrer");
        assertThat(r.header("x-frame-options")).isEqualTo("DENY");
        assertThat(r.header("content-security-policy")).contains("frame-ancestors 'none'");
        assertThat(r.header("set-cookie")).as(r.head).isNull();
        if (r.header("transfer-encoding") == null) {
            assertThat(r.header("content-length")).as(r.head).isEqualTo(Integer.toString(r.bytes.length));
        } else {
            assertThat(r.header("content-encoding")).as(r.head).isEqualTo("gzip");
        }
    }

    private static JsonNode one(Raw r) throws IOException {
        // One JSON value and nothing after it.
        try (var parser = json.createParser(r.bytes)) {
            JsonNode node = json.readTree(parser);
            assertThat(parser.nextToken()).as(r.body).isNull();
            return node;
        }
    }

    private static Raw get(String path, String headers) throws IOException {
        return exchange("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers + "\r\n");
    }

    private static Raw post(String path, String type, String body, String headers) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return exchange("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: " + type
                + "\r\nContent-Length: " + b.length + "\r\n" + headers + "\r\n" + body);
    }

    /** The raw answer: head as text, body as the bytes that came (chunked bodies joined). */
    private record Raw(int status, String head, byte[] bytes, String body) {
        String header(String name) {
            String found = null;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    assertThat(found).as("one " + name + " header").isNull();
                    found = line.substring(colon + 1).trim();
                }
            }
            return found;
        }
    }

    private static Raw exchange(String request) throws IOException {
        try (SSLSocket socket = RawHttps.open(server, 20_000)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            byte[] all = socket.getInputStream().readAllBytes();
            int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(end).isPositive();
            String head = new String(all, 0, end, StandardCharsets.ISO_8859_1);
            byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
            if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            return new Raw(
                    Integer.parseInt(head.substring(9, 12)), head, body, new String(body, StandardCharsets.UTF_8));
        }
    }

    private static byte[] dechunk(byte[] chunked) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i < chunked.length) {
            int eol = indexOf(java.util.Arrays.copyOfRange(chunked, i, chunked.length), new byte[] {'\r', '\n'});
            int size =
                    Integer.parseInt(new String(chunked, i, eol, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, i + eol + 2, size);
            i = i + eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
