package org.phonepass.server.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.LoginService;
import org.phonepass.core.login.LoginTickets;
import org.phonepass.core.ratelimit.RateLimitHeaders;

/**
 * Cross-origin authentication for the embedded login of auth0-js 9/10 and Lock 11-14
 * (docs/spa.md#cross-origin-authentication): {@code POST /co/authenticate} turns a code into a login ticket, and
 * {@code GET /client/<client_id>.js} tells Lock which connection to show.
 */
public final class CrossOriginEndpoints {
    /** The path whose CORS answer carries credentials ({@link HttpApi}). */
    public static final String AUTHENTICATE_PATH = "/co/authenticate";
    /** The one credential type of an SMS code (docs/api.md). */
    public static final String OTP_CREDENTIAL_TYPE = "http://auth0.com/oauth/grant-type/passwordless/otp";
    /** Auth0's answer to any other body shape, word for word. */
    static final String BODY_SHAPE_DESCRIPTION =
            "Invalid request body. All and only of client_id, credential_type, username, otp, realm are required.";
    /** Auth0's answer for a client that has cross-origin authentication switched off. */
    static final String DISABLED_DESCRIPTION = "Cross origin login not allowed.";
    /** The cookie that carries a ticket's verifier from {@code /co/authenticate} to {@code /authorize}. */
    public static final String VERIFIER_COOKIE_PREFIX = "__Host-phonepass_co_";
    /**
     * Its partitioned twin (CHIPS): kept by browsers that block third-party cookies, but sent only under the app's
     * own pages, that is to the hidden iframe of {@code /authorize} (docs/spa.md#third-party-cookies).
     */
    public static final String PARTITIONED_VERIFIER_COOKIE_PREFIX = "__Host-phonepass_cop_";

    private static final Set<String> FIELDS = Set.of("client_id", "credential_type", "username", "otp", "realm");

    private final RequestReader reader;
    private final Responder responder;
    private final ClientRegistry clients;
    private final ClientAddress address;
    private final LoginTickets tickets;
    private final String issuer;

    /**
     * The routes, for {@link EndpointSet#build}'s extras.
     *
     * @param maxBodyBytes the largest body read, as for every endpoint
     */
    public static List<EndpointSet.Extra> extras(
            Responder responder,
            ClientRegistry clients,
            ClientAddress address,
            LoginTickets tickets,
            String issuer,
            int maxBodyBytes) {
        CrossOriginEndpoints endpoints =
                new CrossOriginEndpoints(new RequestReader(maxBodyBytes), responder, clients, address, tickets, issuer);
        return List.of(
                new EndpointSet.Extra(HandlerType.POST, AUTHENTICATE_PATH, endpoints::authenticate),
                new EndpointSet.Extra(HandlerType.GET, "/client/{file}", endpoints::clientScript));
    }

    CrossOriginEndpoints(
            RequestReader reader,
            Responder responder,
            ClientRegistry clients,
            ClientAddress address,
            LoginTickets tickets,
            String issuer) {
        this.reader = reader;
        this.responder = responder;
        this.clients = clients;
        this.address = address;
        this.tickets = tickets;
        this.issuer = issuer;
    }

