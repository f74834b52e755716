package org.phonepass.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.authorize.AuthorizationCodeService;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.OtpSettings;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.session.SessionRecord;
import org.phonepass.core.session.SessionService;
import org.phonepass.core.sms.MessageFormatter;
import org.phonepass.core.sms.SmsSegments;
import org.phonepass.core.token.TokenResponse;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.ManagedUser;
import org.phonepass.core.user.User;
import org.phonepass.core.user.UserStore;
import org.phonepass.server.config.Settings;
import org.phonepass.server.http.EndpointSet;
import org.phonepass.server.http.SessionCookie;
import org.phonepass.server.management.ClientManagement;
import org.phonepass.server.management.ConnectionManagement;
import org.phonepass.server.management.LogsAndStats;
import org.phonepass.server.management.ManagementException;
import org.phonepass.server.management.UserManagement;
import org.phonepass.store.sql.JdbcAuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin console at {@code /admin} (docs/management.md#console): server-rendered pages (jte templates under
 * {@code src/main/jte/admin}, texts in {@code messages*.properties}), signed in through the hosted login pages as an
 * OpenID Connect client of this server, for the numbers in {@code admin.phone_numbers}, and a signed session cookie
 * bound to the hosted-login session.
 *
 * <p>Every response carries a strict CSP with a fresh nonce for its scripts, {@code frame-ancestors 'none'} and
 * {@code no-store}. Every POST needs the session's CSRF token and, when the browser says where it comes from, the
 * console's own origin.
 */
public final class AdminConsole {
    /**
     * The console's own client: known to {@code /authorize} only ({@link #withConsoleClient}), never stored, so the
     * Management API cannot see, change or delete it, and {@code /oauth/token} does not know it.
     */
    static final String CONSOLE_CLIENT_ID = "phonepass-admin-console";

    /** Where {@code /authorize} sends the console's sign-in back, under the public URL. */
    static final String CALLBACK_PATH = "/admin/callback";

    private static final Logger log = LoggerFactory.getLogger(AdminConsole.class);
    private static final Map<String, Integer> RANGES = Map.of("1d", 1, "7d", 7, "30d", 30, "90d", 90);
    private static final int MAX_RANGE_DAYS = 366;

    /** What the console is built from. */
    public record Parts(
            Settings settings,
            UserStore users,
            SessionService hostedSessions,
            AuthorizationCodeService codes,
            TokenService tokens,
            PhoneNumberParser phones,
            ClientRegistry clients,
            JdbcAuditLog audit,
            ProviderTally providers,
            ConnectionManagement connection,
            MessageFormatter formatter,
            UserManagement userAdmin,
            ClientManagement clientAdmin,
            LogsAndStats logs,
            byte[] sessionKeyMaterial,
            Clock clock) {}

    private final Parts p;
    private final Settings.Admin admin;
    private final Set<String> admins;
    private final AdminSessions sessions;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final Client consoleClient;
    private final String origin;
    private final org.phonepass.server.http.RequestReader reader;

    public AdminConsole(Parts parts) {
        this.p = parts;
        this.admin = parts.settings().admin();
        this.admins = Set.copyOf(admin.phoneNumbers());
        this.sessions = new AdminSessions(
                parts.sessionKeyMaterial(),
                admin.sessionIdleTimeout(),
                admin.sessionMaxLifetime(),
                parts.clock(),
                random);
        this.consoleClient = consoleClient(parts.settings().publicUrl());
        URI url = URI.create(parts.settings().publicUrl());
        this.origin = url.getScheme() + "://" + url.getRawAuthority();
        this.reader = new org.phonepass.server.http.RequestReader(
                parts.settings().http().maxBodyBytes());
    }

    /**
     * The console as a client of this server (docs/management.md#console-security): public (PKCE, no secret), its
     * one callback under the public URL, the authorization code grant only (so no refresh token), no browser origin
     * and no cross-origin login. Its access token is revoked as soon as the code is exchanged.
     */
    static Client consoleClient(String publicUrl) {
        return new Client(
                CONSOLE_CLIENT_ID,
                "Phonepass console",
                Set.of(),
                List.of(publicUrl + CALLBACK_PATH),
                List.of(),
                Set.of(GrantType.AUTHORIZATION_CODE),
                Optional.empty(),
                false,
                Duration.ofMinutes(5),
                Duration.ofMinutes(5),
                Duration.ofMinutes(5),
                false,
                false,
                Map.of(),
                false,
                null);
    }

    /**
     * The clients {@code /authorize} and the hosted pages know: {@code clients} and the console's own client, which
     * shadows any stored client of its id (none can exist: the settings refuse the id and the API makes random ones).
     * Only {@code /authorize} gets this registry; the token endpoint, {@code /passwordless/start} and the Management
     * API keep {@code clients}, so the console's codes can be exchanged in this process only.
     */
    public static ClientRegistry withConsoleClient(ClientRegistry clients, String publicUrl) {
        Client console = consoleClient(publicUrl);
        return new ClientRegistry() {
            @Override
            public Optional<Client> findByClientId(String clientId) {
                return CONSOLE_CLIENT_ID.equals(clientId) ? Optional.of(console) : clients.findByClientId(clientId);
            }

            @Override
            public java.util.Collection<Client> all() {
                return clients.all();
            }
        };
    }

