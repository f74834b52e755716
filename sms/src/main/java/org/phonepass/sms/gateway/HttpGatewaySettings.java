package org.phonepass.sms.gateway;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.phonepass.core.config.Secret;
import org.phonepass.sms.config.ClosedSet;
import org.phonepass.sms.config.Secrets;

/**
 * {@code sms.http_gateway}: any HTTP endpoint that sends SMS. The default shape is Auth0's custom SMS gateway
 * (docs/sms-providers.md#custom-http-gateway): a POST of JSON {@code {"recipient", "body", "sender"}} with an optional
 * bearer JWT.
 *
 * @param url            the endpoint (required)
 * @param method         {@code POST} (default for json and form), {@code PUT}, or {@code GET} (default for query)
 * @param format         {@code json} (default), {@code form} ({@code application/x-www-form-urlencoded}), or
 *                       {@code query} (the fields in the URL's query string, no body)
 * @param sender         the {@code sender} field; omitted when not set
 * @param fields         renames of the three fields, for gateways that call them {@code to}, {@code text},
 *                       {@code from}: keys {@code recipient}, {@code body}, {@code sender}
 * @param recipientFormat {@code e164} ({@code +12015550123}, default) or {@code digits} ({@code 12015550123})
 * @param params         constant extra fields sent with every message (a DLT template id, an API key); values may
 *                       be secret references
 * @param headers        extra request headers; values may be secret references
 * @param auth           bearer JWT authentication, or null for none
 * @param connectTimeout default 3s
 * @param timeout        response timeout per attempt, default 10s
 */
