package org.phonepass.server.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.store.StoreUnavailableException;
import org.phonepass.core.token.Scopes;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.ManagedUser;
import org.phonepass.core.user.UserAdminStore;
import org.phonepass.server.http.BodyPrefetchFilter;
import org.phonepass.server.http.EndpointSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Management API's HTTP routes under {@code /api/v2/} (docs/management.md): each checks the bearer token
 * (a client_credentials JWT for this API's audience whose client still exists and still holds the grant), then the
 * endpoint's scope, then calls one domain service. Every refusal is in Auth0's Management API shape.
 */
public final class ManagementApi {
    public static final String BASE = "/api/v2";
    public static final String OPENAPI_PATH = BASE + "/openapi.json";
    private static final Logger log = LoggerFactory.getLogger(ManagementApi.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private final String audience;
    private final TokenService tokens;
    private final ClientRegistry clients;
    private final UserManagement users;
    private final ClientManagement clientAdmin;
    private final ConnectionManagement connection;
    private final LogsAndStats logs;
    private final byte[] openApi;

    public ManagementApi(
            String audience,
            TokenService tokens,
            ClientRegistry clients,
            UserManagement users,
            ClientManagement clientAdmin,
            ConnectionManagement connection,
            LogsAndStats logs) {
        this.audience = Objects.requireNonNull(audience, "audience cannot be null");
        this.tokens = Objects.requireNonNull(tokens, "tokens cannot be null");
        this.clients = Objects.requireNonNull(clients, "clients cannot be null");
        this.users = Objects.requireNonNull(users, "users cannot be null");
        this.clientAdmin = Objects.requireNonNull(clientAdmin, "clientAdmin cannot be null");
        this.connection = Objects.requireNonNull(connection, "connection cannot be null");
        this.logs = Objects.requireNonNull(logs, "logs cannot be null");
        this.openApi = openApiDocument();
    }

    /** The OpenAPI 3.1 document of this API, as served at {@link #OPENAPI_PATH}. */
    public static byte[] openApiDocument() {
        try (InputStream in = ManagementApi.class.getResourceAsStream("/management/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("management/openapi.json is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read management/openapi.json", e);
        }
    }

    /** The caller of a request: the machine client and the scopes it holds now. */
    public record Caller(String clientId, Set<String> scopes) {}

    /** The routes, for the HTTP server. */
    public List<EndpointSet.Extra> routes() {
        List<EndpointSet.Extra> r = new ArrayList<>();
        r.add(new EndpointSet.Extra(
                HandlerType.GET,
                OPENAPI_PATH,
                ctx -> ctx.status(200)
                        .contentType("application/json; charset=utf-8")
                        .header("Access-Control-Allow-Origin", "*")
                        .result(openApi)));
        r.add(route(HandlerType.GET, "/users", ManagementScopes.READ_USERS, this::listUsers));
        r.add(route(
                HandlerType.POST,
                "/users",
                ManagementScopes.CREATE_USERS,
                (ctx, caller) -> send(ctx, 201, users.toJson(users.create(body(ctx), caller.clientId())))));
        r.add(route(
                HandlerType.GET,
                "/users/{id}",
                ManagementScopes.READ_USERS,
                (ctx, caller) -> send(ctx, 200, fields(ctx, users.toJson(users.get(ctx.pathParam("id")))))));
        r.add(route(
                HandlerType.PATCH,
                "/users/{id}",
                ManagementScopes.UPDATE_USERS,
                (ctx, caller) ->
                        send(ctx, 200, users.toJson(users.update(ctx.pathParam("id"), body(ctx), caller.clientId())))));
        r.add(route(HandlerType.DELETE, "/users/{id}", ManagementScopes.DELETE_USERS, (ctx, caller) -> {
            users.delete(ctx.pathParam("id"), caller.clientId());
            ctx.status(204).result("");
        }));
        r.add(route(HandlerType.GET, "/users/{id}/logs", ManagementScopes.READ_LOGS, (ctx, caller) -> {
            LogsAndStats.Page page = logs.forUser(
                    ctx.pathParam("id"),
                    integer(ctx, "page"),
                    integer(ctx, "per_page"),
                    bool(ctx, "include_totals"),
                    ctx.queryParam("sort"));
            sendLogs(ctx, page, integer(ctx, "page"), integer(ctx, "per_page"));
        }));
        r.add(route(HandlerType.GET, "/clients", ManagementScopes.READ_CLIENTS, this::listClients));
        r.add(route(
                HandlerType.POST,
                "/clients",
                ManagementScopes.CREATE_CLIENTS,
                (ctx, caller) ->
                        send(ctx, 201, ClientManagement.toJson(clientAdmin.create(body(ctx), caller.clientId())))));
        r.add(route(
                HandlerType.GET,
                "/clients/{id}",
                ManagementScopes.READ_CLIENTS,
                (ctx, caller) ->
                        send(ctx, 200, fields(ctx, ClientManagement.toJson(clientAdmin.get(ctx.pathParam("id")))))));
        r.add(route(
                HandlerType.PATCH,
                "/clients/{id}",
                ManagementScopes.UPDATE_CLIENTS,
                (ctx, caller) -> send(
                        ctx,
                        200,
                        ClientManagement.toJson(
                                clientAdmin.update(ctx.pathParam("id"), body(ctx), caller.clientId())))));
        r.add(route(HandlerType.DELETE, "/clients/{id}", ManagementScopes.DELETE_CLIENTS, (ctx, caller) -> {
            clientAdmin.delete(ctx.pathParam("id"), caller.clientId());
            ctx.status(204).result("");
        }));
        r.add(route(
                HandlerType.POST,
                "/clients/{id}/rotate-secret",
                ManagementScopes.UPDATE_CLIENTS,
                (ctx, caller) -> send(
                        ctx,
                        200,
                        ClientManagement.toJson(clientAdmin.rotateSecret(ctx.pathParam("id"), caller.clientId())))));
        r.add(route(HandlerType.GET, "/connections", ManagementScopes.READ_CONNECTIONS, (ctx, caller) -> {
            String strategy = ctx.queryParam("strategy");
            String name = ctx.queryParam("name");
            boolean match = (strategy == null || strategy.equals(ConnectionManagement.NAME))
                    && (name == null || name.equals(ConnectionManagement.NAME));
            send(ctx, 200, match ? List.of(connection.connection()) : List.of());
        }));
        r.add(route(HandlerType.GET, "/connections/{id}", ManagementScopes.READ_CONNECTIONS, (ctx, caller) -> {
            connection.requireId(ctx.pathParam("id"));
            send(ctx, 200, connection.connection());
        }));
        r.add(route(
                HandlerType.PATCH,
                "/connections/{id}",
                ManagementScopes.UPDATE_CONNECTIONS,
                (ctx, caller) -> send(ctx, 200, connection.update(ctx.pathParam("id"), body(ctx), caller.clientId()))));
        r.add(route(HandlerType.GET, "/logs", ManagementScopes.READ_LOGS, (ctx, caller) -> {
            LogsAndStats.Page page = logs.search(
                    ctx.queryParam("q"),
                    integer(ctx, "page"),
                    integer(ctx, "per_page"),
                    ctx.queryParam("from"),
                    integer(ctx, "take"),
                    bool(ctx, "include_totals"),
                    ctx.queryParam("sort"));
            sendLogs(ctx, page, integer(ctx, "page"), integer(ctx, "per_page"));
        }));
        r.add(route(
                HandlerType.GET,
                "/logs/{id}",
                ManagementScopes.READ_LOGS,
                (ctx, caller) -> send(ctx, 200, logs.toJson(logs.get(ctx.pathParam("id"))))));
        r.add(route(
                HandlerType.GET,
                "/stats/daily",
                ManagementScopes.READ_STATS,
                (ctx, caller) -> send(ctx, 200, logs.daily(ctx.queryParam("from"), ctx.queryParam("to")))));
        r.add(route(
                HandlerType.GET,
                "/stats/active-users",
                ManagementScopes.READ_STATS,
                (ctx, caller) -> send(ctx, 200, logs.activeUsers())));
        for (HandlerType method :
                List.of(HandlerType.GET, HandlerType.POST, HandlerType.PATCH, HandlerType.PUT, HandlerType.DELETE)) {
            r.add(new EndpointSet.Extra(
                    method,
                    BASE + "/<rest>",
                    ctx -> error(
                            ctx,
                            new ManagementException(
                                    404,
                                    "not_found",
                                    "No such endpoint: " + ctx.method() + " " + abbreviate(ctx.path())))));
        }
        return r;
    }

    /** A handler that gets the authenticated caller. */
    @FunctionalInterface
    interface Action {
        void handle(Context ctx, Caller caller) throws Exception;
    }

    private EndpointSet.Extra route(HandlerType method, String path, String scope, Action action) {
        Handler h = ctx -> {
            try {
                ctx.header("Cache-Control", "no-store");
                Caller caller = authorize(ctx.header("Authorization"));
                if (!caller.scopes().contains(scope)) {
                    throw new ManagementException(
                            403, "insufficient_scope", "Insufficient scope, expected any of: " + scope);
                }
                action.handle(ctx, caller);
            } catch (ManagementException e) {
                error(ctx, e);
            } catch (StoreUnavailableException e) {
                log.error("storage unavailable: {}", e.getMessage(), e.getCause());
                error(
                        ctx,
                        new ManagementException(
                                503, "temporarily_unavailable", "The service is temporarily unavailable."));
            } catch (PhonepassException e) {
                error(
                        ctx,
                        new ManagementException(
                                e.code().status(org.phonepass.core.error.ErrorCode.Dialect.OAUTH_RO),
                                e.code().wireName(org.phonepass.core.error.ErrorCode.Dialect.OAUTH_RO),
                                e.description()));
            } catch (RuntimeException e) {
                log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                error(
                        ctx,
                        new ManagementException(
                                500,
                                "internal_error",
                                "Internal error. The request id is " + ctx.res().getHeader("X-Request-Id") + "."));
            }
        };
        return new EndpointSet.Extra(method, BASE + path, h);
    }

    /**
     * The caller behind a bearer token, or the refusal: the token must be a valid client_credentials JWT for this
     * API, and its client must still exist, be confidential and hold the grant. Its scopes are narrowed to what the
     * client is granted now, so removing a grant from the settings takes effect at once, not when the token expires.
     */
    public Caller authorize(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ManagementException(401, null, "Missing authentication");
        }
        String token = authorization.substring(7).trim();
        Map<String, Object> claims = tokens.verifyAccessToken(token)
                .orElseThrow(() -> new ManagementException(401, "invalid_token", "Invalid token"));
        Object aud = claims.get("aud");
        boolean forUs = audience.equals(aud) || (aud instanceof List<?> list && list.contains(audience));
        if (!forUs) {
            throw new ManagementException(401, "invalid_token", "Bad audience: " + abbreviate(String.valueOf(aud)));
        }
        String clientId = claims.get("client_id") instanceof String s ? s : null;
        if (clientId == null
                || !TokenService.CLIENT_CREDENTIALS_GTY.equals(claims.get("gty"))
                || !TokenService.machineSubject(clientId).equals(claims.get("sub"))) {
            throw new ManagementException(401, "invalid_token", "Invalid token");
        }
        Client client = clients.findByClientId(clientId)
                .filter(Client::isConfidential)
                .filter(c -> c.allowsGrant(GrantType.CLIENT_CREDENTIALS))
                .orElseThrow(() -> new ManagementException(
                        401, "invalid_token", "Invalid token: its client no longer exists or lost its grant"));
        Set<String> scopes = new LinkedHashSet<>();
        Set<String> granted = client.grantedScopes(audience);
        for (String s : Scopes.parse(claims.get("scope") instanceof String sc ? sc : null)) {
            if (granted.contains(s) && ManagementScopes.ALL.contains(s)) {
                scopes.add(s);
            }
        }
        return new Caller(clientId, scopes);
    }

    private void listUsers(Context ctx, Caller caller) {
        int page = orDefault(integer(ctx, "page"), 0);
        int perPage = orDefault(integer(ctx, "per_page"), 50);
        boolean totals = bool(ctx, "include_totals");
        UserAdminStore.Page result = users.search(ctx.queryParam("q"), page, perPage, totals, ctx.queryParam("sort"));
        List<Map<String, Object>> list = new ArrayList<>();
        for (ManagedUser u : result.users()) {
            list.add(fields(ctx, users.toJson(u)));
        }
        if (totals) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("start", page * perPage);
            body.put("limit", perPage);
            body.put("length", list.size());
            body.put("total", result.total());
            body.put("users", list);
            send(ctx, 200, body);
        } else {
            send(ctx, 200, list);
        }
    }

    private void listClients(Context ctx, Caller caller) {
        int page = orDefault(integer(ctx, "page"), 0);
        int perPage = orDefault(integer(ctx, "per_page"), 50);
        if (perPage < 1 || perPage > 100 || page < 0) {
            throw ManagementException.badRequest("invalid_query_string", "per_page must be from 1 to 100.");
        }
        List<ClientManagement.View> all = clientAdmin.list();
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = page * perPage; i < Math.min(all.size(), (page + 1) * perPage); i++) {
            list.add(fields(ctx, ClientManagement.toJson(all.get(i))));
        }
        if (bool(ctx, "include_totals")) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("start", page * perPage);
            body.put("limit", perPage);
            body.put("length", list.size());
            body.put("total", all.size());
            body.put("clients", list);
            send(ctx, 200, body);
        } else {
            send(ctx, 200, list);
        }
    }

    private void sendLogs(Context ctx, LogsAndStats.Page page, Integer pageNo, Integer perPage) {
        List<Map<String, Object>> list = new ArrayList<>();
        page.logs().forEach(s -> list.add(fields(ctx, logs.toJson(s))));
        if (page.total() >= 0) {
            int n = orDefault(perPage, 50);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("start", orDefault(pageNo, 0) * n);
            body.put("limit", n);
            body.put("length", list.size());
            body.put("total", page.total());
            body.put("logs", list);
            send(ctx, 200, body);
        } else {
            send(ctx, 200, list);
        }
    }

    /** Auth0's {@code fields} and {@code include_fields}: the listed fields only, or all but them. */
    private static Map<String, Object> fields(Context ctx, Map<String, Object> object) {
        String fields = ctx.queryParam("fields");
        if (fields == null || fields.isBlank()) {
            return object;
        }
        Set<String> names = new LinkedHashSet<>(Arrays.asList(fields.split(",")));
        boolean include = !"false".equals(ctx.queryParam("include_fields"));
        Map<String, Object> out = new LinkedHashMap<>();
        object.forEach((k, v) -> {
            if (names.contains(k) == include) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Map<String, Object> body(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ManagementException(415, "invalid_body", "Send the body as application/json.");
        }
        byte[] bytes;
        try {
            // Gathered before the route ran (BodyPrefetchFilter): the stream itself is read already.
            bytes = BodyPrefetchFilter.gathered(ctx.req());
        } catch (IllegalStateException e) {
            throw switch (e.getMessage()) {
                case "TOO_LARGE" -> new ManagementException(413, "invalid_body", "The request body is too large.");
                case "TIMEOUT" ->
                    new ManagementException(408, "invalid_body", "The request body did not arrive in time.");
                default -> ManagementException.badRequest("invalid_body", "The body could not be read.");
            };
        }
        try {
            Map<String, Object> body = JSON.readValue(bytes, new TypeReference<LinkedHashMap<String, Object>>() {});
            if (body == null) {
                throw ManagementException.badRequest("invalid_body", "The body must be a JSON object.");
            }
            return body;
        } catch (IOException e) {
            throw ManagementException.badRequest("invalid_body", "The body must be a JSON object.");
        }
    }

    private static Integer integer(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ManagementException.badRequest("invalid_query_string", name + " must be a whole number.");
        }
    }

    private static boolean bool(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty() || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw ManagementException.badRequest("invalid_query_string", name + " must be true or false.");
    }

    private static int orDefault(Integer v, int fallback) {
        return v == null ? fallback : v;
    }

    private static void send(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json; charset=utf-8").result(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

    /** Writes a refusal in Auth0's Management API shape. */
    public static void error(Context ctx, ManagementException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("statusCode", e.status());
        body.put("error", e.error());
        body.put("message", e.getMessage());
        if (e.errorCode() != null) {
            body.put("errorCode", e.errorCode());
        }
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        ctx.status(e.status())
                .contentType("application/json; charset=utf-8")
                .result(new String(writeBytes(body), StandardCharsets.UTF_8));
    }

    private static byte[] writeBytes(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
