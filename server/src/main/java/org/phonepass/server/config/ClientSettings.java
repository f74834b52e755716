package org.phonepass.server.config;

import java.time.Duration;
import java.util.List;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.config.Secret;

/**
 * One application, as configured.
 *
 * @param clientId             the public {@code client_id}
 * @param name                 display name, available to SMS templates as {@code application.name}
 * @param allowedOrigins       browser origins allowed to call the API (CORS)
 * @param callbacks            allowed redirect URIs (also allowed as logout {@code returnTo})
 * @param allowedLogoutUrls    further allowed logout {@code returnTo} URLs
 * @param grants               allowed grants ({@code password}, {@code passwordless_otp}, {@code refresh_token},
 *                             {@code authorization_code}, {@code implicit}); all but implicit when absent
 * @param clientSecretHash     {@code sha256:<hex>} of the secret of a confidential client
 * @param clientSecret         the secret itself, hashed at load (prefer the hash, or an env var)
 * @param allowJsonp           serve the JSONP variants (docs/auth0-compatibility.md#jsonp) to this client
 * @param idTokenLifetime      id_token lifetime
 * @param accessTokenLifetime  opaque access-token lifetime
 * @param refreshTokenLifetime refresh-token family lifetime
 * @param refreshTokenRotation issue a new refresh token on each use and detect replays
 * @param trustAuth0ForwardedFor believe the {@code auth0-forwarded-for} header (the end user's IP, sent by a backend
 *                             that calls on the user's behalf); confidential clients only, and only on requests that
 *                             carry the client's secret
 * @param apiGrants            the API scopes this client may get, per API (Auth0's client grants); none by default
 * @param logoUri              the client's logo on the hosted login pages (an https URL), instead of the product's
 * @param crossOriginAuthentication let pages on {@code allowed_origins} log in with {@code POST /co/authenticate}
 *                             (auth0-js 9/10, Lock 11-14); off by default, as in Auth0
 * @param crossOriginLoc       the app's cross-origin verification page (Auth0's {@code cross_origin_loc}), an absolute
 *                             URL on one of {@code allowed_origins}; none by default
 */
public record ClientSettings(
        String clientId,
        String name,
        List<String> allowedOrigins,
        List<String> callbacks,
        List<String> allowedLogoutUrls,
        List<GrantType> grants,
        String clientSecretHash,
        @Secret String clientSecret,
        Boolean allowJsonp,
        Duration idTokenLifetime,
        Duration accessTokenLifetime,
        Duration refreshTokenLifetime,
        Boolean refreshTokenRotation,
        Boolean trustAuth0ForwardedFor,
        List<ApiGrant> apiGrants,
        String logoUri,
        Boolean crossOriginAuthentication,
        String crossOriginLoc) {
    public ClientSettings {
        name = name == null ? clientId : name;
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        callbacks = callbacks == null ? List.of() : List.copyOf(callbacks);
        allowedLogoutUrls = allowedLogoutUrls == null ? List.of() : List.copyOf(allowedLogoutUrls);
        grants = grants == null
                ? List.of(
                        GrantType.RESOURCE_OWNER,
                        GrantType.PASSWORDLESS_OTP,
                        GrantType.REFRESH_TOKEN,
                        GrantType.AUTHORIZATION_CODE)
                : List.copyOf(grants);
        allowJsonp = allowJsonp != null && allowJsonp;
        idTokenLifetime = idTokenLifetime == null ? Duration.ofHours(10) : idTokenLifetime;
        accessTokenLifetime = accessTokenLifetime == null ? Duration.ofHours(24) : accessTokenLifetime;
        refreshTokenLifetime = refreshTokenLifetime == null ? Duration.ofDays(30) : refreshTokenLifetime;
        refreshTokenRotation = refreshTokenRotation == null || refreshTokenRotation;
        trustAuth0ForwardedFor = trustAuth0ForwardedFor != null && trustAuth0ForwardedFor;
        apiGrants = apiGrants == null ? List.of() : List.copyOf(apiGrants);
        crossOriginAuthentication = crossOriginAuthentication != null && crossOriginAuthentication;
    }

    /**
     * The scopes of one API that the client may get in its access tokens for it.
     *
     * @param audience an {@code apis[].identifier}
     * @param scopes   scopes that API defines in {@code apis[].scopes}
     */
    public record ApiGrant(String audience, List<String> scopes) {
        public ApiGrant {
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }
    }
}
