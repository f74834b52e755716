package org.phonepass.core.user;

import java.time.Instant;
import java.util.Optional;

/** Users, one per phone number. Safe for concurrent use. */
public interface UserStore {
    Optional<User> findById(String id);

    Optional<User> findByPhone(String phoneE164);

    /**
     * Records a successful login in one atomic step: creates the user when {@code createIfMissing} and none exists
     * for the phone (two concurrent first logins create exactly one user), otherwise increments the login count and
     * sets last login and IP. Returns the user as stored, or empty when it does not exist and may not be created.
     *
     * @param newId the id to use if the user is created
     */
    Optional<User> recordLogin(String phoneE164, String newId, String ip, Instant now, boolean createIfMissing);

    /**
     * Whether the user of this number was blocked through the management API (docs/management.md#blocking); false
     * for an unknown number. Stores without blocking answer false.
     */
    default boolean isBlocked(String phoneE164) {
        return false;
    }

    /**
     * What {@link #recordLoginUnlessBlocked} did.
     *
     * @param user    the user as stored, or empty when blocked, or unknown and not created
     * @param blocked the user is blocked, and nothing was written
     */
    record Login(Optional<User> user, boolean blocked) {
        public static final Login BLOCKED = new Login(Optional.empty(), true);

        public Login {
            java.util.Objects.requireNonNull(user, "user cannot be null");
        }
    }

    /**
     * {@link #recordLogin} unless the user is blocked (docs/management.md#blocking), in which case nothing is written.
     * This default asks {@link #isBlocked} first; a store that can check and write in one statement overrides it (on
     * PostgreSQL that is one round trip less per login, docs/benchmarks.md).
     */
    default Login recordLoginUnlessBlocked(
            String phoneE164, String newId, String ip, Instant now, boolean createIfMissing) {
        if (isBlocked(phoneE164)) {
            return Login.BLOCKED;
        }
        return new Login(recordLogin(phoneE164, newId, ip, now, createIfMissing), false);
    }
}
