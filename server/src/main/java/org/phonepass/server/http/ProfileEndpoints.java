package org.phonepass.server.http;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.Profiles;
import org.phonepass.core.user.User;

/** {@code POST /tokeninfo} (legacy) and {@code GET|POST /userinfo} (docs/api.md). */
final class ProfileEndpoints {
    private final RequestReader reader;
    private final Responder responder;
    private final ClientGate gate;
    private final TokenService tokens;
    private final Profiles profiles;

    ProfileEndpoints(
            RequestReader reader, Responder responder, ClientGate gate, TokenService tokens, Profiles profiles) {
        this.reader = reader;
        this.responder = responder;
        this.gate = gate;
        this.tokens = tokens;
        this.profiles = profiles;
    }

    /** The full profile of an id_token's subject. auth0-js 6/7 and Lock 2 call it after /oauth/ro. */
    void tokenInfo(Context ctx) {
        noStore(ctx);
        ApiRequest request = reader.read(ctx);
        ctx.attribute(HttpApi.REQUEST_ATTRIBUTE, request);
        String idToken = TokenEndpoints.require(request, "id_token");
        Map<String, Object> claims = tokens.verifyIdToken(idToken).orElseThrow(ProfileEndpoints::invalidToken);
        String audience = audience(claims.get("aud"));
        checkOrigin(ctx, audience);
        if (request.isJsonp()) {
            gate.requireJsonpAllowed(audience);
        }
        User user = tokens.findUser(String.valueOf(claims.get("sub"))).orElseThrow(ProfileEndpoints::invalidToken);
        Map<String, Object> profile = profiles.fullProfile(user);
        profile.put("clientID", audience);
        if (request.isJsonp()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", 200);
            body.put("user", profile);
            responder.ok(ctx, request, body);
        } else {
            responder.ok(ctx, request, profile);
        }
    }

    /**
     * The claims an access token's scope allows ({@link TokenService#userInfo}), to the token's client's origins
     * only. GET and POST alike (auth0-js 7 uses POST).
     */
    void userInfo(Context ctx) {
        noStore(ctx);
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw PhonepassException.of(ErrorCode.INVALID_TOKEN, "Missing bearer access token");
        }
        TokenService.UserInfo info =
                tokens.userInfo(header.substring(7).trim()).orElseThrow(ProfileEndpoints::invalidToken);
        checkOrigin(ctx, info.clientId());
        responder.ok(ctx, null, info.claims());
    }

    /** A browser may read a token's profile only from an origin that the token's own client allows. */
    private void checkOrigin(Context ctx, String clientId) {
        String origin = ctx.header("Origin");
        if (origin != null && !gate.clientAllows(clientId, origin)) {
            throw PhonepassException.of(
                    ErrorCode.ORIGIN_NOT_ALLOWED,
                    "Origin " + ClientGate.abbreviate(origin)
                            + " is not allowed for the client this token was issued to");
        }
    }

    /** Profiles are personal data: no shared cache may keep them (RFC 9111 §5.2.2.5). */
    private static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
    }

    private static String audience(Object aud) {
        if (aud instanceof java.util.List<?> list && !list.isEmpty()) {
            return String.valueOf(list.get(0));
        }
        return String.valueOf(aud);
    }

    private static PhonepassException invalidToken() {
        return PhonepassException.of(ErrorCode.INVALID_TOKEN, "invalid token");
    }
}
