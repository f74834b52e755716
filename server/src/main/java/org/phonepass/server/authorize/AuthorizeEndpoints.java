package org.phonepass.server.authorize;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.phonepass.core.abuse.AbusePolicy;
import org.phonepass.core.authorize.AuthorizationCodeService;
import org.phonepass.core.authorize.PendingLogin;
import org.phonepass.core.authorize.PendingLoginStore;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.LoginTickets;
import org.phonepass.core.session.SessionRecord;
import org.phonepass.core.session.SessionService;
import org.phonepass.core.token.OpaqueTokens;
import org.phonepass.core.token.Scopes;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.User;
import org.phonepass.server.http.ClientAddress;
import org.phonepass.server.http.SessionCookie;

/**
 * The authorization endpoint and what surrounds it (docs/hosted-login.md): {@code GET /authorize} (Authorization
 * Code with PKCE, OIDC Core §3.1), {@code GET /authorize/resume} (the way back from the hosted pages),
 * {@code GET /oidc/logout} (RP-initiated logout), and the {@link LoginTransactions} the hosted pages use.
 *
 * <p>Until the client and its {@code redirect_uri} are known good, every refusal is an error page on this server
 * (a redirect to an unchecked address would make this an open redirector); after that, errors go back to the app as
 * OAuth errors in the request's response mode.
 */
public final class AuthorizeEndpoints implements LoginTransactions {
    /** Where the hosted pages start; they carry the transaction id as {@code state}. */
    public static final String LOGIN_PAGE = "/u/login";

    static final String RESUME_PATH = "/authorize/resume";
    /** The time between the sign-in on the pages and the browser's arrival at the resume URL. */
    static final Duration RESUME_LIFETIME = Duration.ofMinutes(5);

    static final int MAX_STATE = 2048;
    static final int MAX_NONCE = 512;
    static final int MAX_SCOPE = 1024;
    static final int MAX_HINT = 64;
    static final int MAX_LOCALES = 128;
    private static final Pattern CHALLENGE = Pattern.compile("^[A-Za-z0-9_-]{43}$");
    private static final Set<String> MODES = Set.of(
            AuthorizationResponse.QUERY,
            AuthorizationResponse.FRAGMENT,
            AuthorizationResponse.FORM_POST,
            AuthorizationResponse.WEB_MESSAGE);
    private static final Set<String> PROMPTS = Set.of("none", "login", "consent", "select_account");
    /** The parameters kept with a login transaction, to finish the response after the sign-in. */
    private static final List<String> KEPT = List.of(
            "response_type",
            "redirect_uri",
            "response_mode",
            "state",
            "nonce",
            "scope",
            "audience",
            "code_challenge",
            "prompt",
            "max_age",
            "login_hint",
            "ui_locales",
            "screen_hint");

    private final ClientRegistry clients;
    private final SessionService sessions;
    private final AuthorizationCodeService codes;
    private final PendingLoginStore logins;
    private final TokenService tokens;
    private final AuthorizationResponse responses;
    private final ErrorPage errorPage;
    private final AbusePolicy policy;
    private final ClientAddress address;
    private final Clock clock;
    private final SecureRandom random;
    /** Login transactions' ids: keys that begin with their time (docs/benchmarks.md#time-ordered-secret-keys). */
    private final OpaqueTokens ids;
    /** The login tickets of auth0-js 9/10 and Lock 11-14, and implicit responses; null when not served. */
    private final CrossOriginLogin crossOrigin;

    /** Shows a refusal that cannot go back to the app. */
    @FunctionalInterface
    public interface ErrorPage {
        void show(Context ctx, int status, String error, String description);
    }

