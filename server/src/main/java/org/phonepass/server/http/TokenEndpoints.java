package org.phonepass.server.http;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.phonepass.core.authorize.AuthorizationCodeService;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.LoginService;
import org.phonepass.core.ratelimit.RateLimitHeaders;
import org.phonepass.core.token.Scopes;
import org.phonepass.core.token.TokenManagementService;
import org.phonepass.core.token.TokenResponse;
import org.phonepass.core.token.TokenService;

/**
 * The code exchanges and token management: legacy {@code POST /oauth/ro}, {@code POST /oauth/token} with the
 * passwordless OTP, authorization_code and refresh_token grants, and {@code POST /oauth/revoke} (docs/api.md).
 */
final class TokenEndpoints {
    static final String OTP_REALM = "sms";
    private final RequestReader reader;
    private final Responder responder;
    private final ClientGate gate;
    private final ClientAddress address;
    private final LoginService login;
    private final TokenManagementService management;
    private final AuthorizationCodeService codes;

    TokenEndpoints(
            RequestReader reader,
            Responder responder,
            ClientGate gate,
            ClientAddress address,
            LoginService login,
            TokenManagementService management,
            AuthorizationCodeService codes) {
        this.codes = codes;
        this.reader = reader;
        this.responder = responder;
        this.gate = gate;
        this.address = address;
        this.login = login;
        this.management = management;
    }

    /** Legacy resource-owner login with {@code username}=phone and {@code password}=code. */
    void resourceOwner(Context ctx) {
        ApiRequest request = reader.read(ctx);
        ctx.attribute(HttpApi.REQUEST_ATTRIBUTE, request);
        require(request, "client_id");
        Client client = gate.authorize(ctx, request, "missing client_id parameter");
        String grant = require(request, "grant_type");
        if (!grant.equals(GrantType.RESOURCE_OWNER.wireValue())) {
            throw PhonepassException.of(ErrorCode.UNSUPPORTED_GRANT_TYPE, "grant_type must be 'password' on /oauth/ro");
        }
        String connection = require(request, "connection");
        if (!connection.equals(OTP_REALM)) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "the connection was not found");
        }
        String username = require(request, "username");
        String password = require(request, "password");
        ClientGate.requireGrant(client, GrantType.RESOURCE_OWNER);
        TokenService.Request tokenRequest =
                new TokenService.Request(Scopes.parse(scopeOr(request)), null, request.param("nonce"), true);
        LoginService.LoginResult result = login.verify(
                new LoginService.VerifyCommand(client, username, password, address.ip(ctx), tokenRequest),
                limitHeaders(ctx));
        Map<String, Object> body = tokenBody(result.tokens());
        if (request.param("state") != null) {
            body.put("state", request.param("state"));
        }
        noStore(ctx);
        responder.ok(ctx, request, body);
    }

    /** {@code POST /oauth/token}. */
    void token(Context ctx) {
        ApiRequest request = reader.read(ctx);
        ctx.attribute(HttpApi.REQUEST_ATTRIBUTE, request);
        String grant = require(request, "grant_type");
        Client client = gate.authorize(ctx, request, "missing client_id parameter");
        TokenResponse issued;
        if (grant.equals(GrantType.PASSWORDLESS_OTP.wireValue())) {
            ClientGate.requireGrant(client, GrantType.PASSWORDLESS_OTP);
            String realm = require(request, "realm");
            if (!realm.equals(OTP_REALM)) {
                throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "realm must be 'sms'");
            }
            String username = require(request, "username");
            String otp = require(request, "otp");
            TokenService.Request tokenRequest = new TokenService.Request(
                    Scopes.parse(scopeOr(request)), request.param("audience"), request.param("nonce"), false);
            issued = login.verify(
                            new LoginService.VerifyCommand(client, username, otp, address.ip(ctx), tokenRequest),
                            limitHeaders(ctx))
                    .tokens();
        } else if (grant.equals(GrantType.AUTHORIZATION_CODE.wireValue())) {
            // The client was authenticated above (a confidential one by its secret); the code binds the rest.
            issued = codes.exchange(new AuthorizationCodeService.Exchange(
                    client, require(request, "code"), request.param("redirect_uri"), request.param("code_verifier")));
        } else if (grant.equals(GrantType.REFRESH_TOKEN.wireValue())) {
            issued = management.refresh(client, require(request, "refresh_token"), address.ip(ctx));
        } else {
            throw PhonepassException.of(
                    ErrorCode.UNSUPPORTED_GRANT_TYPE, "Unsupported grant type: " + ClientGate.abbreviate(grant));
        }
        noStore(ctx);
        responder.ok(ctx, request, tokenBody(issued));
    }

    /**
     * {@code POST /oauth/revoke} (RFC 7009): 200 with an empty body, for known and unknown tokens alike; refused for
     * a token issued to another client (§2.1) and for a JWT access token (§2.2.1). The per-address limit comes first,
     * before the request is read ({@link TokenManagementService#admitRevoke}).
     */
    void revoke(Context ctx) {
        TokenManagementService.Revocation revocation = management.admitRevoke(address.ip(ctx));
        ApiRequest request = reader.read(ctx);
        ctx.attribute(HttpApi.REQUEST_ATTRIBUTE, request);
        Client client = gate.authorize(ctx, request, "missing client_id parameter");
        revocation.revoke(client, require(request, "token"));
        ctx.status(200).result("");
    }

    private static String scopeOr(ApiRequest request) {
        String scope = request.param("scope");
        return scope == null ? Scopes.OPENID : scope;
    }

    private static Map<String, Object> tokenBody(TokenResponse t) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", t.accessToken());
        if (t.idToken() != null) {
            body.put("id_token", t.idToken());
        }
        if (t.refreshToken() != null) {
            body.put("refresh_token", t.refreshToken());
        }
        body.put("scope", t.scope());
        body.put("expires_in", t.expiresIn());
        body.put("token_type", t.tokenType());
        return body;
    }

    /** RFC 6749 §5.1: token responses must not be cached. */
    private static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
    }

    /** Where the domain services put the {@code x-ratelimit-*} values to advertise, success or failure alike. */
    static Consumer<RateLimitHeaders> limitHeaders(Context ctx) {
        return limits -> limits.toHeaders().forEach(ctx::header);
    }

    static String require(ApiRequest request, String name) {
        String value = request.param(name);
        if (value == null) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "missing " + name + " parameter");
        }
        return value;
    }
}
