package org.phonepass.testkit;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.GrantType;

/**
 * Clients for tests, built from defaults that match a public SPA client of the server: every grant, rotating refresh
 * tokens, and the server's default lifetimes. {@code TestClients.client().id("app").without(REFRESH_TOKEN).build()}.
 */
public final class TestClients {
    private TestClients() {}

    /** A builder with the defaults, for the client {@code test-client}. */
    public static Builder client() {
        return new Builder();
    }

    /** Builds a {@link Client}; every setter returns the builder. */
    public static final class Builder {
        private String clientId = "test-client";
        private String name = "Test App";
        private final Set<String> origins = new LinkedHashSet<>(Set.of("https://app.example"));
        private List<String> callbacks = List.of("https://app.example/callback");
        private final Set<GrantType> grants = EnumSet.allOf(GrantType.class);
        private Optional<String> secretHash = Optional.empty();
        private Duration idTokenLifetime = Duration.ofHours(10);
        private Duration accessTokenLifetime = Duration.ofHours(24);
        private Duration refreshTokenLifetime = Duration.ofDays(30);
        private boolean rotateRefreshTokens = true;
        private boolean crossOriginAuthentication;
        private String crossOriginLoc;

        private Builder() {}

        public Builder id(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder origin(String origin) {
            origins.add(origin);
            return this;
        }

        public Builder callbacks(String... callbacks) {
            this.callbacks = List.of(callbacks);
            return this;
        }

        public Builder grants(GrantType... grants) {
            this.grants.clear();
            this.grants.addAll(List.of(grants));
            return this;
        }

        public Builder without(GrantType grant) {
            grants.remove(grant);
            return this;
        }

        public Builder secretHash(String hash) {
            this.secretHash = Optional.of(hash);
            return this;
        }

        public Builder idTokenLifetime(Duration lifetime) {
            this.idTokenLifetime = lifetime;
            return this;
        }

        public Builder accessTokenLifetime(Duration lifetime) {
            this.accessTokenLifetime = lifetime;
            return this;
        }

        public Builder refreshTokenLifetime(Duration lifetime) {
            this.refreshTokenLifetime = lifetime;
            return this;
        }

        public Builder rotateRefreshTokens(boolean rotate) {
            this.rotateRefreshTokens = rotate;
            return this;
        }

        /** Switches cross-origin authentication on, with the app's verification page or null. */
        public Builder crossOrigin(String verificationPage) {
            this.crossOriginAuthentication = true;
            this.crossOriginLoc = verificationPage;
            return this;
        }

        public Client build() {
            return new Client(
                    clientId,
                    name,
                    origins,
                    callbacks,
                    List.of(),
                    grants,
                    secretHash,
                    false,
                    idTokenLifetime,
                    accessTokenLifetime,
                    refreshTokenLifetime,
                    rotateRefreshTokens,
                    false,
                    Map.of(),
                    crossOriginAuthentication,
                    crossOriginLoc);
        }
    }
}