    /** What the endpoints work with. */
    public record Parts(
            ClientRegistry clients,
            SessionService sessions,
            AuthorizationCodeService codes,
            PendingLoginStore logins,
            TokenService tokens,
            ObjectMapper json,
            String issuer,
            ErrorPage errorPage,
            AbusePolicy policy,
            ClientAddress address) {
        public Parts {
            Objects.requireNonNull(policy, "policy cannot be null");
            Objects.requireNonNull(address, "address cannot be null");
            Objects.requireNonNull(clients, "clients cannot be null");
            Objects.requireNonNull(sessions, "sessions cannot be null");
            Objects.requireNonNull(codes, "codes cannot be null");
            Objects.requireNonNull(logins, "logins cannot be null");
            Objects.requireNonNull(tokens, "tokens cannot be null");
            Objects.requireNonNull(json, "json cannot be null");
            Objects.requireNonNull(issuer, "issuer cannot be null");
            Objects.requireNonNull(errorPage, "errorPage cannot be null");
        }
    }

    public AuthorizeEndpoints(Parts parts, Clock clock, SecureRandom random) {
        this(parts, null, clock, random);
    }

    /**
     * @param tickets the login tickets of {@code POST /co/authenticate}, redeemed here
     *                (docs/spa.md#cross-origin-authentication); with them come implicit responses for clients that
     *                allow the {@code implicit} grant, and {@code POST /co/verify}
     */
    public AuthorizeEndpoints(Parts parts, LoginTickets tickets, Clock clock, SecureRandom random) {
        this.clients = parts.clients();
        this.sessions = parts.sessions();
        this.codes = parts.codes();
        this.logins = parts.logins();
        this.tokens = parts.tokens();
        this.responses = new AuthorizationResponse(parts.json(), random, parts.issuer());
        this.errorPage = parts.errorPage();
        this.policy = parts.policy();
        this.address = parts.address();
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
        this.ids = new OpaqueTokens(clock, random);
        this.crossOrigin = tickets == null
                ? null
                : new CrossOriginLogin(
                        tickets, sessions, codes, logins, tokens, responses, parts.issuer(), clock, random);
    }

    /** A refusal that goes back to the app as an OAuth error. */
    private static final class AppError extends RuntimeException {
        final String error;

        AppError(String error, String description) {
            super(description, null, false, false);
            this.error = error;
        }
    }

    /** A refusal shown on this server: the app cannot be told. */
    private static final class PageError extends RuntimeException {
        final int status;
        final String error;

        PageError(int status, String error, String description) {
            super(description, null, false, false);
            this.status = status;
            this.error = error;
        }
    }

    /** {@code GET /authorize}. */
    public void authorize(Context ctx) {
        AuthorizationResponse.noStore(ctx);
        Map<String, List<String>> raw = ctx.queryParamMap();
        AuthorizationResponse.Target target;
        Client client;
        try {
            client = checkedClient(single(raw, "client_id"));
            String mode = single(raw, "response_mode");
            String redirectUri = single(raw, "redirect_uri");
            checkRedirect(client, redirectUri, mode);
            String state = raw.containsKey("state") ? raw.get("state").get(0) : null;
            // Tokens never travel in a query: an implicit request answers in the fragment unless it asks otherwise.
            String defaultMode = CrossOriginLogin.isImplicit(single(raw, "response_type"))
                    ? AuthorizationResponse.FRAGMENT
                    : AuthorizationResponse.QUERY;
            target = new AuthorizationResponse.Target(
                    redirectUri,
                    mode != null && MODES.contains(mode) ? mode : defaultMode,
                    state != null && state.length() <= MAX_STATE ? state : null);
        } catch (PageError e) {
            errorPage.show(ctx, e.status, e.error, e.getMessage());
            return;
        }
        try {
            Map<String, String> p = validated(client, raw, target);
            answer(ctx, client, target, p);
        } catch (AppError e) {
            responses.error(ctx, target, e.error, e.getMessage());
        } catch (CrossOriginLogin.Refusal e) {
            responses.error(ctx, target, e.error, e.getMessage());
        }
    }

