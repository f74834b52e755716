package org.phonepass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.phonepass.core.client.Client;
import org.phonepass.core.error.AsyncFailures;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.StartService;
import org.slf4j.MDC;

/**
 * {@code POST /passwordless/start} and its JSONP {@code GET} (docs/api.md): form and JSON bodies, Auth0's
 * dotted error names, and an answer only once the SMS provider accepted the message. The request thread is released
 * while the provider works.
 */
final class PasswordlessEndpoint {
    /** Where a bot-check token (Turnstile, hCaptcha) may come; the body field {@code bot_token} works too. */
    static final String BOT_TOKEN_HEADER = "X-Phonepass-Bot-Token";

    private final RequestReader reader;
    private final Responder responder;
    private final ClientGate gate;
    private final ClientAddress address;
    private final StartService starts;

    PasswordlessEndpoint(
            RequestReader reader, Responder responder, ClientGate gate, ClientAddress address, StartService starts) {
        this.reader = reader;
        this.responder = responder;
        this.gate = gate;
        this.address = address;
        this.starts = starts;
    }

    void start(Context ctx) {
        ApiRequest request = reader.read(ctx);
        ctx.attribute(HttpApi.REQUEST_ATTRIBUTE, request);
        Client client = gate.authorize(ctx, request, "Missing required property: client_id");
        String connection = request.param("connection");
        if (connection == null) {
            throw PhonepassException.of(ErrorCode.BAD_CONNECTION, "Missing required property: connection");
        }
        if (!connection.equals("sms")) {
            throw PhonepassException.of(ErrorCode.BAD_CONNECTION, "Connection does not exist");
        }
        String send = request.param("send");
        if (send != null && !send.equals("code")) {
            throw PhonepassException.of(
                    ErrorCode.INVALID_REQUEST,
                    "send must be 'code' for the sms connection; magic links are not sent by SMS");
        }
        if (request.params().containsKey("authParams")) {
            throw PhonepassException.of(
                    ErrorCode.BAD_AUTH_PARAMS, "error in authParams - invalid type: string (expected object)");
        }
        JsonNode authParams = request.objects().get("authParams");
        if (authParams != null && !authParams.isObject()) {
            throw PhonepassException.of(
                    ErrorCode.BAD_AUTH_PARAMS, "error in authParams - invalid type: array (expected object)");
        }
        String botToken =
                ctx.header(BOT_TOKEN_HEADER) != null ? ctx.header(BOT_TOKEN_HEADER) : request.param("bot_token");
        StartService.StartCommand command = new StartService.StartCommand(
                client, request.param("phone_number"), ClientAddress.language(ctx), address.ip(ctx), botToken);
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        CompletableFuture<Void> done = starts.start(command, TokenEndpoints.limitHeaders(ctx))
                .toCompletableFuture()
                .handle((result, error) -> {
                    // The answer may be written on the SMS client's thread: keep the request id in its log lines.
                    if (logContext != null) {
                        MDC.setContextMap(logContext);
                    }
                    if (error != null) {
                        Throwable cause = AsyncFailures.unwrap(error);
                        throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    if (request.isJsonp()) {
                        body.put("status", 200);
                    }
                    body.put("_id", result.id());
                    body.put("phone_number", result.phone().e164());
                    body.put("phone_verified", false);
                    body.put("request_language", result.language());
                    responder.ok(ctx, request, body);
                    return null;
                });
        ctx.future(() -> done);
    }
}
