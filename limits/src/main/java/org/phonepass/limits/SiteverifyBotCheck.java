package org.phonepass.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.phonepass.core.abuse.StartContext;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.limits.LimitsSettings.BotCheckSettings;
import org.phonepass.limits.LimitsSettings.Fallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the bot-check token of a start on the server, the way Cloudflare Turnstile and hCaptcha require:
 * {@code POST <siteverify_url>} form-encoded {@code secret}, {@code response} and {@code remoteip}; the verifier
 * answers {@code {"success": true|false, "error-codes": [...]}}. A missing or oversized token is refused without a
 * call. {@code "success": false} refuses; an unreachable or confused verifier takes the configured {@code default}
 * (deny unless set otherwise, since an operator who turned the check on wants it enforced).
 */
public final class SiteverifyBotCheck implements StartScreen {
    /** Turnstile tokens are at most 2048 characters; anything longer is not a token. */
    static final int MAX_TOKEN_LENGTH = 2048;

    private static final Logger log = LoggerFactory.getLogger(SiteverifyBotCheck.class);

    private final BotCheckSettings settings;
    private final HttpClient http;
    private final ObjectMapper json;

    public SiteverifyBotCheck(BotCheckSettings settings, HttpClient http, ObjectMapper json) {
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        this.http = Objects.requireNonNull(http, "http cannot be null");
        this.json = Objects.requireNonNull(json, "json cannot be null");
        Objects.requireNonNull(settings.siteverifyUrl(), "limits.bot_check.siteverify_url cannot be null");
        Objects.requireNonNull(settings.secret(), "limits.bot_check.secret cannot be null");
    }

    @Override
    public String name() {
        return "bot_check";
    }

    @Override
    public CompletionStage<Void> screen(StartContext start) {
        String token = start.botToken();
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
            return CompletableFuture.failedFuture(refusal());
        }
        String form = "secret=" + enc(settings.secret()) + "&response=" + enc(token) + "&remoteip=" + enc(start.ip());
        HttpRequest request = HttpRequest.newBuilder(settings.siteverifyUrl())
                .timeout(settings.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                .build();
        CompletableFuture<HttpResponse<String>> call;
        try {
            call = http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, error) -> verdict(response, error))
                .thenAccept(allowed -> {
                    if (!allowed) {
                        throw refusal();
                    }
                });
    }

    private boolean verdict(HttpResponse<String> response, Throwable error) {
        if (error != null) {
            log.warn(
                    "bot check verifier failed ({}); applying default {}",
                    RemoteCalls.describe(error),
                    settings.onFailure());
            return settings.onFailure() == Fallback.ALLOW;
        }
        if (response.statusCode() == 200
                && response.body() != null
                && response.body().length() <= 65_536) {
            try {
                JsonNode success = json.readTree(response.body()).get("success");
                if (success != null && success.isBoolean()) {
                    return success.booleanValue();
                }
            } catch (java.io.IOException | RuntimeException e) {
                // falls through to the default
            }
        }
        log.warn(
                "bot check verifier answered {} without a verdict; applying default {}",
                response.statusCode(),
                settings.onFailure());
        return settings.onFailure() == Fallback.ALLOW;
    }

    private static PhonepassException refusal() {
        return new PhonepassException(
                ErrorCode.INVALID_REQUEST, "The bot check failed. Reload the page and try again.");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}
