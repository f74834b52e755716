package org.phonepass.sms.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsDeliveryException.Kind;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;
import org.phonepass.sms.http.Redact;
import org.phonepass.sms.http.VendorHttp;

/**
 * Twilio Programmable Messaging: {@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json} with the form fields
 * {@code To}, {@code Body} and {@code From} or {@code MessagingServiceSid}, HTTP Basic authentication. The sender is
 * asked for at each message, so that a change made through the SMS connection applies at once
 * (docs/management.md#the-sms-connection); the credentials are fixed at start.
 *
 * <p>Twilio answers 201 with the message resource, or an error {@code {code, message, more_info, status}}. Its
 * numeric error code is kept as the provider code so that Lock shows its "not a valid phone number" text for
 * 21211, as it does with Auth0 (docs/auth0-compatibility.md#error-strings-clients-match).
 */
public final class TwilioSmsProvider implements SmsProvider {
    public static final String ID = "twilio";

    private final TwilioSettings settings;
    private final VendorHttp http;
    private final ObjectMapper json = new ObjectMapper();
    private final URI messagesUri;
    private final String authorization;
    private final TwilioSender configured;
    private final Supplier<TwilioSender> sender;

    /** @param settings resolved settings ({@link TwilioSettings#resolved}); the sender is theirs */
    public TwilioSmsProvider(TwilioSettings settings, VendorHttp http) {
        this(settings, http, () -> null);
    }

    /**
     * @param settings resolved settings ({@link TwilioSettings#resolved})
     * @param sender   the sender in force, asked at each message; null from it means the settings' sender
     */
    public TwilioSmsProvider(TwilioSettings settings, VendorHttp http, Supplier<TwilioSender> sender) {
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        this.http = Objects.requireNonNull(http, "http cannot be null");
        this.sender = Objects.requireNonNull(sender, "sender cannot be null");
        this.configured = TwilioSender.of(settings);
        this.messagesUri = URI.create(settings.baseUrl() + "/2010-04-01/Accounts/"
                + URLEncoder.encode(settings.accountSid(), StandardCharsets.UTF_8) + "/Messages.json");
        this.authorization = settings.apiKeySid() != null
                ? VendorHttp.basic(settings.apiKeySid(), settings.apiKeySecret())
                : VendorHttp.basic(settings.accountSid(), settings.authToken());
    }

    @Override
    public String id() {
        return http.providerId();
    }

    @Override
    public CompletionStage<SmsReceipt> send(SmsMessage message) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", message.to().e164());
        TwilioSender from = currentSender();
        if (from.messagingServiceSid() != null) {
            form.put("MessagingServiceSid", from.messagingServiceSid());
        } else {
            form.put("From", from.from());
        }
        form.put("Body", message.body());
        HttpRequest.Builder request = HttpRequest.newBuilder(messagesUri)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(VendorHttp.form(form), StandardCharsets.UTF_8));
        return http.send(request).thenApply(this::receipt);
    }

    private TwilioSender currentSender() {
        try {
            TwilioSender live = sender.get();
            return live != null ? live : configured;
        } catch (RuntimeException e) {
            // The changed sender could not be read (its store is down): the settings' one still delivers.
            return configured;
        }
    }

    private SmsReceipt receipt(HttpResponse<String> response) {
        JsonNode body = parse(response.body());
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            String state = body.path("status").asText("");
            if (("failed".equals(state) || "undelivered".equals(state)) && body.hasNonNull("error_code")) {
                throw failure(
                        body.path("error_code").asText(),
                        body.path("error_message").asText(""),
                        status);
            }
            String sid = body.path("sid").asText("");
            if (sid.isEmpty()) {
                throw new SmsDeliveryException(
                        id(), Kind.TRANSIENT, null, "Twilio accepted the request but answered no message SID", null);
            }
            return new SmsReceipt(id(), sid);
        }
        String code = body.hasNonNull("code") ? body.path("code").asText() : null;
        throw failure(code, body.path("message").asText(""), status);
    }

    private SmsDeliveryException failure(String code, String vendorMessage, int httpStatus) {
        Kind kind = code == null ? null : kindOf(code);
        if (kind == null) {
            SmsDeliveryException generic = http.statusFailure(httpStatus, code);
            if (generic != null) {
                return generic;
            }
            // An unknown 4xx: the request itself was refused; the operator must look, and another provider may
            // still deliver, which a CONFIGURATION failure allows.
            kind = Kind.CONFIGURATION;
        }
        String text = switch (kind) {
            case REJECTED_NUMBER -> publicRejection(code);
            case TRANSIENT -> "Twilio is unavailable (HTTP " + httpStatus + ", code " + code + ")";
            case CONFIGURATION ->
                "Twilio refused the request (HTTP " + httpStatus + ", code " + code + "): "
                        + Redact.text(vendorMessage);
        };
        return new SmsDeliveryException(id(), kind, code, text, null);
    }

    /**
     * Twilio's error codes (twilio.com/docs/api/errors) grouped by what Phonepass should do about them; null for a
     * code not listed, which is then judged by its HTTP status.
     */
    static Kind kindOf(String code) {
        return switch (code) {
            // The destination itself: invalid, unreachable, not a mobile, a landline, opted out with STOP, or
            // refused by the carrier for this handset. Another provider would fail the same way.
            case "21211",
                    "21214",
                    "21217",
                    "21612",
                    "21614",
                    "21610",
                    "21635",
                    "30003",
                    "30004",
                    "30005",
                    "30006",
                    "30450" -> Kind.REJECTED_NUMBER;
            // Twilio is overloaded or failed internally.
            case "20429", "20500", "20503", "30001", "30008", "30410" -> Kind.TRANSIENT;
            // Credentials, account state, sender, geographic permissions, trial restrictions, registrations:
            // an operator must act, but another provider may deliver meanwhile.
            case "20003",
                    "20005",
                    "20404",
                    "21408",
                    "21601",
                    "21602",
                    "21604",
                    "21606",
                    "21608",
                    "21617",
                    "21659",
                    "21660",
                    "21703",
                    "21704",
                    "21705",
                    "30002",
                    "30007",
                    "30032",
                    "30034" -> Kind.CONFIGURATION;
            default -> null;
        };
    }

    private static String publicRejection(String code) {
        return switch (code) {
            case "21211", "21217" -> "The 'To' number is not a valid phone number.";
            case "21614", "21635", "30006" -> "The 'To' number is not a mobile number that can receive SMS.";
            case "21610" -> "The 'To' number has unsubscribed from these messages.";
            case "21612", "21214" -> "The 'To' number cannot be reached.";
            case "30003" -> "The destination handset is unreachable.";
            default -> "The message to this number was refused.";
        };
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? json.createObjectNode() : json.readTree(body);
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }
}
