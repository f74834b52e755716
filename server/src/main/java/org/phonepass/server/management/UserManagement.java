package org.phonepass.server.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.user.ManagedUser;
import org.phonepass.core.user.Profiles;
import org.phonepass.core.user.User;
import org.phonepass.core.user.UserAdminStore;
import org.phonepass.core.user.UserLifecycleListener;
import org.phonepass.core.user.UserQuery;
import org.phonepass.core.user.UserQueryParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users through the management API (docs/management.md#users): search, read, pre-provision, change (block, metadata,
 * number) and erase, each write audited with the acting client. Blocking and deleting end the user's tokens in the
 * store and then tell the {@link UserLifecycleListener}s, which end what lives elsewhere (server sessions).
 */
public final class UserManagement {
    private static final Logger log = LoggerFactory.getLogger(UserManagement.class);
    private static final String PREFIX = User.CONNECTION + "|";
    /** Auth0's own ceiling: a search reads at most the first 1000 results, and 100 per page. */
    public static final int MAX_PER_PAGE = 100;

    public static final int MAX_RESULTS = 1_000;
    /** Largest {@code user_metadata} or {@code app_metadata}, as JSON text. */
    static final int MAX_METADATA_CHARS = 8_192;

    static final Set<String> CREATE_FIELDS = Set.of(
            "phone_number",
            "connection",
            "user_metadata",
            "app_metadata",
            "blocked",
            "phone_verified",
            "verify_phone_number");
    static final Set<String> UPDATE_FIELDS =
            Set.of("phone_number", "connection", "user_metadata", "app_metadata", "blocked", "phone_verified");

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final UserAdminStore store;
    private final PhoneNumberParser phones;
    private final Profiles profiles;
    private final AuditLog audit;
    private final List<UserLifecycleListener> listeners;
    private final Clock clock;
    private final SecureRandom random;

    public UserManagement(
            UserAdminStore store,
            PhoneNumberParser phones,
            Profiles profiles,
            AuditLog audit,
            List<UserLifecycleListener> listeners,
            Clock clock,
            SecureRandom random) {
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.phones = Objects.requireNonNull(phones, "phones cannot be null");
        this.profiles = Objects.requireNonNull(profiles, "profiles cannot be null");
        this.audit = Objects.requireNonNull(audit, "audit cannot be null");
        this.listeners = new java.util.concurrent.CopyOnWriteArrayList<>(listeners);
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
    }

    /**
     * Adds a listener told of every block and delete from now on, such as the store of the hosted login pages'
     * server sessions, which must end with the user's access.
     */
    public void addListener(UserLifecycleListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener cannot be null"));
    }

    /**
     * A search. {@code sort} is {@code field:1} or {@code field:-1}; {@code q} the Lucene subset of
     * {@link UserQueryParser}.
     */
    public UserAdminStore.Page search(String q, int page, int perPage, boolean includeTotals, String sort) {
        UserQuery query;
        try {
            query = UserQueryParser.parse(q);
        } catch (UserQueryParser.InvalidQueryException e) {
            throw ManagementException.badRequest("invalid_query_string", e.getMessage());
        }
        if (perPage < 0 || perPage > MAX_PER_PAGE) {
            throw ManagementException.badRequest(
                    "invalid_query_string", "per_page must be from 0 to " + MAX_PER_PAGE + ".");
        }
        if (page < 0 || (long) (page + 1) * perPage > MAX_RESULTS) {
            throw ManagementException.badRequest(
                    "invalid_paging",
                    "You can only page through the first " + MAX_RESULTS + " records. Narrow the search with q.");
        }
        UserAdminStore.SortField field = UserAdminStore.SortField.CREATED_AT;
        boolean ascending = false;
        if (sort != null && !sort.isEmpty()) {
            int colon = sort.lastIndexOf(':');
            String name = colon < 0 ? sort : sort.substring(0, colon);
            String dir = colon < 0 ? "1" : sort.substring(colon + 1);
            field = java.util.Arrays.stream(UserAdminStore.SortField.values())
                    .filter(f -> f.name().toLowerCase(Locale.ROOT).equals(name))
                    .findFirst()
                    .orElseThrow(() -> ManagementException.badRequest(
                            "invalid_query_string",
                            "sort must be field:1 or field:-1 with a field among created_at, updated_at, last_login, "
                                    + "logins_count, phone_number, user_id."));
            if (!dir.equals("1") && !dir.equals("-1")) {
                throw ManagementException.badRequest("invalid_query_string", "sort direction must be 1 or -1.");
            }
            ascending = dir.equals("1");
        }
        return store.search(query, field, ascending, page * perPage, perPage, includeTotals);
    }

