package org.phonepass.server.management;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.client.ClientSecrets;
import org.phonepass.core.client.ClientStore;
import org.phonepass.core.client.GrantType;

/**
 * Clients through the management API (docs/management.md#clients): list, read, create, change, delete and rotate
 * secrets, each write audited with the acting client. Clients from the settings file are read-only here: the file
 * is their source, and a change made here would be undone at the next start of any node.
 *
 * <p>API grants ({@code api_grants}, Auth0's client grants) cannot be set through this API: a client with
 * {@code update:clients} could otherwise give itself or another client any scope, including the Management API's.
 */
public final class ClientManagement {
    /** Fields Auth0 clients send that have no meaning here and are accepted and ignored. */
    static final Set<String> IGNORED = Set.of(
            "is_first_party",
            "oidc_conformant",
            "sso",
            "sso_disabled",
            "logo_uri",
            "custom_login_page_on",
            "client_metadata",
            "organization_usage",
            "organization_require_behavior",
            "initiate_login_uri",
            "global",
            "callback_url_template",
            "native_social_login",
            "mobile",
            "allowed_clients");

    static final Set<String> FIELDS = Set.of(
            "name",
            "description",
            "app_type",
            "callbacks",
            "allowed_origins",
            "web_origins",
            "allowed_logout_urls",
            "grant_types",
            "token_endpoint_auth_method",
            "cross_origin_authentication",
            "cross_origin_auth",
            "cross_origin_loc",
            "jwt_configuration",
            "refresh_token",
            "is_token_endpoint_ip_header_trusted");

    static final Set<String> APP_TYPES = Set.of("spa", "native", "regular_web", "non_interactive");
    static final Set<String> AUTH_METHODS = Set.of("none", "client_secret_post", "client_secret_basic");
    private static final int MAX_URLS = 100;
    private static final int MAX_URL_LENGTH = 2048;
    private static final long MIN_LIFETIME = 60;
    private static final long MAX_ID_TOKEN_LIFETIME = 30L * 86_400;
    private static final long MAX_REFRESH_LIFETIME = 366L * 86_400;
    private static final long DEFAULT_ACCESS_TOKEN_LIFETIME = 86_400;

