package org.phonepass.server.admin;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.phonepass.server.http.ApiRequest;
import org.phonepass.server.management.ClientManagement;

/**
 * The console's application form as typed: the fields the Management API takes for a client (docs/management.md),
 * with the URL lists one per line. The API checks every value; the form only carries them.
 *
 * @param name         the name
 * @param appType      {@code spa}, {@code native}, {@code regular_web} or {@code non_interactive}
 * @param confidential whether it has a secret (token_endpoint_auth_method other than none)
 * @param callbacks    callback URLs, one per line
 * @param origins      allowed browser origins, one per line
 * @param logoutUrls   allowed logout URLs, one per line
 */
public record ClientForm(
        String name, String appType, boolean confidential, String callbacks, String origins, String logoutUrls) {

    public static final List<String> APP_TYPES = List.of("spa", "native", "regular_web", "non_interactive");

    static ClientForm blank() {
        return new ClientForm("", "spa", false, "", "", "");
    }

    static ClientForm of(ClientManagement.View v) {
        return new ClientForm(
                v.definition().name() == null ? "" : v.definition().name(),
                v.definition().appType() == null ? "spa" : v.definition().appType(),
                v.row().secretHash() != null,
                String.join("\n", v.definition().callbacks()),
                String.join("\n", v.definition().allowedOrigins()),
                String.join("\n", v.definition().allowedLogoutUrls()));
    }

    static ClientForm read(ApiRequest form) {
        return new ClientForm(
                value(form, "name"),
                value(form, "app_type"),
                "on".equals(form.param("confidential")),
                value(form, "callbacks"),
                value(form, "allowed_origins"),
                value(form, "allowed_logout_urls"));
    }

    /** The Management API body for this form. */
    Map<String, Object> body(boolean create) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (create) {
            body.put("app_type", appType);
        }
        body.put("token_endpoint_auth_method", confidential ? "client_secret_post" : "none");
        body.put("callbacks", lines(callbacks));
        body.put("allowed_origins", lines(origins));
        body.put("allowed_logout_urls", lines(logoutUrls));
        return body;
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\\R"))
                .map(String::trim)
                .filter(l -> !l.isEmpty())
                .toList();
    }

    private static String value(ApiRequest form, String name) {
        String v = form.param(name);
        return v == null ? "" : v;
    }
}