    /**
     * {@code POST /co/authenticate}. The client and the origin are checked first; only then does the answer carry
     * the credentialed CORS headers, so that a page on any other origin can read nothing, not even the error. A
     * wrong code is counted as on every other path ({@link LoginService#signIn}) and answered with Auth0's one
     * wrong-code error, with an error status: auth0-js 9 takes a 200 for a success whatever its body.
     */
    void authenticate(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
        String type = ctx.contentType() == null
                ? ""
                : ctx.contentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json")) {
            // JSON only: a form or text body could be sent cross-site without a preflight.
            throw new PhonepassException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json", Map.of(), null, null);
        }
        ApiRequest request = reader.read(ctx);
        ctx.attribute(HttpApi.REQUEST_ATTRIBUTE, request);
        if (!request.objects().isEmpty() || !new TreeSet<>(request.params().keySet()).equals(new TreeSet<>(FIELDS))) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, BODY_SHAPE_DESCRIPTION);
        }
        String clientId = request.param("client_id");
        Client client = clients.findByClientId(clientId)
                .orElseThrow(() -> PhonepassException.of(
                        ErrorCode.UNKNOWN_CLIENT, "Unknown client: " + ClientGate.abbreviate(clientId)));
        String origin = ctx.header("Origin");
        if (!client.crossOriginAuthentication()) {
            throw PhonepassException.of(ErrorCode.GRANT_NOT_ALLOWED, DISABLED_DESCRIPTION);
        }
        if (!client.allowsCrossOriginLogin(origin)) {
            throw PhonepassException.of(
                    ErrorCode.ORIGIN_NOT_ALLOWED,
                    origin == null
                            ? "Cross origin login needs the browser's Origin header."
                            : "Origin " + ClientGate.abbreviate(origin) + " is not allowed for client "
                                    + client.clientId() + "; add it to the client's allowed_origins");
        }
        HttpApi.credentialedCors(ctx, origin);
        if (!request.param("realm").equals(TokenEndpoints.OTP_REALM)) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "realm must be 'sms'");
        }
        if (!request.param("credential_type").equals(OTP_CREDENTIAL_TYPE)) {
            throw PhonepassException.of(
                    ErrorCode.INVALID_REQUEST, "credential_type must be '" + OTP_CREDENTIAL_TYPE + "'");
        }
        LoginTickets.Issued issued;
        try {
            issued = tickets.authenticate(
                    new LoginTickets.AuthenticateCommand(
                            client, request.param("username"), request.param("otp"), address.ip(ctx), origin),
                    TokenEndpoints.limitHeaders(ctx));
        } catch (PhonepassException e) {
            if (e.code() == ErrorCode.WRONG_CODE || e.code() == ErrorCode.SIGNUP_DISABLED) {
                // One answer for every failed code, as Auth0 gives it (no attempts count, nothing that tells a
                // number with an account from one without).
                Map<String, Object> limits = new LinkedHashMap<>();
                e.details().forEach((k, v) -> {
                    if (RateLimitHeaders.DETAIL_KEYS.contains(k)) {
                        limits.put(k, v);
                    }
                });
                throw new PhonepassException(
                        ErrorCode.CROSS_ORIGIN_DENIED, LoginService.WRONG_CODE_DESCRIPTION, limits, null, null);
            }
            throw e;
        }
        // The browser that called keeps the verifier in a cookie of this server: /authorize redeems the ticket only
        // where it comes back (or where the app's verification page hands it over).
        String attributes =
                "; Path=/; Max-Age=" + LoginTickets.LIFETIME.toSeconds() + "; Secure; HttpOnly; SameSite=None";
        ctx.res()
                .addHeader(
                        "Set-Cookie", VERIFIER_COOKIE_PREFIX + issued.coId() + "=" + issued.coVerifier() + attributes);
        ctx.res()
                .addHeader(
                        "Set-Cookie",
                        PARTITIONED_VERIFIER_COOKIE_PREFIX + issued.coId() + "=" + issued.coVerifier() + attributes
                                + "; Partitioned");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("login_ticket", issued.loginTicket());
        body.put("co_verifier", issued.coVerifier());
        body.put("co_id", issued.coId());
        responder.ok(ctx, null, body);
    }

    /**
     * {@code GET /client/<client_id>.js}: Lock 11-14 load it with a script tag and need an {@code sms} strategy in
     * it to show the phone form. {@code subscription} is anything but {@code free} or {@code dev}, which would add
     * Auth0's badge. Only known clients; the content is public and cached for five minutes.
     */
    void clientScript(Context ctx) {
        String file = ctx.pathParam("file");
        String clientId = file.endsWith(".js") ? file.substring(0, file.length() - 3) : null;
        Client client =
                clientId == null ? null : clients.findByClientId(clientId).orElse(null);
        if (client == null) {
            throw PhonepassException.of(
                    ErrorCode.NOT_FOUND,
                    "No such client: " + ClientGate.abbreviate(clientId == null ? file : clientId));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("id", client.clientId());
        settings.put("tenant", "phonepass");
        settings.put("subscription", "oss");
        settings.put("authorize", issuer + "authorize");
        settings.put("hasAllowedOrigins", !client.allowedOrigins().isEmpty());
        Map<String, Object> sms = new LinkedHashMap<>();
        sms.put("name", "sms");
        sms.put("connections", List.of(Map.of("name", "sms")));
        settings.put("strategies", List.of(sms));
        // Escaped so the JSON can never close a script element or hide a line break from old engines.
        String json = responder
                .serialize(settings)
                .replace("<", "\\u003c")
                .replace("\u2028", "\\u2028")
                .replace("\u2029", "\\u2029");
        ctx.header("Cache-Control", "public, max-age=300");
        ctx.contentType("application/javascript; charset=utf-8").result("Auth0.setClient(" + json + ");");
    }
}
