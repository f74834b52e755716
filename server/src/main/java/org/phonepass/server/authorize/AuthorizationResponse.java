package org.phonepass.server.authorize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes an authorization response (a code, or an OAuth error) to the app, in the response mode the request chose
 * (docs/hosted-login.md#response-modes): a redirect with a query or a fragment, an auto-submitted form
 * ({@code form_post}), or a page that posts a message to the window that opened it ({@code web_message}, what
 * auth0-spa-js uses for silent authentication). Only ever called with a client's checked {@code redirect_uri}.
 */
final class AuthorizationResponse {
    static final String QUERY = "query";
    static final String FRAGMENT = "fragment";
    static final String FORM_POST = "form_post";
    static final String WEB_MESSAGE = "web_message";

    private final ObjectMapper json;
    private final SecureRandom random;
    private final String issuer;

    AuthorizationResponse(ObjectMapper json, SecureRandom random, String issuer) {
        this.json = json;
        this.random = random;
        this.issuer = issuer;
    }

    /** Where and how to answer: the checked redirect URI, the response mode, and the request's state (or null). */
    record Target(String redirectUri, String mode, String state) {}

    /** The code, with the state echoed byte for byte. */
    void code(Context ctx, Target target, String code) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", code);
        send(ctx, target, params);
    }

    /** Tokens of an implicit response (OIDC Core §3.2.2.5), with the state echoed byte for byte. */
    void tokens(Context ctx, Target target, Map<String, String> tokens) {
        send(ctx, target, new LinkedHashMap<>(tokens));
    }

    /** An OAuth error (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6). */
    void error(Context ctx, Target target, String error, String description) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", error);
        params.put("error_description", description);
        send(ctx, target, params);
    }

    private void send(Context ctx, Target target, Map<String, String> params) {
        if (target.state() != null) {
            params.put("state", target.state());
        }
        // RFC 9207: the issuer in the response lets a client that talks to several servers detect a mix-up.
        params.put("iss", issuer);
        noStore(ctx);
        switch (target.mode()) {
            case FRAGMENT -> ctx.status(302).header("Location", target.redirectUri() + "#" + form(params));
            case FORM_POST -> formPost(ctx, target, params);
            case WEB_MESSAGE -> webMessage(ctx, target, params);
            default -> {
                String separator = target.redirectUri().indexOf('?') >= 0 ? "&" : "?";
                ctx.status(302).header("Location", target.redirectUri() + separator + form(params));
            }
        }
    }

    /**
     * An auto-submitting form (OAuth 2.0 Form Post Response Mode): the script carries the page's nonce, and a button
     * stands in for it without JavaScript. The form may go only to the redirect URI's origin, and no site may frame
     * the page.
     */
    private void formPost(Context ctx, Target target, Map<String, String> params) {
        String nonce = nonce();
        StringBuilder html = new StringBuilder(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Continue</title>"
                        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>"
                        + "<form method=\"post\" action=\"" + attr(target.redirectUri()) + "\">");
        params.forEach((k, v) -> html.append("<input type=\"hidden\" name=\"")
                .append(attr(k))
                .append("\" value=\"")
                .append(attr(v))
                .append("\">"));
        html.append("<noscript><p>JavaScript is off: press the button to go back to the application.</p>"
                        + "<button type=\"submit\">Continue</button></noscript></form>"
                        + "<script nonce=\"")
                .append(nonce)
                .append("\">document.forms[0].submit();</script></body></html>");
        ctx.header(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'nonce-" + nonce + "'; form-action " + origin(target.redirectUri())
                        + "; frame-ancestors 'none'; base-uri 'none'");
        ctx.status(200).contentType("text/html; charset=utf-8").result(html.toString());
    }

    /**
     * The {@code web_message} page: posts {@code {type:'authorization_response', response:{...}}} to the window that
     * loaded it (the app's hidden iframe parent, or a popup's opener), with the redirect URI's origin as the target
     * origin, so no other site can receive the code. Only that origin may frame the page.
     */
    private void webMessage(Context ctx, Target target, Map<String, String> params) {
        String nonce = nonce();
        String origin = origin(target.redirectUri());
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "authorization_response");
        message.put("response", params);
        String script = "(function(){var target=window.opener||window.parent;target.postMessage(" + scriptJson(message)
                + "," + scriptJson(origin) + ");})();";
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorization response"
                + "</title></head><body><script nonce=\"" + nonce + "\">" + script + "</script></body></html>";
        ctx.header(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'nonce-" + nonce + "'; frame-ancestors " + origin
                        + "; base-uri 'none'; form-action 'none'");
        // The CSP's frame-ancestors names the one origin allowed to frame it; X-Frame-Options cannot, and would
        // forbid the frame in every browser that reads it first.
        ctx.res().setHeader("X-Frame-Options", null);
        ctx.status(200).contentType("text/html; charset=utf-8").result(html);
    }

    /** The origin ({@code scheme://host[:port]}) of an absolute URI, as browsers write it. */
    static String origin(String uri) {
        URI u = URI.create(uri);
        String scheme = u.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = u.getPort();
        boolean defaultPort =
                port == -1 || scheme.equals("https") && port == 443 || scheme.equals("http") && port == 80;
        return scheme + "://" + u.getHost().toLowerCase(java.util.Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /** JSON that is safe inside a script element: no {@code </script>}, no HTML comment, no line separators. */
    private String scriptJson(Object value) {
        try {
            return json.writeValueAsString(value)
                    .replace("<", "\\u003c")
                    .replace(">", "\\u003e")
                    .replace("&", "\\u0026")
                    .replace("\u2028", "\\u2028")
                    .replace("\u2029", "\\u2029");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the response", e);
        }
    }

    private String nonce() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
        ctx.header("Referrer-Policy", "no-referrer");
    }

    static String attr(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Form encoding with {@code %20} for spaces, right in a query and in a fragment alike. */
    static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
