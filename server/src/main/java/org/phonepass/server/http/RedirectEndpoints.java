package org.phonepass.server.http;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.LoginService;
import org.phonepass.core.token.Scopes;
import org.phonepass.core.token.TokenResponse;
import org.phonepass.core.token.TokenService;

/**
 * The legacy redirect flow (docs/auth0-compatibility.md#the-legacy-redirect-flow): auth0-js 6/7 and Lock passwordless
 * 2 constructed with a {@code callbackURL}, and auth0-js 9 on a page served by this host. Step 1, {@code POST
 * /passwordless/verify}, says whether the code is right without using it; step 2, a browser navigation to {@code GET
 * /passwordless/verify_redirect}, uses it and redirects to the client's callback with the tokens in the fragment.
 *
 * <p>It counts as the resource-owner grant ({@code password}): it is the same legacy code exchange, only delivered
 * by redirect, and a client that may use one may use the other.
 */
final class RedirectEndpoints {
    private final RequestReader reader;
    private final Responder responder;
    private final ClientGate gate;
    private final ClientAddress address;
    private final LoginService login;

    RedirectEndpoints(
            RequestReader reader, Responder responder, ClientGate gate, ClientAddress address, LoginService login) {
        this.reader = reader;
        this.responder = responder;
        this.gate = gate;
        this.address = address;
        this.login = login;
    }

    /**
     * {@code POST /passwordless/verify}: 200 {@code {}} when the code is right for the client (or, without
     * client_id, for one of the clients the request may be for: see {@link ClientGate#redirectCandidates}); the
     * code stays usable for step 2. A wrong code costs an attempt, as on {@code /oauth/ro}, and gets the same 401.
     */
    void verify(Context ctx) {
        ApiRequest request = reader.read(ctx);
        ctx.attribute(HttpApi.REQUEST_ATTRIBUTE, request);
        Client named = null;
        List<Client> candidates;
        if (request.param("client_id") != null) {
            named = gate.authorize(ctx, request, "missing client_id parameter");
            ClientGate.requireGrant(named, GrantType.RESOURCE_OWNER);
            candidates = List.of(named);
        } else {
            String origin = ctx.header("Origin");
            if (origin != null && !gate.anyClientAllows(origin)) {
                throw PhonepassException.of(
                        ErrorCode.ORIGIN_NOT_ALLOWED,
                        "Origin " + ClientGate.abbreviate(origin) + " is not allowed by any client");
            }
            candidates = gate.redirectCandidates(origin);
        }
        requireSms(request);
        String phone = TokenEndpoints.require(request, "phone_number");
        String code = TokenEndpoints.require(request, "verification_code");
        login.check(
                new LoginService.CheckCommand(named, candidates, phone, code, address.ip(ctx)),
                TokenEndpoints.limitHeaders(ctx));
        noStore(ctx);
        responder.ok(ctx, request, Map.of());
    }

    /**
     * {@code GET /passwordless/verify_redirect}. Until the client and its {@code redirect_uri} are known good,
     * errors are JSON (a redirect to an unchecked address would make this an open redirector); after that, every
     * failure goes back to the callback as {@code #error=...&error_description=...&state=...}.
     */
    void verifyRedirect(Context ctx) {
        ApiRequest query = reader.read(ctx);
        // JSONP has no meaning here: the answer is a navigation.
        ApiRequest request = new ApiRequest(query.params(), Map.of(), null);
        ctx.attribute(HttpApi.REQUEST_ATTRIBUTE, request);
        noStore(ctx);
        Client client = gate.authorize(ctx, request, "missing client_id parameter");
        String redirectUri = TokenEndpoints.require(request, "redirect_uri");
        if (!client.callbacks().contains(redirectUri) || redirectUri.indexOf('#') >= 0) {
            throw PhonepassException.of(
                    ErrorCode.INVALID_REQUEST,
                    "redirect_uri "
                            + ClientGate.abbreviate(redirectUri) + " is not one of the callbacks of client "
                            + client.clientId());
        }
        String state = request.param("state");
        Map<String, String> fragment;
        Set<String> responseTypes = responseTypes(request.param("response_type"));
        if (responseTypes.isEmpty() || !SUPPORTED_RESPONSE_TYPES.containsAll(responseTypes)) {
            // code needs an exchange endpoint this flow does not have.
            fragment = error(
                    responseTypes.isEmpty() ? "invalid_request" : "unsupported_response_type",
                    responseTypes.isEmpty()
                            ? "missing response_type parameter"
                            : "Unsupported response type: " + ClientGate.abbreviate(request.param("response_type"))
                                    + ". Use token, id_token or both.");
        } else {
            try {
                fragment = tokensFragment(ctx, client, request, responseTypes);
            } catch (PhonepassException e) {
                fragment = errorFragment(e);
            }
        }
        if (state != null) {
            fragment.put("state", state);
        }
        String encoded = fragment.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        ctx.status(302).header("Location", redirectUri + "#" + encoded);
    }

