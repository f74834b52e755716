package org.phonepass.server.http;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.client.ClientSecrets;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;

/**
 * Decides whether a request may act for a client: the client exists, the browser origin (when there is one) is
 * allowed for it, JSONP is enabled for it when used, and a confidential client proved its secret.
 */
public final class ClientGate {
    private final ClientRegistry clients;

    public ClientGate(ClientRegistry clients) {
        this.clients = Objects.requireNonNull(clients, "clients cannot be null");
    }

    /**
     * @param missingDescription the Auth0 wording for a missing client_id on this endpoint
     */
    public Client authorize(Context ctx, ApiRequest request, String missingDescription) {
        String id = request.param("client_id");
        if (id == null) {
            throw PhonepassException.of(ErrorCode.MISSING_CLIENT_ID, missingDescription);
        }
        Client client = clients.findByClientId(id)
                .orElseThrow(
                        () -> PhonepassException.of(ErrorCode.UNKNOWN_CLIENT, "Unknown client: " + abbreviate(id)));
        String origin = ctx.header("Origin");
        if (origin != null && !client.allowsOrigin(origin)) {
            throw PhonepassException.of(
                    ErrorCode.ORIGIN_NOT_ALLOWED,
                    "Origin " + abbreviate(origin) + " is not allowed for client " + client.clientId()
                            + "; add it to the client's allowed_origins");
        }
        if (request.isJsonp() && !client.allowJsonp()) {
            throw PhonepassException.of(
                    ErrorCode.JSONP_NOT_ALLOWED,
                    "JSONP is disabled for client " + client.clientId() + "; set allow_jsonp: true to enable it");
        }
        if (client.isConfidential()) {
            String secret = presentedSecret(ctx, request, client.clientId());
            if (secret == null
                    || !ClientSecrets.matches(secret, client.secretHash().get())) {
                throw PhonepassException.of(
                        ErrorCode.CLIENT_AUTHENTICATION_FAILED,
                        "Client authentication failed: this client must send its client_secret.");
            }
            // Only now, with the secret proven, may the client speak for its end user's address.
            ctx.attribute(ClientAddress.AUTHENTICATED_CLIENT, client);
        }
        return client;
    }

    public static void requireGrant(Client client, GrantType grant) {
        if (!client.allowsGrant(grant)) {
            throw PhonepassException.of(
                    ErrorCode.GRANT_NOT_ALLOWED, "Grant type '" + grant.wireValue() + "' not allowed for the client.");
        }
    }

    /** For JSONP calls that carry no client_id ({@code /tokeninfo}): the token's client must have JSONP enabled. */
    public void requireJsonpAllowed(String clientId) {
        boolean allowed = clientId != null
                && clients.findByClientId(clientId).map(Client::allowJsonp).orElse(false);
        if (!allowed) {
            throw PhonepassException.of(ErrorCode.JSONP_NOT_ALLOWED, "JSONP is disabled for this token's client");
        }
    }

    /** Whether the client exists and allows this origin: for requests whose client comes from their token. */
    public boolean clientAllows(String clientId, String origin) {
        return clientId != null
                && origin != null
                && clients.findByClientId(clientId)
                        .map(c -> c.allowsOrigin(origin))
                        .orElse(false);
    }

    /** Whether any client allows this origin, for requests that carry no client_id. */
    public boolean anyClientAllows(String origin) {
        return origin != null && clients.all().stream().anyMatch(c -> c.allowsOrigin(origin));
    }

    /**
     * Whether some client lets pages on this origin log in cross-origin, for the preflight of {@code /co/authenticate}
     * (which carries no client_id).
     */
    public boolean anyClientAllowsCrossOriginLogin(String origin) {
        return origin != null && clients.all().stream().anyMatch(c -> c.allowsCrossOriginLogin(origin));
    }

    /**
     * The clients a request without client_id may be for, in the legacy redirect flow (auth0-js 6/7 send none to
     * {@code POST /passwordless/verify}): public clients (the flow has no place for a secret) that have callbacks
     * (its second step redirects to one) and the legacy grant, and that allow the origin when there is one.
     */
    public java.util.List<Client> redirectCandidates(String origin) {
        return clients.all().stream()
                .filter(c -> !c.isConfidential()
                        && !c.callbacks().isEmpty()
                        && c.allowsGrant(GrantType.RESOURCE_OWNER)
                        && (origin == null || c.allowsOrigin(origin)))
                .toList();
    }

    /** The secret from the body, or from HTTP Basic authentication (RFC 6749 §2.3.1). */
    private static String presentedSecret(Context ctx, ApiRequest request, String clientId) {
        String inBody = request.param("client_secret");
        if (inBody != null) {
            return inBody;
        }
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded =
                        new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0
                        && java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8)
                                .equals(clientId)) {
                    return java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