    /** The console's routes. */
    public List<EndpointSet.Extra> routes() {
        List<EndpointSet.Extra> r = new ArrayList<>();
        r.add(get("/admin", ctx -> ctx.redirect("/admin/dashboard", io.javalin.http.HttpStatus.SEE_OTHER)));
        r.add(get("/admin/login", this::login));
        r.add(get(CALLBACK_PATH, this::callback));
        r.add(post("/admin/logout", this::logout));
        r.add(get("/admin/signed-out", this::signedOut));
        r.add(get("/admin/dashboard", signedIn(this::dashboard)));
        r.add(get("/admin/users", signedIn(this::users)));
        r.add(get("/admin/users/{id}", signedIn(this::user)));
        r.add(post("/admin/users/{id}/block", signedIn(writes(this::block))));
        r.add(get("/admin/users/{id}/delete", signedIn(this::confirmDelete)));
        r.add(post("/admin/users/{id}/delete", signedIn(writes(this::delete))));
        r.add(get("/admin/clients", signedIn(this::clients)));
        r.add(get("/admin/clients/new", signedIn(this::newClient)));
        r.add(post("/admin/clients", signedIn(writes(this::createClient))));
        r.add(get("/admin/clients/{id}", signedIn(this::editClient)));
        r.add(post("/admin/clients/{id}", signedIn(writes(this::updateClient))));
        r.add(post("/admin/clients/{id}/rotate-secret", signedIn(writes(this::rotateSecret))));
        r.add(get("/admin/clients/{id}/delete", signedIn(this::confirmClientDelete)));
        r.add(post("/admin/clients/{id}/delete", signedIn(writes(this::deleteClient))));
        r.add(get("/admin/connection", signedIn(this::connection)));
        r.add(post("/admin/connection", signedIn(writes(this::updateConnection))));
        asset(r, "/admin/assets/admin.css", "/org/phonepass/server/admin/assets/admin.css", "text/css");
        asset(r, "/admin/assets/dashboard.js", "/org/phonepass/server/admin/assets/dashboard.js", "text/javascript");
        asset(
                r,
                "/admin/assets/uPlot.iife.min.js",
                "/META-INF/resources/webjars/uplot/" + UPLOT + "/dist/uPlot.iife.min.js",
                "text/javascript");
        asset(
                r,
                "/admin/assets/uPlot.min.css",
                "/META-INF/resources/webjars/uplot/" + UPLOT + "/dist/uPlot.min.css",
                "text/css");
        return r;
    }

    /** The uPlot version in the jar (the WebJar's folder name). */
    static final String UPLOT = "1.6.30";

    // ---------------------------------------------------------------- sign-in

