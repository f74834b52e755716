package org.phonepass.server.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.GrantType;
import org.phonepass.server.config.ClientSettings;

/**
 * A client's settings as the database keeps them (the {@code definition} column): the fields of
 * {@code clients[]} in the settings file that the management API can also set, and the Auth0 fields it reports.
 *
 * @param appType               Auth0's {@code app_type} ({@code spa}, {@code native}, {@code regular_web},
 *                              {@code non_interactive})
 * @param crossOriginAuth       Auth0's {@code cross_origin_authentication}: browsers on {@code allowedOrigins} may
 *                              log in with {@code POST /co/authenticate} (docs/spa.md#cross-origin-authentication);
 *                              off by default, as in Auth0
 * @param grants                wire names of the grants ({@link GrantType#wireValue()})
 * @param apiGrants             scopes per API audience; only the settings file sets them
 * @param crossOriginLoc        Auth0's {@code cross_origin_loc}: the app's page for the third-party-cookie fallback
 *                              of the cross-origin login, or null
 */
public record ClientDefinition(
        String name,
        String description,
        String appType,
        List<String> callbacks,
        List<String> allowedOrigins,
        List<String> allowedLogoutUrls,
        List<String> grants,
        boolean crossOriginAuth,
        boolean allowJsonp,
        long idTokenLifetimeSeconds,
        long accessTokenLifetimeSeconds,
        long refreshTokenLifetimeSeconds,
        boolean refreshTokenRotation,
        boolean trustAuth0ForwardedFor,
        Map<String, List<String>> apiGrants,
        String crossOriginLoc) {

    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public ClientDefinition {
        callbacks = callbacks == null ? List.of() : List.copyOf(callbacks);
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        allowedLogoutUrls = allowedLogoutUrls == null ? List.of() : List.copyOf(allowedLogoutUrls);
        grants = grants == null ? List.of() : List.copyOf(grants);
        apiGrants = apiGrants == null ? Map.of() : Map.copyOf(apiGrants);
    }

    /** The definition of a client from the settings file; {@code management} grants name the real audience. */
    public static ClientDefinition of(ClientSettings s, String managementAudience) {
        Map<String, List<String>> apiGrants = new LinkedHashMap<>();
        s.apiGrants()
                .forEach(g -> apiGrants.put(
                        ManagementScopes.GRANT_AUDIENCE.equals(g.audience()) ? managementAudience : g.audience(),
                        g.scopes()));
        boolean confidential = s.clientSecret() != null || s.clientSecretHash() != null;
        return new ClientDefinition(
                s.name(),
                null,
                confidential ? "regular_web" : "spa",
                s.callbacks(),
                s.allowedOrigins(),
                s.allowedLogoutUrls(),
                s.grants().stream().map(GrantType::wireValue).toList(),
                s.crossOriginAuthentication(),
                s.allowJsonp(),
                s.idTokenLifetime().toSeconds(),
                s.accessTokenLifetime().toSeconds(),
                s.refreshTokenLifetime().toSeconds(),
                s.refreshTokenRotation(),
                s.trustAuth0ForwardedFor(),
                apiGrants,
                s.crossOriginLoc());
    }

    /** The running client. */
    public Client toClient(String clientId, String secretHash) {
        Set<GrantType> grantSet = EnumSet.noneOf(GrantType.class);
        grants.forEach(g -> GrantType.parse(g).ifPresent(grantSet::add));
        Map<String, Set<String>> scopes = new LinkedHashMap<>();
        apiGrants.forEach((aud, list) -> scopes.put(aud, Set.copyOf(list)));
        return new Client(
                clientId,
                name,
                Set.copyOf(allowedOrigins),
                callbacks,
                allowedLogoutUrls,
                grantSet,
                Optional.ofNullable(secretHash),
                allowJsonp,
                Duration.ofSeconds(idTokenLifetimeSeconds),
                Duration.ofSeconds(accessTokenLifetimeSeconds),
                Duration.ofSeconds(refreshTokenLifetimeSeconds),
                refreshTokenRotation,
                trustAuth0ForwardedFor,
                scopes,
                crossOriginAuth,
                crossOriginLoc);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("client definition not serialisable", e);
        }
    }

    public static ClientDefinition fromJson(String json) {
        try {
            return JSON.readValue(json, ClientDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored client definition unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
