package org.phonepass.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.client.ClientSecrets;
import org.phonepass.core.client.GrantType;
import org.phonepass.server.config.ClientSettings;
import org.phonepass.server.config.Settings;

/** The clients from the settings file, immutable after start-up. */
final class ConfiguredClients implements ClientRegistry {
    /** The client that dev mode adds so that a fresh server works without any settings. */
    static final String DEV_CLIENT_ID = Settings.Dev.CLIENT_ID;

    static final List<String> DEV_ORIGINS = List.of("http://localhost:3000", "http://127.0.0.1:3000");

    private final Map<String, Client> byId;

    /** The settings file's clients, with the dev client added in dev mode unless one has its id. */
    static List<ClientSettings> withDevClient(List<ClientSettings> settings, boolean addDevClient) {
        List<ClientSettings> out = new ArrayList<>(settings);
        if (addDevClient && settings.stream().noneMatch(s -> s.clientId().equals(DEV_CLIENT_ID))) {
            out.add(new ClientSettings(
                    DEV_CLIENT_ID,
                    Settings.Dev.CLIENT_NAME,
                    DEV_ORIGINS,
                    List.of(
                            "http://localhost:3000/",
                            "http://127.0.0.1:3000/",
                            "http://localhost:3000/auth0js9.html",
                            "http://127.0.0.1:3000/auth0js9.html"),
                    List.of(),
                    // The sample's auth0-js 9 page logs in cross-origin and gets its tokens in the redirect.
                    List.of(
                            GrantType.RESOURCE_OWNER,
                            GrantType.PASSWORDLESS_OTP,
                            GrantType.REFRESH_TOKEN,
                            GrantType.AUTHORIZATION_CODE,
                            GrantType.IMPLICIT),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    true,
                    null));
        }
        return out;
    }

    ConfiguredClients(List<ClientSettings> settings, boolean addDevClient) {
        Map<String, Client> map = new LinkedHashMap<>();
        for (ClientSettings s : withDevClient(settings, addDevClient)) {
            map.put(s.clientId(), toClient(s));
        }
        this.byId = Map.copyOf(map);
    }

    private static Client toClient(ClientSettings s) {
        Set<GrantType> grants = EnumSet.noneOf(GrantType.class);
        grants.addAll(s.grants());
        Optional<String> secretHash = s.clientSecretHash() != null
                ? Optional.of(s.clientSecretHash())
                : Optional.ofNullable(s.clientSecret()).map(ClientSecrets::hash);
        Map<String, Set<String>> apiGrants = new LinkedHashMap<>();
        s.apiGrants().forEach(g -> apiGrants.put(g.audience(), Set.copyOf(g.scopes())));
        return new Client(
                s.clientId(),
                s.name(),
                Set.copyOf(s.allowedOrigins()),
                s.callbacks(),
                s.allowedLogoutUrls(),
                grants,
                secretHash,
                s.allowJsonp(),
                s.idTokenLifetime(),
                s.accessTokenLifetime(),
                s.refreshTokenLifetime(),
                s.refreshTokenRotation(),
                s.trustAuth0ForwardedFor(),
                apiGrants,
                s.crossOriginAuthentication(),
                s.crossOriginLoc());
    }

    @Override
    public Optional<Client> findByClientId(String clientId) {
        return Optional.ofNullable(byId.get(clientId));
    }

    @Override
    public Collection<Client> all() {
        return new ArrayList<>(byId.values());
    }
}