public record HttpGatewaySettings(
        String url,
        Method method,
        Format format,
        String sender,
        Map<Field, String> fields,
        RecipientFormat recipientFormat,
        @Secret Map<String, String> params,
        @Secret Map<String, String> headers,
        Auth auth,
        Duration connectTimeout,
        Duration timeout) {

    /**
     * {@code sms.http_gateway.method}, spelled in upper case; any case is accepted, as it always was.
     */
    @JsonClassDescription("HTTP method")
    public enum Method {
        @JsonProperty("POST")
        POST,
        @JsonProperty("PUT")
        PUT,
        @JsonProperty("GET")
        GET;

        /** Binds the YAML spelling, in any case. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Method of(String value) throws InvalidFormatException {
            return ClosedSet.bind(Method.class, value, true);
        }
    }

    /** {@code sms.http_gateway.format}, spelled in lower case; any case is accepted, as it always was. */
    @JsonClassDescription("format")
    public enum Format {
        /** A JSON object body. */
        @JsonProperty("json")
        JSON,
        /** An {@code application/x-www-form-urlencoded} body. */
        @JsonProperty("form")
        FORM,
        /** The fields in the URL's query string, no body. */
        @JsonProperty("query")
        QUERY;

        /** Binds the YAML spelling, in any case. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Format of(String value) throws InvalidFormatException {
            return ClosedSet.bind(Format.class, value, true);
        }
    }

    /** The keys of {@code sms.http_gateway.fields}: the three fields a gateway may call otherwise, matched exactly. */
    @JsonClassDescription("field")
    public enum Field {
        @JsonProperty("recipient")
        RECIPIENT,
        @JsonProperty("body")
        BODY,
        @JsonProperty("sender")
        SENDER;

        /** Binds the YAML spelling, exactly. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Field of(String value) throws InvalidFormatException {
            return ClosedSet.bind(Field.class, value, false);
        }

        @Override
        public String toString() {
            return ClosedSet.spelling(this);
        }
    }

    /** {@code sms.http_gateway.recipient_format}, spelled in lower case; any case is accepted, as it always was. */
    @JsonClassDescription("recipient format")
    public enum RecipientFormat {
        /** {@code +12015550123}. */
        @JsonProperty("e164")
        E164,
        /** {@code 12015550123}. */
        @JsonProperty("digits")
        DIGITS;

        /** Binds the YAML spelling, in any case. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static RecipientFormat of(String value) throws InvalidFormatException {
            return ClosedSet.bind(RecipientFormat.class, value, true);
        }
    }

    /**
     * {@code sms.http_gateway.auth}: an {@code Authorization: Bearer} JWT, HS256, with {@code sub} and {@code aud}
     * as Auth0 sends them, plus {@code iat} and {@code exp} so that a captured token soon stops working.
     *
     * @param subject             the {@code sub} claim (required)
     * @param audience            the {@code aud} claim (required)
     * @param secret              the shared HMAC secret (secret), at least 32 bytes as HS256 requires
     * @param secretBase64Encoded whether {@code secret} is base64 (Auth0's {@code secret_base64_encoded})
     * @param tokenTtl            lifetime of each token, default 5m
     */
    public record Auth(
            String subject, String audience, @Secret String secret, Boolean secretBase64Encoded, Duration tokenTtl) {
        public Auth {
            secretBase64Encoded = secretBase64Encoded != null && secretBase64Encoded;
            tokenTtl = tokenTtl == null ? Duration.ofMinutes(5) : tokenTtl;
        }

        /** The secret's bytes, decoded when it is base64. */
        public byte[] secretBytes() {
            return secretBase64Encoded ? Base64.getDecoder().decode(secret) : secret.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Auth[subject=" + subject + ", audience=" + audience + ", secret=" + Secrets.mask(secret)
                    + ", secretBase64Encoded=" + secretBase64Encoded + ", tokenTtl=" + tokenTtl + "]";
        }
    }

    public HttpGatewaySettings {
        format = format == null ? Format.JSON : format;
        method = method == null ? (format == Format.QUERY ? Method.GET : Method.POST) : method;
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        recipientFormat = recipientFormat == null ? RecipientFormat.E164 : recipientFormat;
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(3) : connectTimeout;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    /** The name a field is sent under. */
    public String fieldName(Field field) {
        return fields.getOrDefault(field, ClosedSet.spelling(field));
    }

    /** Checks the settings and resolves their secrets; messages name the keys under {@code prefix}. */
    public HttpGatewaySettings resolved(String prefix, String usage, Secrets secrets) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(prefix + ".url is required when " + usage);
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + ".url is not a valid URL", e);
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(prefix + ".url must be an http(s) URL");
        }
        // format, method, recipient_format and the fields' keys are closed sets: binding refused other values.
        if ((method == Method.GET) != (format == Format.QUERY)) {
            throw new IllegalArgumentException(prefix + ".method GET goes with " + prefix + ".format query, and "
                    + "json or form need POST or PUT");
        }
        if (connectTimeout.isZero() || connectTimeout.isNegative() || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException(prefix + ".connect_timeout and " + prefix + ".timeout must be positive");
        }
        Map<String, String> resolvedParams = new LinkedHashMap<>();
        params.forEach((k, v) -> resolvedParams.put(k, secrets.resolve(prefix + ".params." + k, v)));
        Map<String, String> resolvedHeaders = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if (k.equalsIgnoreCase("content-type")
                    || k.equalsIgnoreCase("content-length")
                    || k.equalsIgnoreCase("host")) {
                throw new IllegalArgumentException(prefix + ".headers." + k + " is set by Phonepass itself");
            }
            if (auth != null && k.equalsIgnoreCase("authorization")) {
                throw new IllegalArgumentException(
                        prefix + ".headers.Authorization conflicts with " + prefix + ".auth; use one of them");
            }
            resolvedHeaders.put(k, secrets.resolve(prefix + ".headers." + k, v));
        });
        Auth resolvedAuth = null;
        if (auth != null) {
            String a = prefix + ".auth";
            if (auth.subject() == null || auth.subject().isBlank()) {
                throw new IllegalArgumentException(a + ".subject is required with " + a);
            }
            if (auth.audience() == null || auth.audience().isBlank()) {
                throw new IllegalArgumentException(a + ".audience is required with " + a);
            }
            if (auth.secret() == null || auth.secret().isBlank()) {
                throw new IllegalArgumentException(a + ".secret is required with " + a);
            }
            resolvedAuth = new Auth(
                    auth.subject(),
                    auth.audience(),
                    secrets.resolve(a + ".secret", auth.secret()),
                    auth.secretBase64Encoded(),
                    auth.tokenTtl());
            byte[] key;
            try {
                key = resolvedAuth.secretBytes();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        a + ".secret is not valid base64 although " + a + ".secret_base64_encoded is true", e);
            }
            if (key.length < 32) {
                throw new IllegalArgumentException(a + ".secret must be at least 32 bytes (256 bits) for HS256");
            }
        }
        return new HttpGatewaySettings(
                url,
                method,
                format,
                sender,
                fields,
                recipientFormat,
                resolvedParams,
                resolvedHeaders,
                resolvedAuth,
                connectTimeout,
                timeout);
    }

    @Override
    public String toString() {
        return "HttpGatewaySettings[url=" + url + ", method=" + method + ", format=" + format + ", sender=" + sender
                + ", fields=" + fields + ", recipientFormat=" + recipientFormat + ", params=" + params.keySet()
                + ", headers=" + headers.keySet() + ", auth=" + auth + ", connectTimeout=" + connectTimeout
                + ", timeout=" + timeout + "]";
    }
}
