package org.phonepass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads the {@code Auth0-Client} telemetry header (docs/auth0-compatibility.md#the-auth0-client-header): base64url
 * JSON such as {@code {"name":"auth0.js","version":"7.6.1"}}, with or without padding. Only for logs: a missing or
 * broken header is never a reason to refuse a request.
 */
final class Auth0ClientHeader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Auth0ClientHeader() {}

    /** {@code name/version}, restricted to safe characters, or null when absent or unreadable. */
    static String describe(String header) {
        if (header == null || header.isBlank() || header.length() > 2048) {
            return null;
        }
        try {
            String value = header.trim().replace('+', '-').replace('/', '_');
            while (value.endsWith("=")) {
                value = value.substring(0, value.length() - 1);
            }
            JsonNode node = JSON.readTree(new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8));
            String name = safe(node.path("name").asText(""));
            String version = safe(node.path("version").asText(""));
            if (name.isEmpty()) {
                return null;
            }
            return version.isEmpty() ? name : name + "/" + version;
        } catch (Exception e) {
            return null;
        }
    }

    private static String safe(String s) {
        String cleaned = s.replaceAll("[^A-Za-z0-9._\\-]", "");
        return cleaned.length() > 40 ? cleaned.substring(0, 40) : cleaned;
    }
}