    /**
     * Starts the sign-in: an authorization request of the console's client (code, PKCE S256, a fresh state and
     * nonce, scope openid) to {@code /authorize}, whose hosted pages ask for the number and the code. A hosted
     * session is reused only when its code was typed within the console's absolute lifetime ({@code max_age});
     * {@code ?prompt=login} (the "another number" link) asks for a code whatever the session.
     */
    private void login(Context ctx) {
        if (session(ctx).isPresent()) {
            ctx.redirect("/admin/dashboard", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        // The state, bound to this browser: only the browser that started a sign-in can finish it.
        AdminSessions.Login login = sessions.startLogin();
        setCookie(ctx, AdminSessions.LOGIN_COOKIE, sessions.seal(login), AdminSessions.LOGIN_LIFETIME.toSeconds());
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", CONSOLE_CLIENT_ID);
        q.put("redirect_uri", redirectUri());
        q.put("scope", "openid");
        q.put("state", login.state());
        q.put("nonce", sessions.nonce(login));
        q.put("code_challenge", sessions.challenge(login));
        q.put("code_challenge_method", "S256");
        q.put("max_age", Long.toString(sessions.maxLifetime().toSeconds()));
        if ("login".equals(ctx.queryParam("prompt"))) {
            q.put("prompt", "login");
        }
        StringBuilder url = new StringBuilder("/authorize");
        char sep = '?';
        for (Map.Entry<String, String> e : q.entrySet()) {
            url.append(sep)
                    .append(e.getKey())
                    .append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        ctx.redirect(url.toString(), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    /**
     * {@code GET /admin/callback}: the state must be the one this browser's sign-in cookie holds; the code is
     * exchanged in this process with the PKCE verifier, through the same service as {@code /oauth/token}; the
     * id_token must carry the sign-in's nonce. Only then is the user's number compared with the admins', and only an
     * admin gets a console session, bound to the hosted session the code came from.
     */
    private void callback(Context ctx) {
        AdminTexts t = texts(ctx);
        String code = ctx.queryParam("code");
        Optional<AdminSessions.Login> login =
                sessions.readLogin(ctx.cookie(AdminSessions.LOGIN_COOKIE), ctx.queryParam("state"));
        // Single use, whatever happens next.
        setCookie(ctx, AdminSessions.LOGIN_COOKIE, "", 0);
        if (login.isEmpty()) {
            // Another browser's callback, a replayed or forged one: its code is used up here, so that whoever
            // holds the URL cannot finish the sign-in elsewhere.
            burn(code);
            signInFailed(ctx, t, "state missing, forged, expired or from another browser");
            return;
        }
        if (code == null || code.isEmpty()) {
            signInFailed(ctx, t, "error from /authorize: " + quote(ctx.queryParam("error")));
            return;
        }
        Optional<Admitted> admitted = exchange(code, login.get());
        if (admitted.isEmpty()) {
            signInFailed(ctx, t, "code refused");
            return;
        }
        User user = admitted.get().user();
        if (!admins.contains(user.phone())) {
            log.info("console sign-in refused: {} is not an admin number", PhoneNumber.mask(user.phone()));
            signinPage(
                    ctx,
                    t,
                    403,
                    "signin.not_admin_title",
                    t.format("signin.not_admin", PhoneNumber.mask(user.phone())),
                    "/admin/login?prompt=login",
                    "signin.other_number");
            return;
        }
        if (blocked(user)) {
            forbidden(ctx, t, "blocked user");
            return;
        }
        // A new session with a new random id: nothing the browser brought is kept (no fixation).
        AdminSessions.Session session =
                sessions.open(user.id(), admitted.get().sid(), admitted.get().authTime());
        setCookie(ctx, AdminSessions.SESSION_COOKIE, sessions.touch(session), sessions.maxAgeSeconds(session));
        log.info("console sign-in by {}", PhoneNumber.mask(user.phone()));
        ctx.redirect("/admin/dashboard", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    /** What a good code proves: who signed in, in which hosted session, and when the code was typed. */
    private record Admitted(User user, String sid, Instant authTime) {}

    /** The code exchanged and its id_token checked (audience, nonce, session), or empty. */
    private Optional<Admitted> exchange(String code, AdminSessions.Login login) {
        TokenResponse tokens;
        try {
            tokens = p.codes()
                    .exchange(new AuthorizationCodeService.Exchange(
                            consoleClient, code, redirectUri(), sessions.verifier(login)));
        } catch (PhonepassException e) {
            return Optional.empty();
        }
        try {
            // The console calls no API: the access token the exchange issued is of no use, so it ends now.
            p.tokens().revoke(consoleClient, tokens.accessToken());
        } catch (PhonepassException e) {
            log.warn("console sign-in: the unused access token could not be revoked ({})", e.code());
        }
        Map<String, Object> claims = p.tokens().verifyIdToken(tokens.idToken()).orElse(Map.of());
        Object nonce = claims.get("nonce");
        Object sid = claims.get("sid");
        Object authTime = claims.get("auth_time");
        if (!CONSOLE_CLIENT_ID.equals(audience(claims.get("aud")))
                || !(nonce instanceof String n)
                || !MessageDigest.isEqual(
                        n.getBytes(StandardCharsets.UTF_8),
                        sessions.nonce(login).getBytes(StandardCharsets.UTF_8))
                || !(sid instanceof String s)
                || !(authTime instanceof Number at)) {
            return Optional.empty();
        }
        return p.tokens()
                .findUser(String.valueOf(claims.get("sub")))
                .map(u -> new Admitted(u, s, Instant.ofEpochSecond(at.longValue())));
    }

    private static String audience(Object aud) {
        return aud instanceof List<?> list && list.size() == 1 ? String.valueOf(list.get(0)) : String.valueOf(aud);
    }

    /** Uses a code up with a verifier that cannot match, so that it cannot be exchanged by anyone after this. */
    private void burn(String code) {
        if (code == null || code.isEmpty() || code.length() > 256) {
            return;
        }
        try {
            p.codes().exchange(new AuthorizationCodeService.Exchange(consoleClient, code, redirectUri(), null));
        } catch (PhonepassException e) {
            // Expected: refused, and used up.
        }
    }

    private void signInFailed(Context ctx, AdminTexts t, String reason) {
        log.info("console sign-in refused: {}", reason);
        signinPage(ctx, t, 400, "signin.failed_title", t.get("signin.failed"), "/admin/login", "login.title");
    }

    /**
     * The signed-out page of the sign-in's outcomes (refused, not an admin, signed out): a title, one message and one
     * link; any status but 200 shows the message as an error.
     */
    private void signinPage(
            Context ctx, AdminTexts t, int status, String titleKey, String message, String href, String linkKey) {
        render(
                ctx,
                status,
                "admin/signin.jte",
                Map.of(
                        "page",
                        page(ctx, t, null, t.get(titleKey), null),
                        "message",
                        message,
                        "error",
                        status != 200,
                        "href",
                        href,
                        "link",
                        t.get(linkKey)));
    }

    /**
     * Ends the hosted-login session behind this browser in the shared store, so the console session bound to it ends
     * on every node, and forgets the console's cookies. A page left open past the idle timeout can still sign out:
     * the cookie's signature and the CSRF token are what count here, not its expiry.
     */
    private void logout(Context ctx) {
        AdminTexts t = texts(ctx);
        Optional<AdminSessions.Session> signed = sessions.signed(ctx.cookie(AdminSessions.SESSION_COOKIE));
        if (signed.isPresent()) {
            if (!sameOrigin(ctx)
                    || !sessions.csrfMatches(signed.get(), form(ctx).param("csrf"))) {
                forbidden(ctx, t, "cross-site or CSRF token missing");
                return;
            }
            SessionCookie.endSession(ctx, p.hostedSessions());
            log.info("console sign-out of user {}", signed.get().userId());
        }
        setCookie(ctx, AdminSessions.SESSION_COOKIE, "", 0);
        setCookie(ctx, AdminSessions.LOGIN_COOKIE, "", 0);
        ctx.redirect("/admin/signed-out", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void signedOut(Context ctx) {
        if (session(ctx).isPresent()) {
            ctx.redirect("/admin/dashboard", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        AdminTexts t = texts(ctx);
        signinPage(ctx, t, 200, "signout.title", t.get("signout.done"), "/admin/login", "login.title");
    }

    private String redirectUri() {
        return p.settings().publicUrl() + CALLBACK_PATH;
    }

    private static String quote(String value) {
        return org.phonepass.core.abuse.LoggingAuditLog.quote(String.valueOf(value));
    }

    // ---------------------------------------------------------------- session

    /** A request's valid session and its admin. */
    record Signed(AdminSessions.Session session, User user) {
        String masked() {
            return PhoneNumber.mask(user.phone());
        }
    }

    private Optional<Signed> session(Context ctx) {
        Optional<AdminSessions.Session> session = sessions.read(ctx.cookie(AdminSessions.SESSION_COOKIE));
        if (session.isEmpty()) {
            return Optional.empty();
        }
        // The hosted-login session it was opened from, still alive in the shared store: a sign-out on any node,
        // /v2/logout, or blocking or deleting the user ends it, and with it the console everywhere.
        String hosted = SessionCookie.read(ctx, SessionCookie.SESSION);
        Optional<SessionRecord> live =
                hosted == null ? Optional.empty() : p.hostedSessions().resume(hosted);
        if (live.isEmpty() || !live.get().sid().equals(session.get().sid())) {
            return Optional.empty();
        }
        // Still an admin now: a number removed from the settings loses its sessions at once.
        Optional<User> user = p.users().findById(session.get().userId());
        if (user.isEmpty()
                || !live.get().userId().equals(user.get().userId())
                || !admins.contains(user.get().phone())
                || blocked(user.get())) {
            return Optional.empty();
        }
        return Optional.of(new Signed(session.get(), user.get()));
    }

    /** A page for admins only: no valid session goes to the sign-in page. The session's idle time restarts. */
    private Handler signedIn(SignedHandler handler) {
        return ctx -> {
            Optional<Signed> signed = session(ctx);
            if (signed.isEmpty()) {
                setCookie(ctx, AdminSessions.SESSION_COOKIE, "", 0);
                ctx.redirect("/admin/login", io.javalin.http.HttpStatus.SEE_OTHER);
                return;
            }
            AdminSessions.Session s = signed.get().session();
            setCookie(ctx, AdminSessions.SESSION_COOKIE, sessions.touch(s), sessions.maxAgeSeconds(s));
            handler.handle(ctx, signed.get(), texts(ctx));
        };
    }

    /** A blocked admin's sessions end: the block applies to the console as to every login. */
    private boolean blocked(User user) {
        try {
            return p.userAdmin().get(user.userId()).blocked();
        } catch (ManagementException e) {
            return true;
        }
    }

    /** A write: the console's own origin and the session's CSRF token, or 403 and nothing done. */
    private SignedHandler writes(SignedHandler handler) {
        return (ctx, signed, t) -> {
            if (!sameOrigin(ctx)
                    || !sessions.csrfMatches(signed.session(), form(ctx).param("csrf"))) {
                forbidden(ctx, t, "cross-site or CSRF token missing");
                return;
            }
            handler.handle(ctx, signed, t);
        };
    }

    @FunctionalInterface
    interface SignedHandler {
        void handle(Context ctx, Signed signed, AdminTexts t) throws Exception;
    }

    // ---------------------------------------------------------------- pages

    private void dashboard(Context ctx, Signed signed, AdminTexts t) throws IOException {
        LocalDate today = LocalDate.ofInstant(p.clock().instant(), ZoneOffset.UTC);
        String range = ctx.queryParam("range");
        LocalDate from;
        LocalDate to = today;
        String error = "";
        String fromParam = ctx.queryParam("from");
        String toParam = ctx.queryParam("to");
        if (range != null && RANGES.containsKey(range) && fromParam != null && toParam != null) {
            // The form sends the preset and both dates: dates changed by hand win over the preset left as it was.
            String presetFrom = today.minusDays(RANGES.get(range) - 1L).toString();
            if (!fromParam.equals(presetFrom) || !toParam.equals(today.toString())) {
                range = "custom";
            }
        }
        if ("custom".equals(range) || (range == null && (fromParam != null || toParam != null))) {
            range = "custom";
            try {
                from = LocalDate.parse(fromParam == null ? "" : fromParam);
                to = LocalDate.parse(toParam == null ? "" : toParam);
                if (to.isBefore(from) || from.plusDays(MAX_RANGE_DAYS).isBefore(to) || to.isAfter(today.plusDays(1))) {
                    throw new DateTimeParseException("out of range", fromParam + "/" + toParam, 0);
                }
            } catch (DateTimeParseException e) {
                error = t.get("dashboard.bad_range");
                range = "7d";
                from = today.minusDays(6);
                to = today;
            }
        } else {
            if (range == null || !RANGES.containsKey(range)) {
                range = "7d";
            }
            from = today.minusDays(RANGES.get(range) - 1L);
        }
        Instant start = from.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Dashboard d = Dashboard.build(
                from,
                to,
                p.audit().countByDay(start, end),
                p.audit().ofType(AuditEvent.Type.PUMPING_BREAKER, start, end, 200),
                p.audit()
                        .ofType(
                                AuditEvent.Type.PUMPING_BREAKER,
                                p.clock().instant().minus(Duration.ofDays(2)),
                                p.clock().instant().plusSeconds(1),
                                1000),
                p.providers().read(from, to),
                admin,
                segments().segments());
        Map<String, Object> chartData = new LinkedHashMap<>();
        chartData.put("days", d.days().stream().map(x -> x.day().toString()).toList());
        chartData.put("sent", d.days().stream().map(Dashboard.Day::sent).toList());
        chartData.put("verified", d.days().stream().map(Dashboard.Day::verified).toList());
        chartData.put("refused", d.days().stream().map(Dashboard.Day::refused).toList());
        chartData.put(
                "conversion",
                d.days().stream()
                        .map(x -> x.sent() == 0 ? null : Math.round(x.verified() * 1000.0 / x.sent()) / 10.0)
                        .toList());
        List<Dashboard.Country> top = d.countries().stream().limit(15).toList();
        chartData.put("countries", top.stream().map(Dashboard.Country::country).toList());
        chartData.put("countrySent", top.stream().map(Dashboard.Country::sent).toList());
        chartData.put(
                "countryVerified", top.stream().map(Dashboard.Country::verified).toList());
        chartData.put(
                "countrySpend",
                top.stream()
                        .map(c -> c.spend() == null ? null : c.spend().doubleValue())
                        .toList());
        chartData.put(
                "reasons", d.refusals().stream().map(Dashboard.Refusal::reason).toList());
        chartData.put(
                "reasonCounts",
                d.refusals().stream().map(Dashboard.Refusal::count).toList());
        // Per provider, one value per day of the range (null on a day without attempts): latency and failures.
        List<String> providerNames =
                d.providers().stream().map(Dashboard.Provider::provider).toList();
        Map<String, Map<LocalDate, Dashboard.Provider>> providerDays = new HashMap<>();
        d.providerDays()
                .forEach(x -> providerDays
                        .computeIfAbsent(x.provider(), k -> new HashMap<>())
                        .put(x.day(), x));
        chartData.put("providers", providerNames);
        chartData.put("providerP50", perDay(d, providerNames, providerDays, x -> x.p50Millis()));
        chartData.put("providerP95", perDay(d, providerNames, providerDays, x -> x.p95Millis()));
        chartData.put("providerFailed", perDay(d, providerNames, providerDays, x -> x.failed()));
        chartData.put("texts", t.under("chart."));
        // Inside a <script type="application/json">: "<" is escaped so no value can close the element.
        String data = json.writeValueAsString(chartData).replace("<", "\\u003c");
        render(
                ctx,
                200,
                "admin/dashboard.jte",
                Map.of(
                        "page", page(ctx, t, signed, t.get("dashboard.title"), "dashboard"),
                        "d", d,
                        "range", range,
                        "data", data,
                        "error", error,
                        "fromValue", from.toString(),
                        "toValue", to.toString()));
    }

    private static List<List<Long>> perDay(
            Dashboard d,
            List<String> providers,
            Map<String, Map<LocalDate, Dashboard.Provider>> byDay,
            java.util.function.ToLongFunction<Dashboard.Provider> value) {
        List<List<Long>> out = new ArrayList<>();
        for (String provider : providers) {
            Map<LocalDate, Dashboard.Provider> days = byDay.getOrDefault(provider, Map.of());
            List<Long> values = new ArrayList<>();
            for (Dashboard.Day day : d.days()) {
                Dashboard.Provider x = days.get(day.day());
                values.add(x == null ? null : value.applyAsLong(x));
            }
            out.add(values);
        }
        return out;
    }

    private void users(Context ctx, Signed signed, AdminTexts t) {
        String q = ctx.queryParam("phone_number");
        List<User> found = new ArrayList<>();
        String error = "";
        if (q != null && !q.isBlank()) {
            Optional<PhoneNumber> phone = p.phones().parse(q);
            if (phone.isEmpty()) {
                error = t.get("users.bad_number");
            } else {
                p.users().findByPhone(phone.get().e164()).ifPresent(found::add);
                if (found.isEmpty()) {
                    error = t.get("users.none");
                }
            }
        }
        render(
                ctx,
                200,
                "admin/users.jte",
                Map.of(
                        "page",
                        page(ctx, t, signed, t.get("users.title"), "users"),
                        "query",
                        q == null ? "" : q,
                        "found",
                        found,
                        "error",
                        error,
                        "notice",
                        ""));
    }

    private Optional<ManagedUser> managed(String id) {
        if (!id.matches("^[0-9a-f]{1,64}$")) {
            return Optional.empty();
        }
        try {
            return Optional.of(p.userAdmin().get(User.CONNECTION + "|" + id));
        } catch (ManagementException e) {
            return Optional.empty();
        }
    }

    private void user(Context ctx, Signed signed, AdminTexts t) {
        renderUser(ctx, signed, t, ctx.pathParam("id"), "", 200);
    }

    private void renderUser(Context ctx, Signed signed, AdminTexts t, String id, String notice, int status) {
        Optional<ManagedUser> user = managed(id);
        if (user.isEmpty()) {
            notFound(ctx, signed, t, "users", t.get("users.none"));
            return;
        }
        List<Map<String, Object>> logs =
                p.logs().forUser(user.get().user().userId(), 0, 20, false, "date:-1").logs().stream()
                        .map(p.logs()::toJson)
                        .toList();
        render(
                ctx,
                status,
                "admin/user.jte",
                Map.of(
                        "page", page(ctx, t, signed, t.get("user.title"), "users"),
                        "user", user.get(),
                        "admin", admins.contains(user.get().user().phone()),
                        "logs", logs,
                        "notice", notice));
    }

    private void block(Context ctx, Signed signed, AdminTexts t) {
        String id = ctx.pathParam("id");
        Optional<ManagedUser> user = managed(id);
        if (user.isEmpty()) {
            notFound(ctx, signed, t, "users", t.get("users.none"));
            return;
        }
        boolean blocked = "true".equals(form(ctx).param("blocked"));
        if (blocked && user.get().user().id().equals(signed.user().id())) {
            renderUser(ctx, signed, t, id, t.get("user.not_yourself"), 400);
            return;
        }
        p.userAdmin().update(user.get().user().userId(), Map.of("blocked", blocked), CONSOLE_CLIENT_ID);
        log.info(
                "console: {} {} {}",
                signed.masked(),
                blocked ? "blocked" : "unblocked",
                user.get().user().userId());
        renderUser(ctx, signed, t, id, blocked ? t.get("user.blocked_now") : t.get("user.unblocked_now"), 200);
    }

    private void confirmDelete(Context ctx, Signed signed, AdminTexts t) {
        Optional<ManagedUser> user = managed(ctx.pathParam("id"));
        if (user.isEmpty()) {
            notFound(ctx, signed, t, "users", t.get("users.none"));
            return;
        }
        render(
                ctx,
                200,
                "admin/delete.jte",
                Map.of(
                        "page", page(ctx, t, signed, t.get("delete.title"), "users"),
                        "user", user.get(),
                        "error", ""));
    }

    private void delete(Context ctx, Signed signed, AdminTexts t) {
        Optional<ManagedUser> user = managed(ctx.pathParam("id"));
        if (user.isEmpty()) {
            notFound(ctx, signed, t, "users", t.get("users.none"));
            return;
        }
        // The number typed again: a slip of the hand or a stale tab cannot erase someone.
        String typed = form(ctx).param("confirm_phone_number");
        Optional<PhoneNumber> confirmed = p.phones().parse(typed == null ? "" : typed);
        if (confirmed.isEmpty()
                || !confirmed.get().e164().equals(user.get().user().phone())) {
            render(
                    ctx,
                    400,
                    "admin/delete.jte",
                    Map.of(
                            "page", page(ctx, t, signed, t.get("delete.title"), "users"),
                            "user", user.get(),
                            "error", t.get("delete.mismatch")));
            return;
        }
        if (user.get().user().id().equals(signed.user().id())) {
            render(
                    ctx,
                    400,
                    "admin/delete.jte",
                    Map.of(
                            "page", page(ctx, t, signed, t.get("delete.title"), "users"),
                            "user", user.get(),
                            "error", t.get("user.not_yourself")));
            return;
        }
        p.userAdmin().delete(user.get().user().userId(), CONSOLE_CLIENT_ID);
        log.info("console: {} deleted {}", signed.masked(), user.get().user().userId());
        render(
                ctx,
                200,
                "admin/users.jte",
                Map.of(
                        "page", page(ctx, t, signed, t.get("users.title"), "users"),
                        "query", "",
                        "found", List.of(),
                        "error", "",
                        "notice", t.format("delete.done", user.get().user().userId())));
    }

    private void clients(Context ctx, Signed signed, AdminTexts t) {
        renderClients(ctx, signed, t, "");
    }

    private void renderClients(Context ctx, Signed signed, AdminTexts t, String notice) {
        List<ClientManagement.View> all = new ArrayList<>(p.clientAdmin().list());
        all.sort(java.util.Comparator.comparing(v -> v.row().clientId()));
        render(
                ctx,
                200,
                "admin/clients.jte",
                Map.of(
                        "page",
                        page(ctx, t, signed, t.get("clients.title"), "clients"),
                        "clients",
                        all,
                        "notice",
                        notice));
    }

    /** The page that asks for the client id to be typed before an application is deleted. */
    private void confirmClientDelete(Context ctx, Signed signed, AdminTexts t) {
        ClientManagement.View view;
        try {
            view = p.clientAdmin().get(ctx.pathParam("id"));
        } catch (ManagementException e) {
            notFound(ctx, signed, t, "clients", t.get("clients.none"));
            return;
        }
        if (view.fromSettings()) {
            renderClientForm(ctx, signed, t, view, ClientForm.of(view), t.get("clients.read_only"), 400);
            return;
        }
        renderClientDelete(ctx, signed, t, view, "", 200);
    }

    /**
     * Deletes an application through the same service as {@code DELETE /api/v2/clients/{id}} (audited as
     * {@code CLIENT_DELETE} by the console's client, and logged with the admin's masked number), once its id was
     * typed again: a slip of the hand or a stale tab cannot remove an application its users log in with.
     */
    private void deleteClient(Context ctx, Signed signed, AdminTexts t) {
        String id = ctx.pathParam("id");
        ClientManagement.View view;
        try {
            view = p.clientAdmin().get(id);
        } catch (ManagementException e) {
            notFound(ctx, signed, t, "clients", t.get("clients.none"));
            return;
        }
        String typed = form(ctx).param("confirm_client_id");
        if (typed == null || !typed.trim().equals(view.row().clientId())) {
            renderClientDelete(ctx, signed, t, view, t.get("client_delete.mismatch"), 400);
            return;
        }
        try {
            p.clientAdmin().delete(id, CONSOLE_CLIENT_ID);
        } catch (ManagementException e) {
            renderClientDelete(ctx, signed, t, view, e.getMessage(), e.status());
            return;
        }
        log.info("console: {} deleted client {}", signed.masked(), id);
        renderClients(
                ctx, signed, t, t.format("client_delete.done", view.definition().name(), id));
    }

    private void renderClientDelete(
            Context ctx, Signed signed, AdminTexts t, ClientManagement.View view, String error, int status) {
        render(
                ctx,
                status,
                "admin/client_delete.jte",
                Map.of(
                        "page", page(ctx, t, signed, t.get("client_delete.title"), "clients"),
                        "view", view,
                        "error", error));
    }

    private void newClient(Context ctx, Signed signed, AdminTexts t) {
        renderClientForm(ctx, signed, t, null, ClientForm.blank(), "", 200);
    }

    private void editClient(Context ctx, Signed signed, AdminTexts t) {
        ClientManagement.View view;
        try {
            view = p.clientAdmin().get(ctx.pathParam("id"));
        } catch (ManagementException e) {
            notFound(ctx, signed, t, "clients", t.get("clients.none"));
            return;
        }
        renderClientForm(ctx, signed, t, view, ClientForm.of(view), "", 200);
    }

    private void createClient(Context ctx, Signed signed, AdminTexts t) {
        ClientForm f = ClientForm.read(form(ctx));
        ClientManagement.View created;
        try {
            created = p.clientAdmin().create(f.body(true), CONSOLE_CLIENT_ID);
        } catch (ManagementException e) {
            renderClientForm(ctx, signed, t, null, f, e.getMessage(), e.status());
            return;
        }
        log.info("console: {} created client {}", signed.masked(), created.row().clientId());
        renderSecret(ctx, signed, t, created, t.get("clients.created"));
    }

    private void updateClient(Context ctx, Signed signed, AdminTexts t) {
        String id = ctx.pathParam("id");
        ClientManagement.View view;
        try {
            view = p.clientAdmin().get(id);
        } catch (ManagementException e) {
            notFound(ctx, signed, t, "clients", t.get("clients.none"));
            return;
        }
        ClientForm f = ClientForm.read(form(ctx));
        try {
            ClientManagement.View updated = p.clientAdmin().update(id, f.body(false), CONSOLE_CLIENT_ID);
            log.info("console: {} updated client {}", signed.masked(), id);
            renderClientForm(ctx, signed, t, updated, ClientForm.of(updated), t.get("clients.saved"), 200);
        } catch (ManagementException e) {
            renderClientForm(ctx, signed, t, view, f, e.getMessage(), e.status());
        }
    }

    private void rotateSecret(Context ctx, Signed signed, AdminTexts t) {
        String id = ctx.pathParam("id");
        ClientManagement.View rotated;
        try {
            rotated = p.clientAdmin().rotateSecret(id, CONSOLE_CLIENT_ID);
        } catch (ManagementException e) {
            ClientManagement.View view;
            try {
                view = p.clientAdmin().get(id);
            } catch (ManagementException missing) {
                notFound(ctx, signed, t, "clients", t.get("clients.none"));
                return;
            }
            renderClientForm(ctx, signed, t, view, ClientForm.of(view), e.getMessage(), e.status());
            return;
        }
        log.info("console: {} rotated the secret of client {}", signed.masked(), id);
        renderSecret(ctx, signed, t, rotated, t.get("clients.rotated"));
    }

    private void renderSecret(Context ctx, Signed signed, AdminTexts t, ClientManagement.View view, String notice) {
        render(
                ctx,
                200,
                "admin/secret.jte",
                Map.of(
                        "page", page(ctx, t, signed, t.get("secret.title"), "clients"),
                        "view", view,
                        "notice", notice));
    }

    private void renderClientForm(
            Context ctx,
            Signed signed,
            AdminTexts t,
            ClientManagement.View view,
            ClientForm f,
            String message,
            int status) {
        render(
                ctx,
                status,
                "admin/client.jte",
                Map.of(
                        "page",
                        page(ctx, t, signed, view == null ? t.get("clients.new") : t.get("clients.edit"), "clients"),
                        "view",
                        Optional.ofNullable(view),
                        "form",
                        f,
                        "message",
                        message,
                        "error",
                        status >= 400));
    }

    private void notFound(Context ctx, Signed signed, AdminTexts t, String active, String message) {
        render(
                ctx,
                404,
                "admin/error.jte",
                Map.of("page", page(ctx, t, signed, t.get("error.not_found"), active), "message", message));
    }

    private void connection(Context ctx, Signed signed, AdminTexts t) {
        OtpSettings otp = p.connection().get();
        renderConnection(
                ctx,
                signed,
                t,
                new ConnectionForm(
                        otp.template().source(), otp.codeLength(), otp.codeTtl().toSeconds(), currentSender()),
                "",
                false,
                200);
    }

    /** What the connection form holds: as stored, or as typed when it is shown again. */
    private record ConnectionForm(String template, int length, long lifetimeSeconds, String sender) {}

    /** Twilio's sender in force (a number or a Messaging Service SID), or empty without Twilio. */
    private String currentSender() {
        org.phonepass.sms.twilio.TwilioSender s = p.connection().twilioSender();
        if (s == null) {
            return "";
        }
        return s.from() != null ? s.from() : s.messagingServiceSid();
    }

    /**
     * Saves the template, code length and lifetime, and Twilio's sender when Twilio is in use, through the
     * connection service, which checks them (and the segment limit) as the Management API does; "preview" only
     * shows what the typed values would send.
     */
    private void updateConnection(Context ctx, Signed signed, AdminTexts t) {
        org.phonepass.server.http.ApiRequest f = form(ctx);
        String template = f.param("template") == null ? "" : f.param("template");
        Integer length = whole(f.param("code_length"));
        Integer lifetime = whole(f.param("code_lifetime"));
        String sender =
                f.param("sender") == null ? currentSender() : f.param("sender").trim();
        if (length == null || lifetime == null) {
            renderConnection(
                    ctx,
                    signed,
                    t,
                    new ConnectionForm(template, 6, 180, sender),
                    t.get("connection.bad_number"),
                    true,
                    400);
            return;
        }
        ConnectionForm typed = new ConnectionForm(template, length, lifetime, sender);
        if ("preview".equals(f.param("action"))) {
            if (template.isEmpty() || length < 4 || length > 10) {
                renderConnection(ctx, signed, t, typed, t.get("connection.bad_template"), true, 400);
                return;
            }
            renderConnection(ctx, signed, t, typed, t.get("connection.previewed"), false, 200);
            return;
        }
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("template", template);
        options.put("totp", Map.of("length", length, "time_step", lifetime));
        boolean senderChanged = p.connection().senderChangeable() && !sender.equals(currentSender());
        if (senderChanged) {
            // One field for either form: a Messaging Service SID starts with MG, a number with +.
            boolean service = sender.regionMatches(true, 0, "MG", 0, 2);
            options.put(service ? "messaging_service_sid" : "from", sender);
            options.put(service ? "from" : "messaging_service_sid", null);
        }
        try {
            p.connection().update(ConnectionManagement.ID, Map.of("options", options), CONSOLE_CLIENT_ID);
        } catch (ManagementException e) {
            renderConnection(ctx, signed, t, typed, e.getMessage(), true, e.status());
            return;
        }
        log.info("console: {} changed the sms connection{}", signed.masked(), senderChanged ? " and its sender" : "");
        renderConnection(ctx, signed, t, typed, t.get("connection.saved"), false, 200);
    }

    private static Integer whole(String value) {
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void renderConnection(
            Context ctx, Signed signed, AdminTexts t, ConnectionForm form, String message, boolean error, int status) {
        String template = form.template();
        int length = form.length();
        long lifetimeSeconds = form.lifetimeSeconds();
        OtpSettings otp = p.connection().get();
        Map<String, String> sample =
                MessageFormatter.sampleVariables(length, "Phonepass", Math.max(1, lifetimeSeconds / 60));
        String code = sample.get("code");
        List<Preview> previews = new ArrayList<>();
        if (!template.isEmpty() && length >= 1 && length <= 12) {
            try {
                org.phonepass.core.sms.MessageTemplate parsed = org.phonepass.core.sms.MessageTemplate.parse(template);
                previews.add(preview("default", template, parsed.render(sample), code));
            } catch (IllegalArgumentException e) {
                message = message.isEmpty() ? e.getMessage() : message;
                error = true;
            }
        }
        otp.templatesByLanguage()
                .forEach((lang, tpl) -> previews.add(preview(lang, tpl.source(), tpl.render(sample), code)));
        Map<String, Object> model = new HashMap<>();
        model.put("page", page(ctx, t, signed, t.get("connection.title"), "connection"));
        model.put("previews", previews);
        model.put("template", template);
        model.put("codeLength", length);
        model.put("lifetime", lifetimeSeconds);
        model.put("maxAttempts", otp.maxAttempts());
        model.put("senderChangeable", p.connection().senderChangeable());
        model.put("sender", form.sender());
        model.put("provider", p.connection().provider());
        model.put(
                "webOtp",
                Optional.ofNullable(p.formatter().optionsFor(null).webOtpHost())
                        .map(h -> "@" + h + " #" + code)
                        .orElse(""));
        model.put("message", message);
        model.put("error", error);
        render(ctx, status, "admin/connection.jte", model);
    }

    /** A template as the console shows it: its source, the text it sends, and what that costs in segments. */
    public record Preview(String language, String source, String text, SmsSegments segments) {}

    private Preview preview(String language, String source, String rendered, String code) {
        String text = p.formatter().format(rendered, code, null);
        return new Preview(language, source, text, SmsSegments.of(text));
    }

    /** Segments of the default template once rendered at its longest: the spend estimate's multiplier. */
    private SmsSegments segments() {
        OtpSettings otp = p.connection().get();
        Map<String, String> sample = MessageFormatter.sampleVariables(
                otp.codeLength(), "Phonepass", Math.max(1, otp.codeTtl().toMinutes()));
        return preview("default", "", otp.template().render(sample), sample.get("code"))
                .segments();
    }

    // ---------------------------------------------------------------- plumbing

    private Page page(Context ctx, AdminTexts t, Signed signed, String title, String active) {
        String nonce = ctx.attribute("phonepass.admin.nonce");
        return new Page(
                t,
                nonce,
                signed == null ? null : sessions.csrfToken(signed.session()),
                title,
                active,
                signed == null ? null : PhoneNumber.mask(signed.user().phone()));
    }

    private void render(Context ctx, int status, String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
    }

    private void forbidden(Context ctx, AdminTexts t, String reason) {
        log.info(
                "console request refused ({}): {} {} Origin={} Sec-Fetch-Site={}",
                reason,
                ctx.method(),
                ctx.path(),
                org.phonepass.core.abuse.LoggingAuditLog.quote(String.valueOf(ctx.header("Origin"))),
                org.phonepass.core.abuse.LoggingAuditLog.quote(String.valueOf(ctx.header("Sec-Fetch-Site"))));
        render(
                ctx,
                403,
                "admin/error.jte",
                Map.of(
                        "page", page(ctx, t, null, t.get("error.forbidden_title"), null),
                        "message", t.get("error.forbidden")));
    }

    /**
     * Whether a POST comes from the console's own pages, as far as the browser tells: {@code Sec-Fetch-Site} when
     * sent, else {@code Origin} when sent. The tokens are the real check; this refuses a cross-site post early.
     */
    private boolean sameOrigin(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            return false;
        }
        String from = ctx.header("Origin");
        return from == null || from.equals(origin);
    }

    /** The posted form, read once: the body was gathered before the route ran (BodyPrefetchFilter). */
    private org.phonepass.server.http.ApiRequest form(Context ctx) {
        org.phonepass.server.http.ApiRequest form = ctx.attribute("phonepass.admin.form");
        if (form == null) {
            form = reader.read(ctx);
            ctx.attribute("phonepass.admin.form", form);
        }
        return form;
    }

    private static AdminTexts texts(Context ctx) {
        return AdminTexts.forHeader(ctx.header("Accept-Language"));
    }

    private static void setCookie(Context ctx, String name, String value, long maxAgeSeconds) {
        // __Host-: Secure, Path=/ and no Domain, so no subdomain or plain-HTTP page can set or read it. Lax, not
        // Strict: a browser withholds Strict cookies on every redirect of a chain that a link on another site
        // started, so after a sign-in answered at once from the hosted session (/admin/login, /authorize,
        // /admin/callback, /admin/dashboard) a Strict session cookie would be missing and the console would loop.
        // Lax cookies still stay off cross-site POSTs, and every write needs the CSRF token as well.
        ctx.res()
                .addHeader(
                        "Set-Cookie",
                        name + "=" + value + "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=" + maxAgeSeconds);
    }

    private EndpointSet.Extra get(String path, Handler handler) {
        return new EndpointSet.Extra(HandlerType.GET, path, secured(handler));
    }

    private EndpointSet.Extra post(String path, Handler handler) {
        return new EndpointSet.Extra(HandlerType.POST, path, secured(handler));
    }

    /** The console's headers on every answer: its own CSP with a fresh nonce, never cached, never framed. */
    private Handler secured(Handler handler) {
        return ctx -> {
            byte[] b = new byte[16];
            random.nextBytes(b);
            String nonce = Base64.getEncoder().encodeToString(b);
            ctx.attribute("phonepass.admin.nonce", nonce);
            ctx.header(
                    "Content-Security-Policy",
                    "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'self'; img-src 'self' data:; "
                            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
            ctx.header("Cache-Control", "no-store");
            ctx.header("X-Frame-Options", "DENY");
            // Not no-referrer: under it a browser sends "Origin: null" with the console's own form posts, and the
            // origin check would have to accept null, which a sandboxed frame on any site also sends.
            ctx.header("Referrer-Policy", "same-origin");
            handler.handle(ctx);
        };
    }

    private void asset(List<EndpointSet.Extra> r, String path, String resource, String type) {
        byte[] body;
        try (InputStream in = AdminConsole.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console asset " + resource + " is missing from the jar");
            }
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        r.add(new EndpointSet.Extra(HandlerType.GET, path, ctx -> {
            ctx.header("Cache-Control", "private, max-age=300");
            ctx.contentType(type + "; charset=utf-8").result(body);
        }));
    }
}
