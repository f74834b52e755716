package org.phonepass.sms.vonage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsDeliveryException.Kind;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;
import org.phonepass.core.sms.SmsSegments;
import org.phonepass.sms.http.Redact;
import org.phonepass.sms.http.VendorHttp;

/**
 * The Vonage SMS API: {@code POST /sms/json} with the form fields {@code api_key}, {@code api_secret}, {@code from},
 * {@code to} (digits, no {@code +}), {@code text} and {@code type=unicode} when the text is not GSM-7.
 *
 * <p>Vonage answers HTTP 200 even for a refused message; the verdict is {@code messages[i].status}, {@code "0"}
 * for accepted (developer.vonage.com, SMS API error codes). A long text is split into several parts, each with a
 * status: all must be accepted.
 */
public final class VonageSmsProvider implements SmsProvider {
    public static final String ID = "vonage";

    private final VonageSettings settings;
    private final VendorHttp http;
    private final ObjectMapper json = new ObjectMapper();
    private final URI uri;

    /** @param settings resolved settings ({@link VonageSettings#resolved}) */
    public VonageSmsProvider(VonageSettings settings, VendorHttp http) {
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        this.http = Objects.requireNonNull(http, "http cannot be null");
        this.uri = URI.create(settings.baseUrl() + "/sms/json");
    }

    @Override
    public String id() {
        return http.providerId();
    }

    @Override
    public CompletionStage<SmsReceipt> send(SmsMessage message) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("api_key", settings.apiKey());
        form.put("api_secret", settings.apiSecret());
        form.put("from", settings.from().startsWith("+") ? settings.from().substring(1) : settings.from());
        form.put("to", message.to().e164().substring(1));
        form.put("text", message.body());
        if (!SmsSegments.isGsm7(message.body())) {
            form.put("type", "unicode");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(VendorHttp.form(form), StandardCharsets.UTF_8));
        return http.send(request).thenApply(this::receipt);
    }

    private SmsReceipt receipt(HttpResponse<String> response) {
        SmsDeliveryException generic = http.statusFailure(response.statusCode(), null);
        if (generic != null) {
            throw generic;
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (Exception e) {
            throw new SmsDeliveryException(
                    id(),
                    Kind.TRANSIENT,
                    null,
                    "Vonage answered HTTP " + response.statusCode() + " without a JSON body",
                    e);
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            // Some request-level failures come back without a messages array.
            String status = body.path("status").asText("");
            if (!status.isEmpty() && !"0".equals(status)) {
                throw failure(status, body.path("error-text").asText(""));
            }
            throw new SmsDeliveryException(
                    id(),
                    Kind.TRANSIENT,
                    null,
                    "Vonage answered HTTP " + response.statusCode() + " without a message status",
                    null);
        }
        String messageId = null;
        for (JsonNode part : messages) {
            String status = part.path("status").asText("");
            if (!"0".equals(status)) {
                throw failure(status, part.path("error-text").asText(""));
            }
            if (messageId == null) {
                messageId = part.path("message-id").asText(null);
            }
        }
        return new SmsReceipt(id(), messageId);
    }

    private SmsDeliveryException failure(String status, String errorText) {
        Kind kind = kindOf(status);
        String text = kind == Kind.REJECTED_NUMBER
                ? ("7".equals(status)
                        ? "The number is barred from receiving messages."
                        : "33".equals(status)
                                ? "The number has been deactivated."
                                : "The number cannot receive messages.")
                : "Vonage refused the message (status " + status + "): " + Redact.text(errorText);
        return new SmsDeliveryException(id(), kind, status, text, null);
    }

    /** Vonage SMS API statuses by what Phonepass should do about them. */
    static Kind kindOf(String status) {
        return switch (status) {
            // Invalid message (unroutable number prefix), number barred, number deactivated.
            case "6", "7", "33" -> Kind.REJECTED_NUMBER;
            // Throttled, internal error, too many binds.
            case "1", "5", "10" -> Kind.TRANSIENT;
            // Missing or invalid parameters, credentials, barred account, no credit, HTTP not enabled, message
            // too long, signature, sender, network code, callback URL, demo-account whitelist. Unknown statuses
            // also land here: an operator should look, and another provider may deliver meanwhile.
            default -> Kind.CONFIGURATION;
        };
    }
}
