package org.phonepass.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A request's fields, whatever encoding they came in: form body, JSON body, or query string (JSONP).
 *
 * @param params    scalar fields as text
 * @param objects   object-valued JSON fields (for example {@code authParams})
 * @param jsonp     the JSONP callback name when this is a JSONP call (docs/auth0-compatibility.md#jsonp), else null
 */
public record ApiRequest(Map<String, String> params, Map<String, JsonNode> objects, String jsonp) {
    public ApiRequest {
        params = Map.copyOf(params);
        objects = Map.copyOf(objects);
    }

    /** The field, or null when absent or empty. */
    public String param(String name) {
        String v = params.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    public boolean has(String name) {
        return params.containsKey(name) || objects.containsKey(name);
    }

    public boolean isJsonp() {
        return jsonp != null;
    }
}
