package org.phonepass.core.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A registered application.
 *
 * @param clientId             public identifier sent as {@code client_id}
 * @param name                 shown in SMS templates as {@code application.name}
 * @param allowedOrigins       browser origins allowed to call the API (CORS); empty means no browser access
 * @param callbacks            redirect URIs allowed for redirect flows
 * @param logoutUrls           {@code returnTo} targets allowed for logout (callbacks are allowed too)
 * @param grants               grants this client may use
 * @param secretHash           hash of the client secret for confidential clients; empty for public clients
 * @param allowJsonp           whether the JSONP variants (docs/auth0-compatibility.md#jsonp) are served to this client
 * @param idTokenLifetime      lifetime of id_tokens
 * @param accessTokenLifetime  lifetime of access tokens
 * @param refreshTokenLifetime absolute lifetime of a refresh-token family
 * @param rotateRefreshTokens  whether each refresh returns a new refresh token and retires the old one
 * @param trustForwardedFor    a confidential client's {@code auth0-forwarded-for} header gives the end user's IP
 * @param apiGrants            per API audience, the API scopes this client may get in its access tokens (Auth0's
 *                             client grants); an audience missing here grants only the OIDC scopes
 * @param crossOriginAuthentication whether pages on the allowed origins may log in with {@code POST /co/authenticate}
 *                             (docs/spa.md#cross-origin-authentication); Auth0's {@code cross_origin_authentication}
 * @param crossOriginLoc       the app's cross-origin verification page, which hands the {@code co_verifier} back when
 *                             the browser dropped the login cookie; null when the app has none
 */
public record Client(
        String clientId,
        String name,
        Set<String> allowedOrigins,
        List<String> callbacks,
        List<String> logoutUrls,
        Set<GrantType> grants,
        Optional<String> secretHash,
        boolean allowJsonp,
        Duration idTokenLifetime,
        Duration accessTokenLifetime,
        Duration refreshTokenLifetime,
        boolean rotateRefreshTokens,
        boolean trustForwardedFor,
        Map<String, Set<String>> apiGrants,
        boolean crossOriginAuthentication,
        String crossOriginLoc) {

    public Client {
        Objects.requireNonNull(clientId, "clientId cannot be null");
        Objects.requireNonNull(name, "name cannot be null");
        allowedOrigins = Set.copyOf(allowedOrigins);
        callbacks = List.copyOf(callbacks);
        logoutUrls = List.copyOf(logoutUrls);
        grants = Set.copyOf(grants);
        Objects.requireNonNull(secretHash, "secretHash cannot be null");
        Objects.requireNonNull(idTokenLifetime, "idTokenLifetime cannot be null");
        Objects.requireNonNull(accessTokenLifetime, "accessTokenLifetime cannot be null");
        Objects.requireNonNull(refreshTokenLifetime, "refreshTokenLifetime cannot be null");
        Map<String, Set<String>> grants2 = new HashMap<>();
        Objects.requireNonNull(apiGrants, "apiGrants cannot be null").forEach((k, v) -> grants2.put(k, Set.copyOf(v)));
        apiGrants = Map.copyOf(grants2);
    }

    /** The API scopes this client may get for {@code audience}; empty for no audience or no grant. */
    public Set<String> grantedScopes(String audience) {
        return audience == null ? Set.of() : apiGrants.getOrDefault(audience, Set.of());
    }

    public boolean isConfidential() {
        return secretHash.isPresent();
    }

    public boolean allowsOrigin(String origin) {
        return allowedOrigins.contains(origin);
    }

    /** Whether a page on {@code origin} may log in cross-origin for this client ({@code POST /co/authenticate}). */
    public boolean allowsCrossOriginLogin(String origin) {
        return crossOriginAuthentication && origin != null && allowsOrigin(origin);
    }

    public boolean allowsGrant(GrantType grant) {
        return grants.contains(grant);
    }

    /**
     * Whether logout may redirect to {@code returnTo}: an absolute URL with a host, listed exactly among the logout
     * URLs or the callbacks. Anything else would make logout an open redirector.
     */
    public boolean allowsLogoutReturn(String returnTo) {
        if (returnTo == null) {
            return false;
        }
        try {
            URI uri = new URI(returnTo);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return false;
            }
        } catch (URISyntaxException e) {
            return false;
        }
        return logoutUrls.contains(returnTo) || callbacks.contains(returnTo);
    }
}
