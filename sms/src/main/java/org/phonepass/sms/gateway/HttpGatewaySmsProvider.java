package org.phonepass.sms.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsDeliveryException.Kind;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;
import org.phonepass.sms.http.Redact;
import org.phonepass.sms.http.VendorHttp;

/**
 * A custom HTTP SMS gateway, Auth0-compatible by default (docs/sms-providers.md#custom-http-gateway), with form and
 * GET-with-query variants for regional gateways that take nothing else.
 *
 * <p>The gateway's answer is read as follows, and the documentation states it as the contract a gateway should
 * follow: any 2xx is acceptance (a message id is taken from {@code id}, {@code message_id}, {@code messageId} or
 * {@code sid} when the body is JSON); 401 and 403 are wrong credentials; 408, 429 and 5xx are transient; 3xx, 404
 * and 405 mean the URL or method is wrong; any other 4xx is the gateway refusing the recipient, and a {@code code}
 * (or {@code error}) member of a JSON body becomes the provider code shown to the client.
 */
public final class HttpGatewaySmsProvider implements SmsProvider {
    public static final String ID = "http_gateway";

    private final HttpGatewaySettings settings;
    private final VendorHttp http;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final MACSigner signer;

    /** @param settings resolved settings ({@link HttpGatewaySettings#resolved}) */
    public HttpGatewaySmsProvider(HttpGatewaySettings settings, VendorHttp http, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        this.http = Objects.requireNonNull(http, "http cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        try {
            this.signer = settings.auth() == null
                    ? null
                    : new MACSigner(settings.auth().secretBytes());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the HTTP gateway secret cannot sign HS256 tokens", e);
        }
    }

    @Override
    public String id() {
        return http.providerId();
    }

    @Override
    public CompletionStage<SmsReceipt> send(SmsMessage message) {
        HttpRequest.Builder request;
        try {
            request = request(message);
        } catch (SmsDeliveryException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.send(request).thenApply(this::receipt);
    }

    private HttpRequest.Builder request(SmsMessage message) {
        Map<String, String> fields = new LinkedHashMap<>();
        String recipient = settings.recipientFormat() == HttpGatewaySettings.RecipientFormat.DIGITS
                ? message.to().e164().substring(1)
                : message.to().e164();
        fields.put(settings.fieldName(HttpGatewaySettings.Field.RECIPIENT), recipient);
        fields.put(settings.fieldName(HttpGatewaySettings.Field.BODY), message.body());
        if (settings.sender() != null) {
            fields.put(settings.fieldName(HttpGatewaySettings.Field.SENDER), settings.sender());
        }
        settings.params().forEach(fields::putIfAbsent);

        HttpRequest.Builder request = switch (settings.format()) {
            case QUERY -> {
                String separator = settings.url().contains("?") ? "&" : "?";
                yield HttpRequest.newBuilder(URI.create(settings.url() + separator + VendorHttp.form(fields)))
                        .GET();
            }
            case FORM ->
                HttpRequest.newBuilder(URI.create(settings.url()))
                        .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                        .method(
                                settings.method().name(),
                                HttpRequest.BodyPublishers.ofString(VendorHttp.form(fields), StandardCharsets.UTF_8));
            case JSON -> {
                ObjectNode body = json.createObjectNode();
                fields.forEach(body::put);
                yield HttpRequest.newBuilder(URI.create(settings.url()))
                        .header("Content-Type", "application/json")
                        .method(
                                settings.method().name(),
                                HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
            }
        };
        settings.headers().forEach(request::header);
        if (signer != null) {
            request.header("Authorization", "Bearer " + token());
        }
        return request;
    }

    private String token() {
        HttpGatewaySettings.Auth auth = settings.auth();
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(auth.subject())
                .audience(auth.audience())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(auth.tokenTtl())))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new SmsDeliveryException(
                    id(), Kind.CONFIGURATION, null, "the HTTP gateway token could not be signed", e);
        }
        return jwt.serialize();
    }

    private SmsReceipt receipt(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status >= 200 && status < 300) {
            for (String name : new String[] {"id", "message_id", "messageId", "sid"}) {
                if (body.hasNonNull(name) && body.get(name).isValueNode()) {
                    return new SmsReceipt(id(), body.get(name).asText());
                }
            }
            return new SmsReceipt(id(), null);
        }
        String code = body.hasNonNull("code") && body.get("code").isValueNode()
                ? body.get("code").asText()
                : body.hasNonNull("error") && body.get("error").isValueNode()
                        ? body.get("error").asText()
                        : null;
        SmsDeliveryException generic = http.statusFailure(status, code);
        if (generic != null) {
            throw generic;
        }
        if (status < 400 || status == 404 || status == 405) {
            throw new SmsDeliveryException(
                    id(),
                    Kind.CONFIGURATION,
                    code,
                    "the HTTP gateway answered HTTP " + status + "; check sms.http_gateway.url and method",
                    null);
        }
        String detail = body.hasNonNull("message")
                ? body.get("message").asText()
                : body.hasNonNull("error_description")
                        ? body.get("error_description").asText()
                        : "";
        throw new SmsDeliveryException(
                id(),
                Kind.REJECTED_NUMBER,
                code,
                detail.isBlank() ? "The SMS gateway refused this phone number." : Redact.text(detail),
                null);
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : json.readTree(body);
            return node != null && node.isObject() ? node : json.createObjectNode();
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }
}
