package org.phonepass.server.hosted;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.phonepass.core.client.Client;
import org.phonepass.server.config.ClientSettings;
import org.phonepass.server.config.Settings;

/**
 * The pages a person sees, rendered on the server: the look, the languages, the security headers, and the error
 * page for requests that cannot go back to the app (docs/hosted-login.md#pages-languages-branding-and-accessibility).
 * Templates are jte files under server/src/main/jte/hosted, compiled into classes at build time, and escape every
 * value they print.
 */
public final class HostedPages {
    /** Error code of a login transaction that is unknown or over (the person waited too long, or came back later). */
    public static final String LOGIN_EXPIRED = "login_expired";

    private static final int MAX_DESCRIPTION = 300;

    private final TemplateEngine engine;
    private final Languages languages = new Languages();
    private final Assets assets;
    private final Branding branding;
    private final SecureRandom random = new SecureRandom();

    public HostedPages(Settings settings) {
        Settings.Hosted hosted = settings.hosted();
        this.engine = TemplateEngine.createPrecompiled(ContentType.Html);
        this.assets = new Assets(Branding.css(hosted), hosted.logoFile() == null ? null : Path.of(hosted.logoFile()));
        Map<String, String> logos = new LinkedHashMap<>();
        for (ClientSettings c : settings.clients()) {
            if (c.logoUri() != null) {
                logos.put(c.clientId(), c.logoUri());
            }
        }
        this.branding = new Branding(hosted, logos, assets);
    }

    /**
     * Answers an HTML error page in the product's look, in the language of the request's {@code ui_locales} or
     * {@code Accept-Language}. For requests whose errors cannot be sent back to the app (an unknown client, a
     * redirect URI that is not allowed, an expired login). {@code error} is an OAuth-style code; a known one gets
     * its own explanation, any other the general one; {@code description} is shown as the technical detail.
     */
    public void error(Context ctx, int status, String error, String description) {
        Messages t = languages.choose(uiLocales(ctx.queryParam("ui_locales")), ctx.header("Accept-Language"));
        String key = "error." + error + ".text";
        String explanation = error != null && t.has(key) ? t.t(key) : t.t("error.generic.text");
        String detail = description == null
                ? error
                : error + ": "
                        + (description.length() > MAX_DESCRIPTION
                                ? description.substring(0, MAX_DESCRIPTION) + "…"
                                : description);
        String nonce = nonce();
        Page page = page(t, nonce, t.t("error.title"), true, null, false, null);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("page", page);
        params.put("explanation", explanation);
        params.put("detail", detail);
        render(ctx, status, "hosted/error.jte", params, Set.of(), null);
    }

    /** The languages, for pages that choose one. */
    Languages languages() {
        return languages;
    }

    Assets assets() {
        return assets;
    }

    Branding branding() {
        return branding;
    }

    /** A fresh CSP nonce: 128 random bits. */
    String nonce() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    Page page(Messages t, String nonce, String title, boolean hasError, Client client, boolean script, String bot) {
        return new Page(
                t,
                nonce,
                title,
                hasError,
                branding.view(client),
                List.of(assets.url("hosted.css"), assets.url("brand.css")),
                script ? assets.url("hosted.js") : null,
                bot);
    }

    /**
     * Renders a template with the pages' headers.
     *
     * @param formTargets origins besides this server that a form on the page may end up at (the app's callbacks:
     *                    CSP's form-action also governs the redirects that follow a form's POST)
     * @param botOrigin   the bot-check widget's origin, allowed for scripts and frames; null without it
     */
    void render(
            Context ctx,
            int status,
            String template,
            Map<String, Object> params,
            Set<String> formTargets,
            String botOrigin) {
        Page page = (Page) params.get("page");
        StringOutput out = new StringOutput();
        engine.render(template, params, out);
        ctx.header("Content-Security-Policy", csp(page.nonce(), formTargets, botOrigin));
        ctx.header("Cache-Control", "no-store");
        // No Cross-Origin-Opener-Policy: a login in a popup (auth0-spa-js loginWithPopup) answers its opener with
        // postMessage after these pages, and a same-origin policy here would cut the popup from its opener.
        ctx.header("Permissions-Policy", "otp-credentials=(self), camera=(), microphone=(), geolocation=()");
        ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
    }

    /**
     * The pages' policy: scripts only with this response's nonce, styles and images only from this server (and the
     * configured logos' origins), no frames, no plugins, forms only to this server and the app's own callbacks.
     */
    String csp(String nonce, Set<String> formTargets, String botOrigin) {
        Set<String> images = new LinkedHashSet<>(List.of("'self'", "data:"));
        images.addAll(branding.imageOrigins());
        Set<String> forms = new LinkedHashSet<>(List.of("'self'"));
        forms.addAll(formTargets);
        String bot = botOrigin == null ? "" : " " + botOrigin;
        return "default-src 'none'; script-src 'nonce-" + nonce + "'" + bot + "; style-src 'self'; img-src "
                + String.join(" ", images) + "; connect-src 'self'" + bot + "; frame-src "
                + (botOrigin == null ? "'none'" : botOrigin) + "; form-action " + String.join(" ", forms)
                + "; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
    }

    static List<String> uiLocales(String raw) {
        if (raw == null || raw.isBlank() || raw.length() > 200) {
            return List.of();
        }
        return Arrays.stream(raw.trim().split("\\s+")).toList();
    }
}