    private final ClientStore store;
    private final StoredClients registry;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public ClientManagement(
            ClientStore store, StoredClients registry, AuditLog audit, Clock clock, SecureRandom random) {
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.registry = Objects.requireNonNull(registry, "registry cannot be null");
        this.audit = Objects.requireNonNull(audit, "audit cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
    }

    /** A stored client as the API shows it; {@code secret} is set only right after it was made. */
    public record View(ClientStore.Row row, ClientDefinition definition, String secret) {
        public boolean fromSettings() {
            return row.source() == ClientStore.Source.SETTINGS;
        }
    }

    public List<View> list() {
        return store.all().stream()
                .map(r -> new View(r, ClientDefinition.fromJson(r.definition()), null))
                .toList();
    }

    public View get(String clientId) {
        ClientStore.Row row = store.find(clientId).orElseThrow(() -> notFound(clientId));
        return new View(row, ClientDefinition.fromJson(row.definition()), null);
    }

    /**
     * Creates a client from an Auth0 client body. A confidential one ({@code token_endpoint_auth_method} other than
     * {@code none}) gets a new secret, returned once in the view and stored as its hash.
     */
    public View create(Map<String, Object> body, String actingClientId) {
        checkFields(body);
        Object name = body.get("name");
        if (!(name instanceof String)) {
            throw ManagementException.badRequest(
                    "invalid_body", "Payload validation error: 'Missing required property: name'.");
        }
        String appType = str(body, "app_type", "regular_web");
        if (!APP_TYPES.contains(appType)) {
            throw invalid("app_type", "one of " + APP_TYPES);
        }
        String defaultMethod = appType.equals("spa") || appType.equals("native") ? "none" : "client_secret_post";
        String method = str(body, "token_endpoint_auth_method", defaultMethod);
        List<String> defaultGrants = appType.equals("non_interactive")
                ? List.of(GrantType.CLIENT_CREDENTIALS.wireValue())
                : List.of(
                        GrantType.RESOURCE_OWNER.wireValue(),
                        GrantType.PASSWORDLESS_OTP.wireValue(),
                        GrantType.REFRESH_TOKEN.wireValue(),
                        GrantType.AUTHORIZATION_CODE.wireValue());
        ClientDefinition blank = new ClientDefinition(
                null,
                null,
                appType,
                List.of(),
                List.of(),
                List.of(),
                defaultGrants,
                false,
                false,
                36_000,
                DEFAULT_ACCESS_TOKEN_LIFETIME,
                2_592_000,
                true,
                false,
                Map.of(),
                null);
        ClientDefinition def = apply(blank, body);
        String secret = method.equals("none") ? null : newSecret();
        checkConsistent(def, secret != null);
        String id = newClientId();
        Instant now = clock.instant();
        ClientStore.Row row = new ClientStore.Row(
                id, ClientStore.Source.API, def.toJson(), secret == null ? null : ClientSecrets.hash(secret), now, now);
        if (!store.insert(row)) {
            throw ManagementException.conflict("client_conflict", "A client with this id exists already.");
        }
        registry.refresh();
        record(AuditEvent.Type.CLIENT_CREATE, actingClientId, "client=" + id);
        return new View(row, def, secret);
    }

    /** Changes an API client; a switch between public and confidential makes or drops its secret. */
    public View update(String clientId, Map<String, Object> body, String actingClientId) {
        checkFields(body);
        ClientStore.Row row = writable(clientId);
        ClientDefinition def = apply(ClientDefinition.fromJson(row.definition()), body);
        String secretHash = row.secretHash();
        String secret = null;
        if (body.containsKey("token_endpoint_auth_method")) {
            String method = str(body, "token_endpoint_auth_method", null);
            if (method.equals("none")) {
                secretHash = null;
            } else if (secretHash == null) {
                secret = newSecret();
                secretHash = ClientSecrets.hash(secret);
            }
        }
        checkConsistent(def, secretHash != null);
        ClientStore.Row updated =
                new ClientStore.Row(clientId, row.source(), def.toJson(), secretHash, row.createdAt(), clock.instant());
        if (!store.update(updated)) {
            throw notFound(clientId);
        }
        registry.refresh();
        record(AuditEvent.Type.CLIENT_UPDATE, actingClientId, "client=" + clientId);
        return new View(updated, def, secret);
    }

    public void delete(String clientId, String actingClientId) {
        writable(clientId);
        if (!store.delete(clientId)) {
            throw notFound(clientId);
        }
        registry.refresh();
        record(AuditEvent.Type.CLIENT_DELETE, actingClientId, "client=" + clientId);
    }

    /** A new secret for a confidential API client; the old one stops working on every node at once. */
    public View rotateSecret(String clientId, String actingClientId) {
        ClientStore.Row row = writable(clientId);
        if (row.secretHash() == null) {
            throw ManagementException.badRequest(
                    "invalid_body", "The client is public (token_endpoint_auth_method none): it has no secret.");
        }
        String secret = newSecret();
        ClientStore.Row updated = new ClientStore.Row(
                clientId, row.source(), row.definition(), ClientSecrets.hash(secret), row.createdAt(), clock.instant());
        store.update(updated);
        registry.refresh();
        record(AuditEvent.Type.CLIENT_SECRET_ROTATE, actingClientId, "client=" + clientId);
        return new View(updated, ClientDefinition.fromJson(row.definition()), secret);
    }

    private ClientStore.Row writable(String clientId) {
        ClientStore.Row row = store.find(clientId).orElseThrow(() -> notFound(clientId));
        if (row.source() == ClientStore.Source.SETTINGS) {
            throw ManagementException.badRequest(
                    "operation_not_supported",
                    "The client " + clientId + " is defined in the settings file; change it there.");
        }
        return row;
    }

    private static void checkFields(Map<String, Object> body) {
        for (String key : body.keySet()) {
            if (!FIELDS.contains(key) && !IGNORED.contains(key)) {
                throw ManagementException.badRequest(
                        "invalid_body",
                        "Payload validation error: 'Additional properties not allowed: " + abbreviate(key) + "'.");
            }
        }
        if (body.containsKey("token_endpoint_auth_method")
                && !AUTH_METHODS.contains(String.valueOf(body.get("token_endpoint_auth_method")))) {
            throw invalid("token_endpoint_auth_method", "one of " + AUTH_METHODS);
        }
    }

    private static void checkConsistent(ClientDefinition def, boolean confidential) {
        if (def.grants().contains(GrantType.CLIENT_CREDENTIALS.wireValue()) && !confidential) {
            throw ManagementException.badRequest(
                    "invalid_body",
                    "The client_credentials grant is for confidential clients only "
                            + "(token_endpoint_auth_method client_secret_post or client_secret_basic).");
        }
        if (def.trustAuth0ForwardedFor() && !confidential) {
            throw invalid("is_token_endpoint_ip_header_trusted", "false for a public client");
        }
    }

    /** The definition with the body's fields applied, each checked. */
    @SuppressWarnings("unchecked")
    static ClientDefinition apply(ClientDefinition d, Map<String, Object> body) {
        String name = d.name();
        if (body.containsKey("name")) {
            name = text(body, "name", 1, 255);
        }
        String description = d.description();
        if (body.containsKey("description")) {
            description = body.get("description") == null ? null : text(body, "description", 0, 140);
        }
        String appType = d.appType();
        if (body.containsKey("app_type")) {
            appType = String.valueOf(body.get("app_type"));
            if (!APP_TYPES.contains(appType)) {
                throw invalid("app_type", "one of " + APP_TYPES);
            }
        }
        List<String> callbacks = body.containsKey("callbacks") ? urls(body, "callbacks", false) : d.callbacks();
        List<String> origins = d.allowedOrigins();
        if (body.containsKey("allowed_origins")) {
            origins = urls(body, "allowed_origins", true);
        }
        if (body.containsKey("web_origins")) {
            List<String> web = urls(body, "web_origins", true);
            List<String> merged = new ArrayList<>(body.containsKey("allowed_origins") ? origins : List.of());
            web.stream().filter(o -> !merged.contains(o)).forEach(merged::add);
            origins = merged;
        }
        List<String> logout = body.containsKey("allowed_logout_urls")
                ? urls(body, "allowed_logout_urls", false)
                : d.allowedLogoutUrls();
        List<String> grants = d.grants();
        if (body.containsKey("grant_types")) {
            grants = new ArrayList<>();
            for (String g : strings(body, "grant_types")) {
                GrantType type = GrantType.parse(g)
                        .filter(t -> t.wireValue().equals(g))
                        .orElseThrow(() -> invalid("grant_types", "grant types among " + wireGrants()));
                if (!grants.contains(type.wireValue())) {
                    grants.add(type.wireValue());
                }
            }
        }
        boolean cross = d.crossOriginAuth();
        for (String key : List.of("cross_origin_authentication", "cross_origin_auth")) {
            if (body.containsKey(key)) {
                cross = bool(body, key);
            }
        }
        long idLifetime = d.idTokenLifetimeSeconds();
        if (body.containsKey("jwt_configuration")) {
            Map<String, Object> jwt = object(body, "jwt_configuration");
            if (jwt.containsKey("lifetime_in_seconds")) {
                idLifetime = number(jwt, "jwt_configuration.lifetime_in_seconds", MIN_LIFETIME, MAX_ID_TOKEN_LIFETIME);
            }
            if (jwt.containsKey("alg") && !"RS256".equals(jwt.get("alg"))) {
                throw invalid("jwt_configuration.alg", "RS256 (id_tokens are always RS256)");
            }
        }
        long refreshLifetime = d.refreshTokenLifetimeSeconds();
        boolean rotation = d.refreshTokenRotation();
        if (body.containsKey("refresh_token")) {
            Map<String, Object> rt = object(body, "refresh_token");
            if (rt.containsKey("rotation_type")) {
                Object type = rt.get("rotation_type");
                if (!"rotating".equals(type) && !"non-rotating".equals(type)) {
                    throw invalid("refresh_token.rotation_type", "rotating or non-rotating");
                }
                rotation = "rotating".equals(type);
            }
            if (rt.containsKey("token_lifetime")) {
                refreshLifetime = number(rt, "refresh_token.token_lifetime", MIN_LIFETIME, MAX_REFRESH_LIFETIME);
            }
        }
        boolean trust = d.trustAuth0ForwardedFor();
        if (body.containsKey("is_token_endpoint_ip_header_trusted")) {
            trust = bool(body, "is_token_endpoint_ip_header_trusted");
        }
        return new ClientDefinition(
                name,
                description,
                appType,
                callbacks,
                origins,
                logout,
                grants,
                cross,
                d.allowJsonp(),
                idLifetime,
                d.accessTokenLifetimeSeconds(),
                refreshLifetime,
                rotation,
                trust,
                d.apiGrants(),
                crossOriginLoc(body, d.crossOriginLoc(), origins));
    }

    /**
     * Auth0's {@code cross_origin_loc}: a page of the app itself, so its origin must be one of the client's allowed
     * origins (the same rule as {@code clients[].cross_origin_loc} in the settings file).
     */
    private static String crossOriginLoc(Map<String, Object> body, String current, List<String> origins) {
        String loc = current;
        if (body.containsKey("cross_origin_loc")) {
            loc = body.get("cross_origin_loc") == null ? null : text(body, "cross_origin_loc", 1, MAX_URL_LENGTH);
        }
        if (loc == null) {
            return null;
        }
        try {
            URI uri = new URI(loc);
            String origin = uri.getScheme() + "://" + uri.getRawAuthority();
            if (uri.getRawAuthority() != null && origins.contains(origin)) {
                return loc;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw invalid("cross_origin_loc", "a URL on one of the client's allowed_origins");
    }

    private static List<String> wireGrants() {
        return java.util.Arrays.stream(GrantType.values())
                .map(GrantType::wireValue)
                .toList();
    }

    private static String str(Map<String, Object> body, String key, String fallback) {
        Object v = body.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw invalid(key, "a string");
        }
        return s;
    }

    private static String text(Map<String, Object> body, String key, int min, int max) {
        Object v = body.get(key);
        if (!(v instanceof String s)
                || s.length() < min
                || s.length() > max
                || s.chars().anyMatch(Character::isISOControl)) {
            throw invalid(key, "a string of " + min + " to " + max + " characters without control characters");
        }
        return s;
    }

    private static boolean bool(Map<String, Object> body, String key) {
        if (!(body.get(key) instanceof Boolean b)) {
            throw invalid(key, "true or false");
        }
        return b;
    }

    private static long number(Map<String, Object> body, String key, long min, long max) {
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        Object v = body.get(leaf);
        if (!(v instanceof Number n)
                || n.longValue() < min
                || n.longValue() > max
                || n.doubleValue() != n.longValue()) {
            throw invalid(key, "a whole number from " + min + " to " + max);
        }
        return n.longValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> body, String key) {
        if (!(body.get(key) instanceof Map<?, ?> m)) {
            throw invalid(key, "an object");
        }
        return (Map<String, Object>) m;
    }

    private static List<String> strings(Map<String, Object> body, String key) {
        if (!(body.get(key) instanceof List<?> list) || list.size() > MAX_URLS) {
            throw invalid(key, "an array of at most " + MAX_URLS + " strings");
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s) || s.length() > MAX_URL_LENGTH) {
                throw invalid(key, "an array of strings of at most " + MAX_URL_LENGTH + " characters");
            }
            out.add(s);
        }
        return out;
    }

