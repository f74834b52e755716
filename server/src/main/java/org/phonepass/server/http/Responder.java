package org.phonepass.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.ratelimit.RateLimitHeaders;

/**
 * Writes every response body: JSON, or a JSONP script when the request was a JSONP call. The one place that turns
 * a {@link PhonepassException} into Auth0's {@code {"error","error_description"}} body.
 */
public final class Responder {
    static final String JSON = "application/json; charset=utf-8";
    private static final String JAVASCRIPT = "application/javascript; charset=utf-8";
    private final ObjectMapper json;

    public Responder(ObjectMapper json) {
        this.json = json;
    }

    /** A successful answer. JSONP wraps the body and adds {@code status} unless told not to. */
    public void ok(Context ctx, ApiRequest request, Map<String, ?> body) {
        write(ctx, request, 200, body);
    }

    public void write(Context ctx, ApiRequest request, int status, Map<String, ?> body) {
        if (request != null && request.isJsonp()) {
            jsonp(ctx, request.jsonp(), body);
            return;
        }
        send(ctx, status, JSON, bytes(body));
    }

    /**
     * An error in the endpoint's dialect. For JSONP the HTTP status is 200 (a browser does not run a script that came
     * with an error status) and the status travels inside the object, as Auth0's clients expect
     * (docs/auth0-compatibility.md#jsonp).
     */
    public void error(Context ctx, ApiRequest request, ErrorCode.Dialect dialect, PhonepassException e) {
        int status = e.code().status(dialect);
        Map<String, Object> body = new LinkedHashMap<>();
        if (request != null && request.isJsonp()) {
            body.put("status", status);
        }
        body.put("error", e.code().wireName(dialect));
        body.put("error_description", e.description());
        e.details().forEach((k, v) -> {
            if (!RateLimitHeaders.DETAIL_KEYS.contains(k)) {
                body.put(k, v);
            }
        });
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        RateLimitHeaders.fromDetails(e.details(), e.retryAfterSeconds())
                .ifPresent(h -> h.toHeaders().forEach(ctx::header));
        if (e.code() == ErrorCode.INVALID_TOKEN) {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        if (request != null && request.isJsonp()) {
            jsonp(ctx, request.jsonp(), body);
        } else {
            send(ctx, status, JSON, bytes(body));
        }
    }

    private void jsonp(Context ctx, String callback, Map<String, ?> body) {
        // U+2028 and U+2029 end a line in old JavaScript engines; escape them so the script always parses.
        String payload = serialize(body).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        send(
                ctx,
                200,
                JAVASCRIPT,
                ("/**/ typeof " + callback + " === 'function' && " + callback + "(" + payload + ");")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Below this many bytes Javalin never compresses a body (its {@code CompressionStrategy}'s default minimum, which
     * this server does not change), so such a body can go to the servlet response without Javalin's compressing
     * stream in between.
     */
    static final int UNCOMPRESSED_BELOW = 1500;

    private static final String WRITTEN = "phonepass.body.written";

    /**
     * Writes a whole body. {@code ctx.result(...)} keeps it as a stream that Javalin copies at the end through a new
     * array the size of Jetty's response buffer (32 KiB, for a token answer of about 1 KiB: 29 % of the bytes a
     * verify allocated; docs/benchmarks.md, "The HTTP path per request"). A body Javalin would not compress is therefore
     * written straight into the response's buffer instead, where Jetty keeps it until the handlers are done (it is
     * far below the buffer's size): the after-handler and the error mappers can still set headers and the status,
     * and Jetty then sends head and body together with their Content-Length, as it did for the copied result.
     *
     * <p>A larger body keeps {@code ctx.result}, so that Javalin gzips it when the client accepts that, and so does an
     * answer completed on another thread ({@code ctx.future}): Javalin writes that one once, guarded against its
     * asynchronous timeout writing its own answer at the same moment. Those copies go through an array of {@link
     * HttpApi#RESULT_COPY_BYTES}, not the whole response buffer. A second answer to the same request (an error
     * mapper answering after the route did) replaces the first, as a second {@code ctx.result} did; after a first
     * answer kept as a result, it is kept as one too.
     */
    private static void send(Context ctx, int status, String type, byte[] bytes) {
        if (ctx.attribute(WRITTEN) != null) {
            ctx.res().resetBuffer();
        }
        ctx.status(status).contentType(type);
        if (bytes.length >= UNCOMPRESSED_BELOW || ctx.req().isAsyncStarted() || ctx.resultInputStream() != null) {
            ctx.result(bytes);
            return;
        }
        try {
            ctx.res().getOutputStream().write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.attribute(WRITTEN, Boolean.TRUE);
    }

    private byte[] bytes(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

    public String serialize(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }
}
