package org.phonepass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;

/**
 * {@link Responder} writes a small body straight into the response's buffer and keeps larger ones as Javalin's
 * result (docs/benchmarks.md, "The HTTP path per request"). Either way the client gets the same answer: headers an
 * after-handler sets once the body is written still arrive, Content-Length matches, a body of 1 500 bytes or more is
 * gzipped when the client accepts it, and a second answer to the same request replaces the first. A body kept as a
 * result is copied through an array smaller than itself ({@link HttpApi#RESULT_COPY_BYTES}), and still arrives whole,
 * also when it is answered on another thread.
 */
class ResponderTest {
    static final ObjectMapper json = new ObjectMapper();
    static Javalin app;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        Responder responder = new Responder(json);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            // As the server sets it (HttpApi.RESULT_COPY_BYTES): bodies kept as results are copied in pieces.
            config.http.responseBufferSize = HttpApi.RESULT_COPY_BYTES;
            config.routes.addHttpHandler(
                    HandlerType.GET, "/small", ctx -> responder.ok(ctx, null, Map.of("answer", "short")));
            config.routes.addHttpHandler(HandlerType.GET, "/large", ctx -> responder.ok(ctx, null, large()));
            config.routes.addHttpHandler(
                    HandlerType.GET, "/larger", ctx -> responder.ok(ctx, null, sized(10 * HttpApi.RESULT_COPY_BYTES)));
            config.routes.addHttpHandler(HandlerType.GET, "/later", ctx -> {
                Map<String, ?> body = "large".equals(ctx.queryParam("size"))
                        ? sized(10 * HttpApi.RESULT_COPY_BYTES)
                        : Map.of("answer", "short");
                // Answered on another thread, as a start is once its SMS is handed over.
                ctx.future(() -> CompletableFuture.runAsync(() -> responder.ok(ctx, null, body)));
            });
            config.routes.addHttpHandler(HandlerType.GET, "/twice", ctx -> {
                responder.ok(ctx, null, Map.of("first", "answer"));
                responder.error(
                        ctx, null, ErrorCode.Dialect.OAUTH_RO, PhonepassException.of(ErrorCode.INVALID_REQUEST, "no"));
            });
            config.routes.addHttpHandler(HandlerType.GET, "/small-then-large", ctx -> {
                responder.ok(ctx, null, Map.of("first", "answer"));
                responder.ok(ctx, null, large());
            });
            config.routes.after(ctx -> ctx.header("X-After", "set after the body"));
        });
        app.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    static Map<String, Object> large() {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            body.put("field" + i, "value number " + i);
        }
        return body;
    }

    /** A JSON object of at least {@code bytes} bytes, each field different, so that a misplaced piece shows. */
    static Map<String, Object> sized(int bytes) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0, length = 0; length < bytes; i++) {
            String value = "value number " + i;
            body.put("field" + i, value);
            length += value.length() + 16;
        }
        return body;
    }

    /** The body as sent, or unzipped when the server gzipped it. */
    static byte[] unzipped(HttpResponse<byte[]> r) throws Exception {
        if (r.headers().firstValue("Content-Encoding").isEmpty()) {
            return r.body();
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            return in.readAllBytes();
        }
    }

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void smallBodyWhenWrittenThenHeadersSetAfterItStillSentWithItsLength() throws Exception {
        HttpResponse<byte[]> r = get("/small", "Accept-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).isEqualToIgnoringWhitespace(Responder.JSON));
        assertThat(r.headers().firstValue("Content-Length")).hasValue(Integer.toString(r.body().length));
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(r.headers().firstValue("X-After")).hasValue("set after the body");
        assertThat(json.readTree(r.body()).get("answer").asText()).isEqualTo("short");
    }

    @Test
    void largeBodyWhenClientAcceptsGzipThenCompressedAndOtherwiseNot() throws Exception {
        HttpResponse<byte[]> plain = get("/large");
        assertThat(plain.body().length).isGreaterThanOrEqualTo(Responder.UNCOMPRESSED_BELOW);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(json.readTree(plain.body()).get("field99").asText()).isEqualTo("value number 99");
        HttpResponse<byte[]> zipped = get("/large", "Accept-Encoding", "gzip");
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(zipped.headers().firstValue("X-After")).hasValue("set after the body");
        byte[] unzipped;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            unzipped = in.readAllBytes();
        }
        assertThat(unzipped).isEqualTo(plain.body());
    }

    @Test
    void bodyWhenLargerThanTheCopyArrayThenSentWholeInEveryForm() throws Exception {
        byte[] expected = json.writeValueAsBytes(sized(10 * HttpApi.RESULT_COPY_BYTES));
        for (String path : new String[] {"/larger", "/later?size=large"}) {
            HttpResponse<byte[]> plain = get(path);
            assertThat(plain.statusCode()).as(path).isEqualTo(200);
            assertThat(plain.headers().firstValue("Content-Encoding")).as(path).isEmpty();
            assertThat(plain.body()).as(path).isEqualTo(expected);
            assertThat(plain.headers().firstValue("Content-Length"))
                    .as(path)
                    .hasValue(Integer.toString(expected.length));
            HttpResponse<byte[]> zipped = get(path, "Accept-Encoding", "gzip");
            assertThat(zipped.headers().firstValue("Content-Encoding")).as(path).hasValue("gzip");
            assertThat(zipped.body().length).as(path).isLessThan(expected.length);
            assertThat(unzipped(zipped)).as(path).isEqualTo(expected);
        }
    }

    @Test
    void smallBodyWhenAnsweredOnAnotherThreadThenSentWithItsLength() throws Exception {
        HttpResponse<byte[]> r = get("/later", "Accept-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(r.headers().firstValue("Content-Length")).hasValue(Integer.toString(r.body().length));
        assertThat(r.headers().firstValue("X-After")).hasValue("set after the body");
        assertThat(json.readTree(r.body()).get("answer").asText()).isEqualTo("short");
    }

    @Test
    void secondAnswerWhenWrittenThenReplacesTheFirst() throws Exception {
        HttpResponse<byte[]> r = get("/twice");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Length")).hasValue(Integer.toString(r.body().length));
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("invalid_request");
        assertThat(body.has("first")).isFalse();

        HttpResponse<byte[]> grown = get("/small-then-large", "Accept-Encoding", "gzip");
        assertThat(grown.statusCode()).isEqualTo(200);
        byte[] bytes = grown.body();
        if (grown.headers().firstValue("Content-Encoding").isPresent()) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            }
        }
        JsonNode large = json.readTree(bytes);
        assertThat(large.has("first")).isFalse();
        assertThat(large.get("field0").asText()).isEqualTo("value number 0");
    }
}
