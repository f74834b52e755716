package org.phonepass.server.authorize;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.phonepass.core.authorize.AuthorizationCodeService;
import org.phonepass.core.authorize.PendingLogin;
import org.phonepass.core.authorize.PendingLoginStore;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.LoginTicket;
import org.phonepass.core.login.LoginTickets;
import org.phonepass.core.session.SessionRecord;
import org.phonepass.core.session.SessionService;
import org.phonepass.core.token.OpaqueTokens;
import org.phonepass.core.token.Scopes;
import org.phonepass.core.token.TokenResponse;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.User;
import org.phonepass.server.http.CrossOriginEndpoints;
import org.phonepass.server.http.SessionCookie;

/**
 * The part of {@code /authorize} that auth0-js 9/10 and Lock 11-14 need (docs/spa.md#cross-origin-authentication):
 * the {@code login_ticket} of {@code POST /co/authenticate} as the login, implicit responses ({@code token},
 * {@code id_token}) for clients that allow the {@code implicit} grant, and the third-party-cookie fallback
 * ({@code POST /co/verify} and the page that asks the app's verification page for the {@code co_verifier}).
 */
final class CrossOriginLogin {
    static final String VERIFY_PATH = "/co/verify";
    /** How long the fallback page may take to get the verifier from the app's page. */
    static final Duration FALLBACK_LIFETIME = Duration.ofMinutes(2);

    private final LoginTickets tickets;
    private final SessionService sessions;
    private final AuthorizationCodeService codes;
    private final PendingLoginStore logins;
    private final TokenService tokens;
    private final AuthorizationResponse responses;
    private final String issuer;
    private final Clock clock;
    private final SecureRandom random;
    /** Login transactions' ids: keys that begin with their time (docs/benchmarks.md#time-ordered-secret-keys). */
    private final OpaqueTokens ids;

    CrossOriginLogin(
            LoginTickets tickets,
            SessionService sessions,
            AuthorizationCodeService codes,
            PendingLoginStore logins,
            TokenService tokens,
            AuthorizationResponse responses,
            String issuer,
            Clock clock,
            SecureRandom random) {
        this.tickets = Objects.requireNonNull(tickets, "tickets cannot be null");
        this.sessions = sessions;
        this.codes = codes;
        this.logins = logins;
        this.tokens = tokens;
        this.responses = responses;
        this.issuer = issuer;
        this.clock = clock;
        this.random = random;
        this.ids = new OpaqueTokens(clock, random);
    }

    /** A refusal that goes back to the app as an OAuth error, in the request's response mode. */
    static final class Refusal extends RuntimeException {
        final String error;

        Refusal(String error, String description) {
            super(description, null, false, false);
            this.error = error;
        }
    }

    /** The values of {@code response_type}, in a set; empty when there is none. */
    static Set<String> responseTypes(String raw) {
        if (raw == null || raw.isBlank()) {
            return Set.of();
        }
        return new LinkedHashSet<>(List.of(raw.trim().split(" +")));
    }

    /** Whether the response type asks for tokens in the redirect: {@code token}, {@code id_token}, or both. */
    static boolean isImplicit(String responseType) {
        Set<String> types = responseTypes(responseType);
        return !types.isEmpty() && Set.of("token", "id_token").containsAll(types);
    }

    /**
     * Checks an implicit request: the grant, and a nonce with an id_token (OIDC Core §3.2.2.1). The response mode
     * may not be {@code query}: tokens never travel in a query string.
     */
    static void checkImplicit(Client client, Map<String, String> p) {
        if (!client.allowsGrant(GrantType.IMPLICIT)) {
            throw new Refusal("unauthorized_client", "Grant type 'implicit' not allowed for the client.");
        }
        if (AuthorizationResponse.QUERY.equals(p.get("response_mode"))) {
            throw new Refusal(
                    "invalid_request",
                    "response_mode=query cannot carry tokens; use fragment, form_post or " + "web_message");
        }
        if (responseTypes(p.get("response_type")).contains("id_token")
                && (p.get("nonce") == null || p.get("nonce").isEmpty())) {
            throw new Refusal("invalid_request", "Missing required parameter: nonce (required with id_token)");
        }
    }