    public ManagedUser get(String userId) {
        return store.find(localId(userId)).orElseThrow(UserManagement::notFound);
    }

    /**
     * Pre-provisions a number (for deployments whose sign-ups are off): the user exists before the first login.
     *
     * @throws ManagementException 409 when the number has a user already
     */
    public ManagedUser create(Map<String, Object> body, String actingClientId) {
        checkFields(body, CREATE_FIELDS);
        connection(body);
        if (body.get("phone_number") == null) {
            throw ManagementException.badRequest(
                    "invalid_body", "Payload validation error: 'Missing required property: phone_number'.");
        }
        PhoneNumber phone = phone(body.get("phone_number"));
        String userMeta = mergedMetadata(null, body, "user_metadata");
        String appMeta = mergedMetadata(null, body, "app_metadata");
        boolean blocked = body.containsKey("blocked") && bool(body, "blocked");
        byte[] b = new byte[12];
        random.nextBytes(b);
        ManagedUser created = store.create(
                        HexFormat.of().formatHex(b), phone.e164(), userMeta, appMeta, blocked, clock.instant())
                .orElseThrow(() -> ManagementException.conflict("auth0_idp_error", "The user already exists."));
        record(
                AuditEvent.Type.USER_CREATE,
                actingClientId,
                phone,
                created.user().userId(),
                null);
        return created;
    }

    /** Applies an Auth0 user PATCH body: {@code blocked}, {@code user_metadata}, {@code app_metadata}, {@code phone_number}. */
    public ManagedUser update(String userId, Map<String, Object> body, String actingClientId) {
        checkFields(body, UPDATE_FIELDS);
        connection(body);
        String id = localId(userId);
        ManagedUser before = store.find(id).orElseThrow(UserManagement::notFound);
        PhoneNumber phone = body.containsKey("phone_number") ? phone(body.get("phone_number")) : null;
        Boolean blocked = body.containsKey("blocked") ? bool(body, "blocked") : null;
        UserAdminStore.Change change = new UserAdminStore.Change(
                phone == null ? null : phone.e164(),
                blocked,
                body.containsKey("user_metadata")
                        ? nonNull(mergedMetadata(before.userMetadata(), body, "user_metadata"))
                        : null,
                body.containsKey("app_metadata")
                        ? nonNull(mergedMetadata(before.appMetadata(), body, "app_metadata"))
                        : null);
        UserAdminStore.UpdateOutcome outcome = store.update(id, change, clock.instant());
        switch (outcome) {
            case NOT_FOUND -> throw notFound();
            case PHONE_TAKEN ->
                throw ManagementException.conflict("auth0_idp_error", "Another user has this phone number already.");
            default -> {}
        }
        PhoneNumber masked = phones.parse(before.user().phone()).orElse(null);
        String wire = before.user().userId();
        if (Boolean.TRUE.equals(blocked) && !before.blocked()) {
            record(AuditEvent.Type.USER_BLOCK, actingClientId, masked, wire, null);
            listeners.forEach(l -> tell(() -> l.userBlocked(wire)));
        } else if (Boolean.FALSE.equals(blocked) && before.blocked()) {
            record(AuditEvent.Type.USER_UNBLOCK, actingClientId, masked, wire, null);
        }
        if (phone != null || change.userMetadata() != null || change.appMetadata() != null) {
            String fields = String.join(
                    ",",
                    body.keySet().stream()
                            .filter(k -> !k.equals("blocked"))
                            .sorted()
                            .toList());
            record(AuditEvent.Type.USER_UPDATE, actingClientId, masked, wire, "fields=" + fields);
            if (phone != null && !phone.e164().equals(before.user().phone())) {
                // Tokens of the old number ended in the store; sessions must end as well.
                listeners.forEach(l -> tell(() -> l.userBlocked(wire)));
            }
        }
        return store.find(id).orElseThrow(UserManagement::notFound);
    }

