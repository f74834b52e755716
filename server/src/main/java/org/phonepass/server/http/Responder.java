package org.phonepass.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
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
        ctx.status(status).contentType("application/json; charset=utf-8").result(serialize(body));
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
            ctx.status(status).contentType("application/json; charset=utf-8").result(serialize(body));
        }
    }

    private void jsonp(Context ctx, String callback, Map<String, ?> body) {
        // U+2028 and U+2029 end a line in old JavaScript engines; escape them so the script always parses.
        String payload = serialize(body).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        ctx.status(200)
                .contentType("application/javascript; charset=utf-8")
                .result("/**/ typeof " + callback + " === 'function' && " + callback + "(" + payload + ");");
    }

    public String serialize(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }
}
