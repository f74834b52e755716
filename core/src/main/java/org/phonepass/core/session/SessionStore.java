package org.phonepass.core.session;

import java.time.Instant;
import java.util.Optional;

/**
 * Server sessions, stored by the key of their cookie value ({@code OpaqueTokens.key}). Safe for concurrent use across
 * nodes.
 */
public interface SessionStore {
    void save(byte[] idKey, SessionRecord session);

    /** The live session (before its idle expiry, which is never past the absolute one). */
    Optional<SessionRecord> find(byte[] idKey, Instant now);

    /** Moves the idle expiry of a session (the caller caps it at the absolute expiry); false when unknown. */
    boolean extend(byte[] idKey, Instant idleExpiresAt);

    /** Ends one session; false when unknown. */
    boolean delete(byte[] idKey);

    /** Ends every session of a user (blocked or deleted): answers how many there were. */
    int deleteForUser(String userId);

    /** Deletes the sessions whose idle expiry is before {@code cutoff}. */
    int deleteExpired(Instant cutoff);
}
