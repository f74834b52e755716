package org.phonepass.core.authorize;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An authorization request waiting for the person to sign in on the hosted pages: a login transaction
 * (docs/hosted-login.md#login-transactions). Stored by the hash of its id, which the pages carry in their URLs.
 *
 * @param clientId    the client the request is for
 * @param params      the validated {@code /authorize} parameters, to finish the response with
 * @param browserHash SHA-256 of the random value in the browser's transaction cookie: only that browser may finish
 *                    the login (no login CSRF), or null
 * @param sid         null while the person has not signed in; once they have, the public id of the session the
 *                    sign-in started, which the browser must present to get the code
 * @param createdAt   when the request arrived
 * @param expiresAt   when it ends and the person has to start again from the app
 */
public record PendingLogin(
        String clientId,
        Map<String, String> params,
        byte[] browserHash,
        String sid,
        Instant createdAt,
        Instant expiresAt) {
    public PendingLogin {
        Objects.requireNonNull(clientId, "clientId cannot be null");
        params = Map.copyOf(params);
        browserHash = browserHash == null ? null : browserHash.clone();
        Objects.requireNonNull(createdAt, "createdAt cannot be null");
        Objects.requireNonNull(expiresAt, "expiresAt cannot be null");
    }

    @Override
    public byte[] browserHash() {
        return browserHash == null ? null : browserHash.clone();
    }

    /** The same transaction, signed in with the session {@code sid}, ending at {@code expiresAt}. */
    public PendingLogin signedIn(String sessionSid, Instant newExpiry) {
        return new PendingLogin(clientId, params, browserHash, sessionSid, createdAt, newExpiry);
    }

    /** The parameters as one form-encoded string, for stores that keep them in a text column or value. */
    public static String encodeParams(Map<String, String> params) {
        return new LinkedHashMap<>(params)
                .entrySet().stream()
                        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                        .collect(Collectors.joining("&"));
    }

    /** The reverse of {@link #encodeParams}. */
    public static Map<String, String> decodeParams(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        Arrays.stream(encoded.split("&")).forEach(pair -> {
            int eq = pair.indexOf('=');
            out.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        });
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