    /** With a usable session, the code at once; otherwise {@code login_required} or the hosted pages. */
    private void answer(Context ctx, Client client, AuthorizationResponse.Target target, Map<String, String> p) {
        if (p.get("login_ticket") != null) {
            // auth0-js 9/10 and Lock 11-14 after POST /co/authenticate: the ticket is the login, prompt=none or not.
            crossOrigin.redeem(ctx, client, target, p);
            return;
        }
        Set<String> prompt = Set.copyOf(Scopes.parse(p.get("prompt")));
        Optional<Live> live = liveSession(ctx);
        Long maxAge = p.get("max_age") == null ? null : Long.parseLong(p.get("max_age"));
        boolean usable = live.isPresent()
                && !prompt.contains("login")
                && (maxAge == null
                        || !live.get().session().authTime().plusSeconds(maxAge).isBefore(clock.instant()));
        if (usable) {
            issueCode(ctx, client, target, p, live.get().session());
            return;
        }
        if (prompt.contains("none")) {
            throw new AppError("login_required", "Login required");
        }
        startLogin(ctx, client, p);
    }

    private record Live(String cookie, SessionRecord session) {}

    /** The live session of the request's cookie whose user still exists. */
    private Optional<Live> liveSession(Context ctx) {
        String cookie = SessionCookie.read(ctx, SessionCookie.SESSION);
        if (cookie == null) {
            return Optional.empty();
        }
        Optional<SessionRecord> session = sessions.resume(cookie);
        if (session.isEmpty()) {
            return Optional.empty();
        }
        if (tokens.findUser(session.get().userId()).isEmpty()) {
            sessions.end(cookie);
            return Optional.empty();
        }
        return Optional.of(new Live(cookie, session.get()));
    }

    private void issueCode(
            Context ctx,
            Client client,
            AuthorizationResponse.Target target,
            Map<String, String> p,
            SessionRecord session) {
        if (crossOrigin != null) {
            // A code, or the tokens of an implicit request (auth0-js checkSession, Lock's SSO probe).
            crossOrigin.issue(ctx, client, target, p, session);
            return;
        }
        responses.code(ctx, target, codes.issue(client, session.userId(), grant(target, p, session)));
    }

    /** What a code issued for this request and session is bound to (docs/hosted-login.md). */
    static AuthorizationCodeService.Grant grant(
            AuthorizationResponse.Target target, Map<String, String> p, SessionRecord session) {
        return new AuthorizationCodeService.Grant(
                target.redirectUri(),
                p.get("code_challenge"),
                p.get("scope"),
                p.get("audience"),
                p.get("nonce"),
                session.authTime(),
                session.sid());
    }

