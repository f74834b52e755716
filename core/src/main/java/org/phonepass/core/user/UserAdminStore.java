package org.phonepass.core.user;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the management API does to users (docs/management.md#users), beside the login path's {@link UserStore}.
 * Safe for concurrent use across nodes.
 */
public interface UserAdminStore {
    /** The sort orders offered, as {@code field:1} (ascending) or {@code field:-1}. */
    enum SortField {
        CREATED_AT,
        UPDATED_AT,
        LAST_LOGIN,
        LOGINS_COUNT,
        PHONE_NUMBER,
        USER_ID
    }

    /** One page of a search; {@code total} is -1 when not asked for. */
    record Page(List<ManagedUser> users, long total) {
        public Page {
            users = List.copyOf(users);
        }
    }

    Page search(UserQuery query, SortField sort, boolean ascending, int offset, int limit, boolean withTotal);

    Optional<ManagedUser> find(String id);

    /**
     * Creates a user for a number before its first login (sign-ups off), or empty when the number has one already.
     */
    Optional<ManagedUser> create(
            String id, String phoneE164, String userMetadata, String appMetadata, boolean blocked, Instant now);

    /** What a PATCH changes; a null field is left as it is. */
    record Change(String phoneE164, Boolean blocked, String userMetadata, String appMetadata) {}

    /** The outcome of {@link #update}. */
    enum UpdateOutcome {
        UPDATED,
        NOT_FOUND,
        PHONE_TAKEN
    }

    /**
     * Applies the change. Blocking ends the user's refresh tokens and opaque access tokens in the same transaction;
     * a new number ends them too (they were issued for the old one) and retires the old number's codes.
     */
    UpdateOutcome update(String id, Change change, Instant now);

    /**
     * Erases the user: the profile, refresh and access tokens, and the codes of the number. Audit events stay; they
     * hold the number masked to its last digits only. Returns false when there was no such user.
     */
    boolean delete(String id);

    /** Users created per UTC day in {@code [from, to)}, keyed by the day's ISO date. */
    java.util.Map<String, Long> signupsPerDay(Instant from, Instant to);

    /** Users whose last login is at or after {@code since}. */
    long activeSince(Instant since);
}