    /**
     * {@code /authorize} with a {@code login_ticket}: the ticket is the login, even with {@code prompt=none}. The
     * browser must prove it is the one that called {@code /co/authenticate}: by the verifier cookie, or else through
     * the app's verification page when the client has one.
     */
    void redeem(Context ctx, Client client, AuthorizationResponse.Target target, Map<String, String> p) {
        String ticket = p.get("login_ticket");
        Optional<LoginTicket> found = tickets.peek(ticket);
        if (found.isEmpty()) {
            throw new Refusal("access_denied", LoginTickets.INVALID_TICKET_DESCRIPTION);
        }
        LoginTicket t = found.get();
        if (!t.clientId().equals(client.clientId())) {
            // Another client's ticket: taken for stolen, used up.
            tickets.discard(ticket);
            throw new Refusal("access_denied", LoginTickets.INVALID_TICKET_DESCRIPTION);
        }
        String cookie = CrossOriginEndpoints.VERIFIER_COOKIE_PREFIX + t.coId();
        String partitioned = CrossOriginEndpoints.PARTITIONED_VERIFIER_COOKIE_PREFIX + t.coId();
        String verifier = ctx.cookie(cookie) != null ? ctx.cookie(cookie) : ctx.cookie(partitioned);
        if (verifier != null && !verifier.isEmpty()) {
            ctx.res().addHeader("Set-Cookie", cookie + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=None");
            ctx.res()
                    .addHeader(
                            "Set-Cookie",
                            partitioned + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=None; Partitioned");
            finish(ctx, client, target, p, redeemed(client, ticket, verifier));
            return;
        }
        String from = refererOrigin(ctx);
        if (from != null && from.equals(t.origin())) {
            // No cookie came back (third-party cookies blocked), but the browser comes from the page that logged in.
            try {
                finish(ctx, client, target, p, tickets.redeemFromOrigin(client, ticket, from));
            } catch (PhonepassException e) {
                throw new Refusal("access_denied", e.description());
            }
            return;
        }
        if (client.crossOriginLoc() != null) {
            fallbackPage(ctx, client, target, p, t);
            return;
        }
        // A browser that kept no cookie, came from elsewhere and has no page to ask: the ticket is used up.
        tickets.discard(ticket);
        throw new Refusal(
                "access_denied",
                "This browser did not send back the cookie of the cross-origin login (it may block third-party "
                        + "cookies), and did not come from the page that logged in. Serve this server on the "
                        + "application's site, or set the client's cross_origin_loc.");
    }

    /** The origin of the request's {@code Referer}, or null. */
    private static String refererOrigin(Context ctx) {
        String referer = ctx.header("Referer");
        if (referer == null || referer.length() > 4096) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(referer);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return AuthorizationResponse.origin(referer);
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private LoginTickets.Redeemed redeemed(Client client, String ticket, String verifier) {
        try {
            return tickets.redeem(client, ticket, verifier);
        } catch (PhonepassException e) {
            throw new Refusal("access_denied", e.description());
        }
    }

    /**
     * The ticket counts as the login: a new server session (whatever cookie the browser had, so no session
     * fixation), then the answer the request asked for.
     */
    private void finish(
            Context ctx,
            Client client,
            AuthorizationResponse.Target target,
            Map<String, String> p,
            LoginTickets.Redeemed redeemed) {
        String old = SessionCookie.read(ctx, SessionCookie.SESSION);
        if (old != null) {
            sessions.end(old);
        }
        SessionService.Started started = sessions.start(redeemed.user().userId());
        SessionCookie.setSession(ctx, started.cookieValue(), sessions.settings().absoluteLifetime());
        issue(ctx, client, target, p, started.session());
    }

    /** The answer from a session: a code, or the tokens of an implicit request. */
    void issue(
            Context ctx,
            Client client,
            AuthorizationResponse.Target target,
            Map<String, String> p,
            SessionRecord session) {
        if (!isImplicit(p.get("response_type"))) {
            responses.code(
                    ctx, target, codes.issue(client, session.userId(), AuthorizeEndpoints.grant(target, p, session)));
            return;
        }
        Set<String> types = responseTypes(p.get("response_type"));
        User user =
                tokens.findUser(session.userId()).orElseThrow(() -> new Refusal("login_required", "Login required"));
        TokenService.Request redirect = TokenService.Request.redirect(
                Scopes.parse(p.get("scope")), types.contains("id_token"), p.get("audience"), p.get("nonce"));
        TokenResponse issued;
        try {
            issued = tokens.issue(
                    client,
                    user,
                    new TokenService.Request(
                            redirect.scope(),
                            redirect.audience(),
                            redirect.nonce(),
                            false,
                            session.authTime(),
                            session.sid()));
        } catch (PhonepassException e) {
            throw new Refusal("access_denied", e.description());
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (types.contains("token")) {
            params.put("access_token", issued.accessToken());
        }
        if (types.contains("id_token") && issued.idToken() != null) {
            params.put("id_token", issued.idToken());
        }
        params.put("scope", issued.scope());
        if (types.contains("token")) {
            params.put("expires_in", Long.toString(issued.expiresIn()));
        }
        params.put("token_type", issued.tokenType());
        responses.tokens(ctx, target, params);
    }

    /**
     * The third-party-cookie fallback (docs/spa.md#third-party-cookies): a page of this server frames the app's
     * verification page, asks it for the verifier of {@code co_id}, and posts it to {@link #VERIFY_PATH} with a
     * transaction id that stands for this request.
     */
    private void fallbackPage(
            Context ctx, Client client, AuthorizationResponse.Target target, Map<String, String> p, LoginTicket t) {
        String id = ids.next();
        Instant now = clock.instant();
        Map<String, String> kept = new LinkedHashMap<>(p);
        kept.put("redirect_uri", target.redirectUri());
        kept.put("response_mode", target.mode());
        logins.save(
                OpaqueTokens.key(id),
                new PendingLogin(client.clientId(), kept, null, null, now, now.plus(FALLBACK_LIFETIME)));
        String locOrigin = AuthorizationResponse.origin(client.crossOriginLoc());
        String self = AuthorizationResponse.origin(issuer);
        String frame = client.crossOriginLoc() + "#origin=" + URLEncoder.encode(self, StandardCharsets.UTF_8);
        String nonce = randomToken();
        String script = "(function(){var done=false;var form=document.getElementById('co');"
                + "var frame=document.getElementById('loc');"
                + "function send(v){if(done)return;done=true;form.elements.verifier.value=v||'';form.submit();}"
                + "window.addEventListener('message',function(e){if(e.origin!==" + js(locOrigin) + "||!e.data)return;"
                + "if(e.data.type==='ready'){frame.contentWindow.postMessage({type:'co_verifier_request',"
                + "request:{id:" + js(t.coId()) + "}}," + js(locOrigin) + ");}"
                + "else if(e.data.type==='co_verifier_response'){send(e.data.response&&e.data.response.verifier);}});"
                + "setTimeout(function(){send('');},10000);})();";
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in</title>"
                + "</head><body><p>Signing in…</p>"
                + "<iframe id=\"loc\" title=\"Cross-origin verification\" hidden src=\""
                + AuthorizationResponse.attr(frame) + "\"></iframe>"
                + "<form id=\"co\" method=\"post\" action=\"" + VERIFY_PATH + "\">"
                + "<input type=\"hidden\" name=\"state\" value=\"" + id + "\">"
                + "<input type=\"hidden\" name=\"verifier\" value=\"\">"
                + "<noscript><button type=\"submit\">Continue</button></noscript></form>"
                + "<script nonce=\"" + nonce + "\">" + script + "</script></body></html>";
        boolean framed = AuthorizationResponse.WEB_MESSAGE.equals(target.mode());
        ctx.header(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'nonce-" + nonce + "'; frame-src " + locOrigin
                        + "; form-action 'self'; base-uri 'none'; frame-ancestors "
                        + (framed ? AuthorizationResponse.origin(target.redirectUri()) : "'none'"));
        if (framed) {
            ctx.res().setHeader("X-Frame-Options", null);
        }
        AuthorizationResponse.noStore(ctx);
        ctx.status(200).contentType("text/html; charset=utf-8").result(html);
    }

    /**
     * {@code POST /co/verify}: the verifier the app's page handed over. Right: the ticket is redeemed and the
     * request answered as if the cookie had come back. Wrong or empty: the ticket is used up and the app told.
     *
     * @return false when the transaction is unknown (the caller shows an error page)
     */
    boolean verify(Context ctx, Client client, PendingLogin pending, String verifier) {
        Map<String, String> p = pending.params();
        AuthorizationResponse.Target target =
                new AuthorizationResponse.Target(p.get("redirect_uri"), p.get("response_mode"), p.get("state"));
        try {
            if (verifier == null || verifier.isEmpty()) {
                tickets.discard(p.get("login_ticket"));
                throw new Refusal(
                        "access_denied",
                        "The application's verification page did not know this login (the browser may block "
                                + "third-party cookies). Serve this server on the application's site.");
            }
            finish(ctx, client, target, p, redeemed(client, p.get("login_ticket"), verifier));
        } catch (Refusal e) {
            responses.error(ctx, target, e.error, e.getMessage());
        }
        return true;
    }

    private static String js(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("<", "\\u003c") + "'";
    }

    private String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