    /** Erases the user (docs/management.md#deleting-a-user); the audit events stay, with the number masked. */
    public void delete(String userId, String actingClientId) {
        String id = localId(userId);
        ManagedUser before = store.find(id).orElseThrow(UserManagement::notFound);
        if (!store.delete(id)) {
            throw notFound();
        }
        String wire = before.user().userId();
        record(
                AuditEvent.Type.USER_DELETE,
                actingClientId,
                phones.parse(before.user().phone()).orElse(null),
                wire,
                null);
        listeners.forEach(l -> tell(() -> l.userDeleted(wire)));
    }

    /** The Auth0 user object, with {@code blocked} and the metadata. */
    public Map<String, Object> toJson(ManagedUser u) {
        Map<String, Object> m = new LinkedHashMap<>(profiles.fullProfile(u.user()));
        m.put("blocked", u.blocked());
        m.put("user_metadata", parse(u.userMetadata()));
        m.put("app_metadata", parse(u.appMetadata()));
        return m;
    }

    private static Map<String, Object> parse(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    /**
     * Auth0's merge: the object's top-level properties replace the stored ones, a null property removes one, and an
     * empty object clears them all. Null when the body has no such key.
     */
    private static String mergedMetadata(String stored, Map<String, Object> body, String key) {
        if (!body.containsKey(key)) {
            return null;
        }
        Object v = body.get(key);
        if (!(v instanceof Map<?, ?> patch)) {
            throw ManagementException.badRequest(
                    "invalid_body", "Payload validation error: '" + key + "' must be an object.");
        }
        Map<String, Object> merged = new LinkedHashMap<>(patch.isEmpty() ? Map.of() : parse(stored));
        patch.forEach((k, val) -> {
            if (val == null) {
                merged.remove(String.valueOf(k));
            } else {
                merged.put(String.valueOf(k), val);
            }
        });
        String json;
        try {
            json = JSON.writeValueAsString(merged);
        } catch (JsonProcessingException e) {
            throw ManagementException.badRequest("invalid_body", key + " cannot be stored.");
        }
        if (json.length() > MAX_METADATA_CHARS) {
            throw ManagementException.badRequest(
                    "invalid_body", key + " is larger than " + MAX_METADATA_CHARS + " characters as JSON.");
        }
        return json;
    }

    private static String nonNull(String s) {
        return s == null ? "{}" : s;
    }

    private PhoneNumber phone(Object raw) {
        if (!(raw instanceof String s)) {
            throw ManagementException.badRequest("invalid_body", "phone_number must be a string in E.164 form.");
        }
        Optional<PhoneNumber> parsed = phones.parse(s);
        if (parsed.isEmpty() || !parsed.get().e164().equals(s)) {
            throw ManagementException.badRequest(
                    "invalid_body", "phone_number must be a valid number in E.164 form, such as +15555550123.");
        }
        return parsed.get();
    }

    private static void connection(Map<String, Object> body) {
        Object c = body.get("connection");
        if (c != null && !User.CONNECTION.equals(c)) {
            throw ManagementException.badRequest("invalid_body", "The only connection is sms.");
        }
    }

    private static boolean bool(Map<String, Object> body, String key) {
        if (!(body.get(key) instanceof Boolean b)) {
            throw ManagementException.badRequest(
                    "invalid_body", "Payload validation error: '" + key + "' must be true or false.");
        }
        return b;
    }

    private static void checkFields(Map<String, Object> body, Set<String> allowed) {
        for (String key : body.keySet()) {
            if (!allowed.contains(key)) {
                throw ManagementException.badRequest(
                        "invalid_body",
                        "Payload validation error: 'Additional properties not allowed: "
                                + (key.length() > 60 ? key.substring(0, 60) + "..." : key) + "'.");
            }
        }
    }

    /** The store's id of a wire id ({@code sms|<24 hex>}); anything else is an unknown user. */
    static String localId(String userId) {
        if (userId == null || !userId.startsWith(PREFIX) || userId.length() > 64) {
            throw notFound();
        }
        return userId.substring(PREFIX.length());
    }

    private static ManagementException notFound() {
        return ManagementException.notFound("inexistent_user", "The user does not exist.");
    }

    private void tell(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("a user lifecycle listener failed: {}", e.getMessage(), e);
        }
    }

    private void record(AuditEvent.Type type, String actingClientId, PhoneNumber phone, String userId, String detail) {
        try {
            audit.record(AuditEvent.of(
                            clock.instant(), type, actingClientId, phone, null, AuditEvent.Outcome.SUCCESS, detail)
                    .withUserId(userId));
        } catch (RuntimeException e) {
            // AuditLog's contract: a lost audit record never turns a request into an error.
        }
    }
}
