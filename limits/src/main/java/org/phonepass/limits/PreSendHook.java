package org.phonepass.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.abuse.StartContext;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.limits.LimitsSettings.Fallback;
import org.phonepass.limits.LimitsSettings.PreSendHookSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the operator's service whether a code may be sent: {@code POST <url>} with
 * {@code {"phone": "+447700900123", "country": "GB", "calling_code": 44, "ip": "203.0.113.7", "client_id": "..."}}
 * (the full number, because the operator's own service needs it to decide; it is never logged here).
 *
 * <p>The answer: a 2xx whose JSON body has {@code "allow": false}, or a 403, vetoes the send; any other 2xx allows
 * it (an empty 204 included, so the simplest hook is "return 204"). Anything else—another status, a timeout, a
 * refused connection, a body that is not JSON on a 2xx that also is not empty—takes the configured
 * {@code default}. The call is {@link HttpClient#sendAsync}, so no thread waits for the operator's service.
 */
public final class PreSendHook implements StartScreen {
    private static final Logger log = LoggerFactory.getLogger(PreSendHook.class);
    private static final int MAX_BODY_CHARS = 8192;

    private final PreSendHookSettings settings;
    private final HttpClient http;
    private final ObjectMapper json;

    public PreSendHook(PreSendHookSettings settings, HttpClient http, ObjectMapper json) {
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        this.http = Objects.requireNonNull(http, "http cannot be null");
        this.json = Objects.requireNonNull(json, "json cannot be null");
        Objects.requireNonNull(settings.url(), "limits.pre_send_hook.url cannot be null");
    }

    @Override
    public String name() {
        return "pre_send_hook";
    }

    @Override
    public CompletionStage<Void> screen(StartContext start) {
        ObjectNode body = json.createObjectNode()
                .put("phone", start.phone().e164())
                .put("country", start.phone().regionCode())
                .put("calling_code", start.phone().callingCode())
                .put("ip", start.ip())
                .put("client_id", start.clientId());
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (settings.secret() != null && !settings.secret().isBlank()) {
            request.header("Authorization", "Bearer " + settings.secret());
        }
        CompletableFuture<HttpResponse<String>> call;
        try {
            call = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        // orTimeout as well as the request timeout: the request timeout covers the wait for response headers only.
        return call.orTimeout(settings.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((response, error) -> verdict(start, response, error))
                .thenAccept(allowed -> {
                    if (!allowed) {
                        throw new PhonepassException(
                                ErrorCode.PHONE_NUMBER_NOT_ALLOWED,
                                "This phone number cannot receive a code right now.");
                    }
                });
    }

    private boolean verdict(StartContext start, HttpResponse<String> response, Throwable error) {
        if (error != null) {
            log.warn(
                    "pre-send hook failed for {} ({}); applying default {}",
                    start.phone().masked(),
                    RemoteCalls.describe(error),
                    settings.onFailure());
            return settings.onFailure() == Fallback.ALLOW;
        }
        int status = response.statusCode();
        if (status == 403) {
            return false;
        }
        if (status >= 200 && status < 300) {
            String text = response.body() == null ? "" : response.body().strip();
            if (text.isEmpty()) {
                return true;
            }
            if (text.length() <= MAX_BODY_CHARS) {
                try {
                    JsonNode node = json.readTree(text);
                    JsonNode allow = node == null ? null : node.get("allow");
                    return allow == null || !allow.isBoolean() || allow.booleanValue();
                } catch (java.io.IOException e) {
                    // falls through to the default
                }
            }
        }
        log.warn(
                "pre-send hook answered {} for {}; applying default {}",
                status,
                start.phone().masked(),
                settings.onFailure());
        return settings.onFailure() == Fallback.ALLOW;
    }
}
