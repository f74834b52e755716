package org.phonepass.core.session;

import java.time.Instant;
import java.util.Objects;

/**
 * A server session (docs/hosted-login.md#sessions), stored by the hash of the random id its cookie holds.
 *
 * @param sid               public id, the id_token's {@code sid} claim; not the cookie's value
 * @param userId            the Auth0-style user id ({@code sms|...})
 * @param authTime          when the person proved the number
 * @param idleExpiresAt     when it ends unless used before; never after {@code absoluteExpiresAt}
 * @param absoluteExpiresAt when it ends however much it is used
 */
public record SessionRecord(
        String sid, String userId, Instant authTime, Instant idleExpiresAt, Instant absoluteExpiresAt) {
    public SessionRecord {
        Objects.requireNonNull(sid, "sid cannot be null");
        Objects.requireNonNull(userId, "userId cannot be null");
        Objects.requireNonNull(authTime, "authTime cannot be null");
        Objects.requireNonNull(idleExpiresAt, "idleExpiresAt cannot be null");
        Objects.requireNonNull(absoluteExpiresAt, "absoluteExpiresAt cannot be null");
        if (idleExpiresAt.isAfter(absoluteExpiresAt)) {
            idleExpiresAt = absoluteExpiresAt;
        }
    }

    public boolean isLive(Instant now) {
        return now.isBefore(idleExpiresAt);
    }
}