    private static List<String> urls(Map<String, Object> body, String key, boolean originsOnly) {
        List<String> out = strings(body, key);
        for (String s : out) {
            if (!(originsOnly ? isOrigin(s) : isUrl(s))) {
                throw invalid(
                        key,
                        originsOnly
                                ? "origins: scheme, host and optional port, no path (http://localhost:3000)"
                                : "absolute http(s) URLs");
            }
        }
        return out;
    }

    static boolean isUrl(String value) {
        try {
            URI uri = new URI(value);
            return uri.getScheme() != null
                    && (uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                    && uri.getHost() != null
                    && uri.getRawUserInfo() == null
                    && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static boolean isOrigin(String value) {
        try {
            URI uri = new URI(value);
            return uri.getScheme() != null
                    && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    && uri.getHost() != null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null
                    && uri.getRawFragment() == null
                    && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static ManagementException invalid(String key, String accepted) {
        return ManagementException.badRequest(
                "invalid_body", "Payload validation error: '" + key + "' must be " + accepted + ".");
    }

    private static ManagementException notFound(String clientId) {
        return ManagementException.notFound("inexistent_client", "The client does not exist");
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private String newSecret() {
        byte[] b = new byte[48];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private String newClientId() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private void record(AuditEvent.Type type, String actingClientId, String detail) {
        try {
            audit.record(new AuditEvent(
                    clock.instant(), type, actingClientId, null, null, null, AuditEvent.Outcome.SUCCESS, detail));
        } catch (RuntimeException e) {
            // AuditLog's contract: a lost audit record never turns a request into an error.
        }
    }

    /** The Auth0 client object for a view (docs/management.md#clients). */
    public static Map<String, Object> toJson(View v) {
        ClientDefinition d = v.definition();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_id", v.row().clientId());
        m.put("name", d.name());
        if (d.description() != null) {
            m.put("description", d.description());
        }
        m.put("app_type", d.appType());
        m.put("is_first_party", true);
        m.put("oidc_conformant", true);
        m.put("callbacks", d.callbacks());
        m.put("allowed_origins", d.allowedOrigins());
        m.put("web_origins", d.allowedOrigins());
        m.put("allowed_logout_urls", d.allowedLogoutUrls());
        m.put("grant_types", d.grants());
        m.put("token_endpoint_auth_method", v.row().secretHash() == null ? "none" : "client_secret_post");
        m.put("cross_origin_authentication", d.crossOriginAuth());
        if (d.crossOriginLoc() != null) {
            m.put("cross_origin_loc", d.crossOriginLoc());
        }
        m.put("jwt_configuration", Map.of("alg", "RS256", "lifetime_in_seconds", d.idTokenLifetimeSeconds()));
        m.put(
                "refresh_token",
                Map.of(
                        "rotation_type",
                        d.refreshTokenRotation() ? "rotating" : "non-rotating",
                        "expiration_type",
                        "expiring",
                        "token_lifetime",
                        d.refreshTokenLifetimeSeconds(),
                        "infinite_token_lifetime",
                        false));
        m.put("is_token_endpoint_ip_header_trusted", d.trustAuth0ForwardedFor());
        if (v.secret() != null) {
            m.put("client_secret", v.secret());
        }
        m.put("client_metadata", Map.of("phonepass_source", v.fromSettings() ? "settings" : "api"));
        return m;
    }
}