    /** Creates the login transaction, bound to this browser, and sends the browser to the hosted pages. */
    private void startLogin(Context ctx, Client client, Map<String, String> p) {
        try {
            // Each transaction is stored until it expires: an address gets a bounded number of them.
            policy.checkAuthorize(address.ip(ctx));
        } catch (PhonepassException e) {
            if (e.retryAfterSeconds() != null) {
                ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            throw new AppError("temporarily_unavailable", "Too many sign-ins from this address. Try again later.");
        }
        String browser = SessionCookie.read(ctx, SessionCookie.BROWSER);
        if (browser == null) {
            browser = randomToken();
            SessionCookie.setBrowser(ctx, browser);
        }
        String id = ids.next();
        Instant now = clock.instant();
        Map<String, String> kept = new LinkedHashMap<>();
        KEPT.forEach(k -> {
            if (p.get(k) != null) {
                kept.put(k, p.get(k));
            }
        });
        logins.save(
                OpaqueTokens.key(id),
                new PendingLogin(
                        client.clientId(),
                        kept,
                        TokenService.sha256(browser),
                        null,
                        now,
                        now.plus(sessions.settings().transactionLifetime())));
        // The pages are framed by nobody; a 302 from here keeps the app's query out of their address bar.
        ctx.status(302).header("Location", LOGIN_PAGE + "?state=" + id);
    }

    /** The client named by the request, or an error page. */
    private Client checkedClient(String clientId) {
        if (clientId == null || clientId.isEmpty()) {
            throw new PageError(400, "invalid_request", "Missing required parameter: client_id");
        }
        return clients.findByClientId(clientId)
                .orElseThrow(
                        () -> new PageError(400, "unauthorized_client", "Unknown client: " + abbreviate(clientId)));
    }

    /**
     * The redirect URI must be one of the client's callbacks, exactly; for {@code web_message}, one of its allowed
     * web origins will do too (auth0-spa-js sends the page's bare origin when the app set no redirect URI), since the
     * answer then is a message to that origin, not a navigation.
     */
    private static void checkRedirect(Client client, String redirectUri, String mode) {
        if (redirectUri == null || redirectUri.isEmpty()) {
            throw new PageError(400, "invalid_request", "Missing required parameter: redirect_uri");
        }
        boolean listed = client.callbacks().contains(redirectUri)
                || AuthorizationResponse.WEB_MESSAGE.equals(mode) && client.allowsOrigin(redirectUri);
        if (!listed || !absolute(redirectUri) || redirectUri.indexOf('#') >= 0) {
            throw new PageError(
                    400,
                    "invalid_request",
                    "The redirect_uri " + abbreviate(redirectUri) + " is not one of the allowed callback URLs of "
                            + client.name() + ". Add it to the client's callbacks.");
        }
    }

    private static boolean absolute(String uri) {
        try {
            URI u = new URI(uri);
            return u.getScheme() != null
                    && u.getHost() != null
                    && (u.getScheme().equalsIgnoreCase("https") || u.getScheme().equalsIgnoreCase("http"));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The other parameters, each checked; a refusal here goes back to the app. */
    private Map<String, String> validated(
            Client client, Map<String, List<String>> raw, AuthorizationResponse.Target t) {
        for (Map.Entry<String, List<String>> e : raw.entrySet()) {
            if (e.getValue().size() > 1) {
                throw new AppError("invalid_request", "Parameter " + abbreviate(e.getKey()) + " is repeated");
            }
        }
        Map<String, String> p = new LinkedHashMap<>();
        raw.forEach((k, v) -> p.put(k, v.get(0)));
        p.put("redirect_uri", t.redirectUri());
        String state = p.get("state");
        if (state != null && state.length() > MAX_STATE) {
            throw new AppError("invalid_request", "state is longer than " + MAX_STATE + " characters");
        }
        String mode = p.get("response_mode");
        if (mode != null && !MODES.contains(mode)) {
            throw new AppError(
                    "invalid_request",
                    "Unsupported response_mode: " + abbreviate(mode) + ". Use query, fragment, form_post or "
                            + "web_message.");
        }
        p.put("response_mode", t.mode());
        String type = p.get("response_type");
        if (type == null || type.isEmpty()) {
            throw new AppError("invalid_request", "Missing required parameter: response_type");
        }
        boolean implicit = crossOrigin != null && CrossOriginLogin.isImplicit(type);
        if (!type.equals("code") && !implicit) {
            throw new AppError(
                    "unsupported_response_type",
                    "Unsupported response type: " + abbreviate(type) + ". This server answers response_type=code"
                            + (crossOrigin == null ? "." : ", token, id_token or token id_token."));
        }
        if (p.get("login_ticket") != null
                && (crossOrigin == null || p.get("login_ticket").length() > 256)) {
            throw new AppError("invalid_request", "login_ticket is not accepted here");
        }
        if (implicit) {
            CrossOriginLogin.checkImplicit(client, p);
        } else if (!client.allowsGrant(GrantType.AUTHORIZATION_CODE)) {
            throw new AppError("unauthorized_client", "Grant type 'authorization_code' not allowed for the client.");
        }
        if (p.get("nonce") != null && p.get("nonce").length() > MAX_NONCE) {
            throw new AppError("invalid_request", "nonce is longer than " + MAX_NONCE + " characters");
        }
        if (!implicit) {
            pkce(client, p);
        }
        String scope = p.get("scope");
        if (scope != null && scope.length() > MAX_SCOPE) {
            throw new AppError("invalid_scope", "scope is longer than " + MAX_SCOPE + " characters");
        }
        p.put("scope", scope == null || scope.isBlank() ? Scopes.OPENID : Scopes.join(Scopes.parse(scope)));
        String audience = p.get("audience");
        if (audience != null && audience.isEmpty()) {
            p.remove("audience");
        } else if (audience != null) {
            try {
                tokens.checkAudience(audience);
            } catch (PhonepassException e) {
                throw new AppError("access_denied", e.description());
            }
        }
        prompt(p.get("prompt"));
        String maxAge = p.get("max_age");
        if (maxAge != null && !maxAge.matches("^[0-9]{1,9}$")) {
            throw new AppError("invalid_request", "max_age must be a number of seconds");
        }
        String connection = p.get("connection");
        if (connection != null && !connection.isEmpty() && !connection.equals("sms")) {
            throw new AppError("invalid_request", "the connection was not found");
        }
        if (p.get("login_hint") != null && p.get("login_hint").length() > MAX_HINT) {
            throw new AppError("invalid_request", "login_hint is longer than " + MAX_HINT + " characters");
        }
        if (p.get("ui_locales") != null && p.get("ui_locales").length() > MAX_LOCALES) {
            throw new AppError("invalid_request", "ui_locales is longer than " + MAX_LOCALES + " characters");
        }
        if (p.get("screen_hint") != null && p.get("screen_hint").length() > MAX_HINT) {
            throw new AppError("invalid_request", "screen_hint is longer than " + MAX_HINT + " characters");
        }
        if (p.containsKey("request") || p.containsKey("request_uri")) {
            throw new AppError("request_not_supported", "Request objects are not supported");
        }
        return p;
    }

    /** S256 only (RFC 9700 §2.1.1); required for public clients, which have no secret to prove the exchange. */
    private static void pkce(Client client, Map<String, String> p) {
        String challenge = p.get("code_challenge");
        String method = p.get("code_challenge_method");
        if (challenge == null) {
            if (method != null) {
                throw new AppError("invalid_request", "code_challenge_method without code_challenge");
            }
            if (!client.isConfidential()) {
                throw new AppError(
                        "invalid_request",
                        "Missing required parameter: code_challenge (PKCE is required for public clients)");
            }
            return;
        }
        if (!"S256".equals(method)) {
            throw new AppError("invalid_request", "code_challenge_method must be S256; plain is not supported");
        }
        if (!CHALLENGE.matcher(challenge).matches()) {
            throw new AppError("invalid_request", "code_challenge must be 43 base64url characters (S256)");
        }
    }

    private static void prompt(String prompt) {
        if (prompt == null) {
            return;
        }
        List<String> values = new ArrayList<>(Scopes.parse(prompt));
        for (String v : values) {
            if (!PROMPTS.contains(v)) {
                throw new AppError("invalid_request", "Unsupported prompt: " + abbreviate(v));
            }
        }
        if (values.contains("none") && values.size() > 1) {
            throw new AppError("invalid_request", "prompt=none cannot be combined with other values");
        }
    }

    // ---- LoginTransactions: the contract with the hosted pages ----

    @Override
    public Optional<LoginTransaction> find(String id) {
        if (!OpaqueTokens.wellFormed(id)) {
            return Optional.empty();
        }
        return logins.find(OpaqueTokens.key(id), clock.instant())
                .filter(p -> p.sid() == null)
                .flatMap(p -> clients.findByClientId(p.clientId())
                        .map(c -> new LoginTransaction(
                                id,
                                c,
                                locales(p.params().get("ui_locales")),
                                p.params().get("login_hint"),
                                p.params().get("screen_hint"),
                                p.expiresAt())));
    }

    /**
     * Ends the transaction and starts the session (a new one, whatever cookie the browser had: no session fixation).
     * Only the browser that started the transaction may finish it.
     *
     * @throws PhonepassException {@code INVALID_REQUEST} when the transaction is over or belongs to another browser
     */
    @Override
    public String complete(Context ctx, LoginTransaction transaction, User user) {
        byte[] key = OpaqueTokens.key(transaction.id());
        Instant now = clock.instant();
        PendingLogin pending = logins.find(key, now)
                .filter(p -> p.sid() == null)
                .orElseThrow(() -> PhonepassException.of(
                        ErrorCode.INVALID_REQUEST,
                        "This sign-in has ended. Go back to the application and start again."));
        if (!sameBrowser(ctx, pending)) {
            throw PhonepassException.of(
                    ErrorCode.INVALID_REQUEST,
                    "This sign-in was started in another browser. Go back to the application and start again.");
        }
        if (logins.take(key, now).isEmpty()) {
            throw PhonepassException.of(
                    ErrorCode.INVALID_REQUEST, "This sign-in has ended. Go back to the application and start again.");
        }
        String old = SessionCookie.read(ctx, SessionCookie.SESSION);
        if (old != null) {
            sessions.end(old);
        }
        SessionService.Started started = sessions.start(user.userId());
        SessionCookie.setSession(ctx, started.cookieValue(), sessions.settings().absoluteLifetime());
        String resume = ids.next();
        logins.save(OpaqueTokens.key(resume), pending.signedIn(started.session().sid(), now.plus(RESUME_LIFETIME)));
        return RESUME_PATH + "?state=" + resume;
    }

    /**
     * {@code GET /authorize/resume}: after the sign-in, the code for the app. The browser must bring both the
     * transaction's browser cookie and the session the sign-in started.
     */
    public void resume(Context ctx) {
        AuthorizationResponse.noStore(ctx);
        String id = ctx.queryParam("state");
        Optional<PendingLogin> taken = OpaqueTokens.wellFormed(id)
                ? logins.take(OpaqueTokens.key(id), clock.instant()).filter(p -> p.sid() != null)
                : Optional.empty();
        if (taken.isEmpty()) {
            errorPage.show(
                    ctx, 400, "invalid_request", "This sign-in has ended. Go back to the application and start again.");
            return;
        }
        PendingLogin pending = taken.get();
        Optional<Live> live = liveSession(ctx);
        if (!sameBrowser(ctx, pending)
                || live.isEmpty()
                || !live.get().session().sid().equals(pending.sid())) {
            errorPage.show(
                    ctx,
                    400,
                    "invalid_request",
                    "This sign-in was started in another browser. Go back to the application and start again.");
            return;
        }
        Map<String, String> p = pending.params();
        Client client;
        try {
            client = checkedClient(pending.clientId());
            checkRedirect(client, p.get("redirect_uri"), p.get("response_mode"));
        } catch (PageError e) {
            errorPage.show(ctx, e.status, e.error, e.getMessage());
            return;
        }
        AuthorizationResponse.Target target =
                new AuthorizationResponse.Target(p.get("redirect_uri"), p.get("response_mode"), p.get("state"));
        issueCode(ctx, client, target, p, live.get().session());
    }

    /**
     * {@code POST /co/verify}: the third-party-cookie fallback's answer (docs/spa.md#third-party-cookies), the
     * {@code co_verifier} the app's verification page handed to the page {@code /authorize} showed.
     */
    public void coVerify(Context ctx) {
        AuthorizationResponse.noStore(ctx);
        if (crossOrigin == null) {
            errorPage.show(ctx, 404, "not_found", "Cross-origin authentication is not served");
            return;
        }
        org.phonepass.server.http.ApiRequest form = new org.phonepass.server.http.RequestReader(16 * 1024).read(ctx);
        String id = form.param("state");
        Optional<PendingLogin> taken = OpaqueTokens.wellFormed(id)
                ? logins.take(OpaqueTokens.key(id), clock.instant())
                        .filter(p -> p.sid() == null && p.params().containsKey("login_ticket"))
                : Optional.empty();
        Optional<Client> client = taken.flatMap(p -> clients.findByClientId(p.clientId()));
        if (client.isEmpty()) {
            errorPage.show(
                    ctx, 400, "invalid_request", "This sign-in has ended. Go back to the application and start again.");
            return;
        }
        try {
            checkRedirect(
                    client.get(),
                    taken.get().params().get("redirect_uri"),
                    taken.get().params().get("response_mode"));
        } catch (PageError e) {
            errorPage.show(ctx, e.status, e.error, e.getMessage());
            return;
        }
        crossOrigin.verify(ctx, client.get(), taken.get(), form.param("verifier"));
    }

    /**
     * {@code GET /oidc/logout} (OpenID Connect RP-Initiated Logout 1.0): ends the session, then returns to
     * {@code post_logout_redirect_uri} (with {@code state}) when the client it names or the {@code id_token_hint}'s
     * audience allows it; anything else stays on this server.
     */
    public void oidcLogout(Context ctx) {
        AuthorizationResponse.noStore(ctx);
        String hint = ctx.queryParam("id_token_hint");
        String clientId = ctx.queryParam("client_id");
        String target = ctx.queryParam("post_logout_redirect_uri");
        String state = ctx.queryParam("state");
        if (hint != null) {
            Optional<Map<String, Object>> claims = tokens.verifyIdToken(hint);
            if (claims.isEmpty()) {
                errorPage.show(ctx, 400, "invalid_request", "The id_token_hint is not a valid ID token of this server");
                return;
            }
            Object aud = claims.get().get("aud");
            String audience =
                    aud instanceof List<?> list && list.size() == 1 ? String.valueOf(list.get(0)) : String.valueOf(aud);
            if (clientId != null && !clientId.equals(audience)) {
                errorPage.show(ctx, 400, "invalid_request", "The id_token_hint was issued to another client");
                return;
            }
            clientId = audience;
        }
        Optional<Client> client = clientId == null ? Optional.empty() : clients.findByClientId(clientId);
        if (target != null && (client.isEmpty() || !client.get().allowsLogoutReturn(target))) {
            errorPage.show(
                    ctx,
                    400,
                    "invalid_request",
                    "post_logout_redirect_uri is not an allowed logout URL of the client (name the client with "
                            + "client_id or id_token_hint, and add the URL to its allowed_logout_urls)");
            return;
        }
        SessionCookie.endSession(ctx, sessions);
        if (target == null) {
            ctx.contentType("text/html; charset=utf-8")
                    .result("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signed out</title>"
                            + "</head><body><p>You are signed out.</p></body></html>");
            return;
        }
        String location = target;
        if (state != null && state.length() <= MAX_STATE) {
            location += (target.indexOf('?') >= 0 ? "&" : "?") + AuthorizationResponse.form(Map.of("state", state));
        }
        ctx.status(302).header("Location", location);
    }

    private static boolean sameBrowser(Context ctx, PendingLogin pending) {
        if (pending.browserHash() == null) {
            return false;
        }
        String browser = SessionCookie.read(ctx, SessionCookie.BROWSER);
        return browser != null && MessageDigest.isEqual(TokenService.sha256(browser), pending.browserHash());
    }

    private static List<String> locales(String uiLocales) {
        if (uiLocales == null || uiLocales.isBlank()) {
            return List.of();
        }
        return Arrays.stream(uiLocales.trim().split("\\s+")).toList();
    }

    private static String single(Map<String, List<String>> raw, String name) {
        List<String> values = raw.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new PageError(400, "invalid_request", "Parameter " + name + " is repeated");
        }
        return values.get(0);
    }

    private String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    /** A plain error page, until the product's own is wired in: the refusal, escaped, with no way back. */
    public static ErrorPage plainErrorPage() {
        return (ctx, status, error, description) -> {
            AuthorizationResponse.noStore(ctx);
            ctx.status(status)
                    .contentType("text/html; charset=utf-8")
                    .result(
                            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in error</title>"
                                    + "</head><body><h1>Something went wrong</h1><p>"
                                    + AuthorizationResponse.attr(error)
                                    + ": " + AuthorizationResponse.attr(description) + "</p></body></html>");
        };
    }
}
