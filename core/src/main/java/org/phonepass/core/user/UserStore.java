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
}
