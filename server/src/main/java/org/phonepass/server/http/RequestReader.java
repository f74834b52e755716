package org.phonepass.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;

/**
 * Turns a request into an {@link ApiRequest}, refusing anything malformed with a 4xx: bodies over the size limit,
 * content types other than form and JSON, invalid UTF-8, bad percent-escapes, repeated fields, JSON that is not an
 * object, and fields longer than {@link #MAX_FIELD_LENGTH}.
 */
public final class RequestReader {
    public static final int MAX_FIELD_LENGTH = 8192;
    public static final int MAX_FIELDS = 64;
    private static final Pattern CALLBACK = Pattern.compile("^[A-Za-z_$][A-Za-z0-9_$]{0,63}$");
    private final ObjectMapper json = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final int maxBodyBytes;

    public RequestReader(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Reads a JSONP-capable endpoint: GET takes the query string (and {@code cbx}), POST takes the body. */
    public ApiRequest read(Context ctx) {
        if (ctx.method().name().equals("GET")) {
            Map<String, String> query = parseForm(ctx.queryString() == null ? "" : ctx.queryString());
            if (query.containsKey("client_secret")) {
                // A URL ends up in access logs, proxies and browser history; a secret seen there is spent.
                throw bad("client_secret must not be sent in a URL; send it in a POST body or with HTTP Basic");
            }
            String callback = query.get("cbx");
            if (callback != null && !CALLBACK.matcher(callback).matches()) {
                throw bad("cbx must be a JavaScript identifier of at most 64 characters");
            }
            return new ApiRequest(query, Map.of(), callback);
        }
        byte[] body = body(ctx);
        String type = ctx.contentType() == null
                ? ""
                : ctx.contentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (body.length == 0
                && (type.isEmpty()
                        || type.equals("application/x-www-form-urlencoded")
                        || type.equals("application/json"))) {
            return new ApiRequest(Map.of(), Map.of(), null);
        }
        if (type.equals("application/x-www-form-urlencoded")) {
            return new ApiRequest(parseForm(utf8(body)), Map.of(), null);
        }
        if (type.equals("application/json") || type.endsWith("+json")) {
            return parseJson(utf8(body));
        }
        throw new PhonepassException(
                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be application/x-www-form-urlencoded or application/json",
                Map.of(),
                null,
                null);
    }

    /** The body {@link BodyPrefetchFilter} gathered before the route ran, or why there is none. */
    private byte[] body(Context ctx) {
        Object failure = ctx.req().getAttribute(BodyPrefetchFilter.FAILURE);
        if (failure != null) {
            throw switch ((BodyPrefetchFilter.Failure) failure) {
                case TOO_LARGE -> tooLarge();
                case TIMEOUT ->
                    PhonepassException.of(ErrorCode.REQUEST_TIMEOUT, "the request body did not arrive in time");
                case UNREADABLE -> bad("the request body could not be read");
            };
        }
        byte[] body = (byte[]) ctx.req().getAttribute(BodyPrefetchFilter.BODY);
        return body == null ? new byte[0] : body;
    }

    private ApiRequest parseJson(String text) {
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw bad("the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw bad("the JSON body must be an object");
        }
        if (object.size() > MAX_FIELDS) {
            throw bad("too many fields");
        }
        Map<String, String> params = new HashMap<>();
        Map<String, JsonNode> objects = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode v = f.getValue();
            if (v.isValueNode() && !v.isNull()) {
                params.put(f.getKey(), limit(f.getKey(), v.asText()));
            } else if (v.isContainerNode()) {
                if (v.toString().length() > MAX_FIELD_LENGTH) {
                    throw bad("field '" + f.getKey() + "' is too long");
                }
                objects.put(f.getKey(), v);
            }
        }
        return new ApiRequest(params, objects, null);
    }

    /**
     * Parses {@code application/x-www-form-urlencoded}. Written here rather than with {@link java.net.URLDecoder}
     * because that one silently replaces invalid UTF-8 with U+FFFD, and we must refuse it instead.
     */
    Map<String, String> parseForm(String text) {
        Map<String, String> out = new HashMap<>();
        if (text.isEmpty()) {
            return out;
        }
        String[] pairs = text.split("&");
        if (pairs.length > MAX_FIELDS) {
            throw bad("too many fields");
        }
        for (String pair : pairs) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (out.putIfAbsent(key, limit(key, value)) != null) {
                throw bad("field '" + key + "' appears more than once");
            }
        }
        return out;
    }

    private static String decode(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw bad("bad percent-escape in the form data");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw bad("bad percent-escape in the form data");
                }
                bytes.write((hi << 4) | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
                i += Character.charCount(cp) - 1;
            }
        }
        return utf8(bytes.toByteArray());
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw bad("the request is not valid UTF-8");
        }
    }

    private static String limit(String key, String value) {
        if (value.length() > MAX_FIELD_LENGTH || key.length() > 256) {
            throw bad("field '" + (key.length() > 64 ? key.substring(0, 64) + "..." : key) + "' is too long");
        }
        return value;
    }

    private PhonepassException tooLarge() {
        return new PhonepassException(
                ErrorCode.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + maxBodyBytes + " bytes",
                Map.of(),
                null,
                null);
    }

    private static PhonepassException bad(String description) {
        return PhonepassException.of(ErrorCode.INVALID_REQUEST, description);
    }
}