    private Map<String, String> tokensFragment(
            Context ctx, Client client, ApiRequest request, Set<String> responseTypes) {
        ClientGate.requireGrant(client, GrantType.RESOURCE_OWNER);
        requireSms(request);
        String phone = TokenEndpoints.require(request, "phone_number");
        String code = TokenEndpoints.require(request, "verification_code");
        TokenService.Request tokenRequest = TokenService.Request.redirect(
                Scopes.parse(request.param("scope") == null ? Scopes.OPENID : request.param("scope")),
                responseTypes.contains("id_token"),
                request.param("audience"),
                request.param("nonce"));
        TokenResponse tokens = login.verify(
                        new LoginService.VerifyCommand(client, phone, code, address.ip(ctx), tokenRequest),
                        TokenEndpoints.limitHeaders(ctx))
                .tokens();
        Map<String, String> fragment = new LinkedHashMap<>();
        // Auth0's legacy flow answers response_type=token with both tokens when the scope has openid;
        // a bare id_token answer carries no access token (OIDC Core §3.2.2.5).
        if (responseTypes.contains("token")) {
            fragment.put("access_token", tokens.accessToken());
        }
        if (tokens.idToken() != null) {
            fragment.put("id_token", tokens.idToken());
        }
        fragment.put("scope", tokens.scope());
        if (responseTypes.contains("token")) {
            fragment.put("expires_in", Long.toString(tokens.expiresIn()));
        }
        fragment.put("token_type", tokens.tokenType());
        return fragment;
    }

    private static final Set<String> SUPPORTED_RESPONSE_TYPES = Set.of("token", "id_token");

    /** The space-separated values of {@code response_type}; empty when it is missing. */
    private static Set<String> responseTypes(String raw) {
        if (raw == null || raw.isBlank()) {
            return Set.of();
        }
        return new LinkedHashSet<>(List.of(raw.trim().split(" +")));
    }

    /** OAuth 2.0 §4.2.2.1 names, with Auth0's wrong-code wording (which Lock and the SDKs match) kept as is. */
    private static Map<String, String> errorFragment(PhonepassException e) {
        if (e.code() == ErrorCode.WRONG_CODE || e.code() == ErrorCode.SIGNUP_DISABLED) {
            return error("access_denied", LoginService.WRONG_CODE_DESCRIPTION);
        }
        return error(e.code().wireName(ErrorCode.Dialect.OAUTH_RO), e.description());
    }

    private static Map<String, String> error(String error, String description) {
        Map<String, String> fragment = new LinkedHashMap<>();
        fragment.put("error", error);
        fragment.put("error_description", description);
        return fragment;
    }

    private static void requireSms(ApiRequest request) {
        if (!TokenEndpoints.require(request, "connection").equals(TokenEndpoints.OTP_REALM)) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "the connection was not found");
        }
    }

    /** Tokens and codes travel in this exchange: nothing may cache it, and the callback must not leak in a Referer. */
    private static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
        ctx.header("Referrer-Policy", "no-referrer");
    }

    /** Percent-encoding with {@code %20} for spaces, as in a URI fragment ({@code +} means a space only in forms). */
    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
