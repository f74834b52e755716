package org.phonepass.server.http;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.session.SessionService;
import org.phonepass.core.token.TokenSigner;

/** Discovery, keys, country, logout and the default avatar: endpoints that need no client authentication. */
final class PublicEndpoints {
    private static final String AVATAR = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\">"
            + "<rect width=\"64\" height=\"64\" rx=\"32\" fill=\"#5b6b7f\"/>"
            + "<circle cx=\"32\" cy=\"25\" r=\"11\" fill=\"#fff\"/>"
            + "<path d=\"M12 54c3-11 11-16 20-16s17 5 20 16\" fill=\"#fff\"/></svg>";
    private final Responder responder;
    private final TokenSigner signer;
    private final ClientRegistry clients;
    private final ClientAddress address;
    private final String issuer;
    private final String defaultCountry;
    private final boolean countryFromLanguage;
    private final SessionService sessions;

    PublicEndpoints(
            Responder responder,
            TokenSigner signer,
            ClientRegistry clients,
            ClientAddress address,
            String issuer,
            String defaultCountry,
            boolean countryFromLanguage,
            SessionService sessions) {
        this.sessions = sessions;
        this.responder = responder;
        this.signer = signer;
        this.clients = clients;
        this.address = address;
        this.issuer = issuer;
        this.defaultCountry = defaultCountry;
        this.countryFromLanguage = countryFromLanguage;
    }

    /** JWKS, readable from any origin: auth0-js 9 fetches it from the SPA (docs/auth0-compatibility.md#cors). */
    void jwks(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Cache-Control", "public, max-age=300");
        responder.ok(ctx, null, signer.publicJwks());
    }

    void openidConfiguration(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("token_endpoint", issuer + "oauth/token");
        doc.put("userinfo_endpoint", issuer + "userinfo");
        doc.put("jwks_uri", issuer + ".well-known/jwks.json");
        doc.put("authorization_endpoint", issuer + "authorize");
        doc.put("revocation_endpoint", issuer + "oauth/revoke");
        // RP-initiated logout 1.0; /v2/logout stays for Auth0's libraries, which build its URL themselves.
        doc.put("end_session_endpoint", issuer + "oidc/logout");
        doc.put(
                "grant_types_supported",
                List.of(
                        "authorization_code",
                        "refresh_token",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "password",
                        "implicit"));
        // The implicit types for clients that allow the implicit grant (docs/spa.md#cross-origin-authentication).
        doc.put("response_types_supported", List.of("code", "token", "id_token", "token id_token"));
        doc.put("response_modes_supported", List.of("query", "fragment", "form_post", "web_message"));
        doc.put("code_challenge_methods_supported", List.of("S256"));
        doc.put("prompt_values_supported", List.of("none", "login", "consent", "select_account"));
        doc.put("authorization_response_iss_parameter_supported", true);
        doc.put("request_parameter_supported", false);
        doc.put("request_uri_parameter_supported", false);
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("token_endpoint_auth_methods_supported", List.of("none", "client_secret_post", "client_secret_basic"));
        doc.put("scopes_supported", List.of("openid", "profile", "phone", "offline_access"));
        doc.put(
                "claims_supported",
                List.of(
                        "sub",
                        "iss",
                        "aud",
                        "exp",
                        "iat",
                        "nonce",
                        "auth_time",
                        "sid",
                        "name",
                        "nickname",
                        "picture",
                        "updated_at",
                        "phone_number",
                        "phone_number_verified"));
        responder.ok(ctx, null, doc);
    }

    /**
     * The caller's country for Lock's dialling-code default (docs/api.md). Without a GeoIP database the best signals
     * are a trusted proxy's country header, then the region of the browser's language, then the configured default.
     */
    void country(Context ctx) {
        String country = address.guessCountry(ctx, countryFromLanguage);
        responder.ok(ctx, null, Map.of("country_code", country == null ? defaultCountry : country));
    }

    /**
     * {@code /logout} and {@code /v2/logout}: ends the server session of the hosted login (with {@code federated}
     * too: there is no upstream provider to sign out of), then redirects, only to a {@code returnTo} that the client
     * (or, without client_id, some client) allows.
     */
    void logout(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        String returnTo = ctx.queryParam("returnTo");
        String clientId = ctx.queryParam("client_id");
        if (returnTo != null && !returnTo.isEmpty()) {
            // Checked before the session ends: a refused logout changes nothing.
            checkReturnTo(returnTo, clientId);
        }
        SessionCookie.endSession(ctx, sessions);
        if (returnTo == null || returnTo.isEmpty()) {
            ctx.contentType("text/html; charset=utf-8")
                    .result("<!doctype html><title>Signed out</title>" + "<p>You are signed out.</p>");
            return;
        }
        ctx.redirect(returnTo, io.javalin.http.HttpStatus.FOUND);
    }

    private void checkReturnTo(String returnTo, String clientId) {
        List<Client> candidates = clientId == null
                ? List.copyOf(clients.all())
                : clients.findByClientId(clientId).map(List::of).orElse(List.of());
        Optional<Client> allowing =
                candidates.stream().filter(c -> c.allowsLogoutReturn(returnTo)).findFirst();
        if (allowing.isEmpty()) {
            throw PhonepassException.of(
                    ErrorCode.INVALID_RETURN_TO,
                    "returnTo is not an allowed logout URL for this client; add it to allowed_logout_urls");
        }
    }

    void avatar(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=86400");
        ctx.contentType("image/svg+xml").result(AVATAR);
    }
}
