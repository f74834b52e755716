package org.phonepass.core.user;

/**
 * Told when an operator blocks or deletes a user (docs/management.md#blocking), after the store has changed, so that
 * what lives outside the user store ends too: server sessions of the hosted login pages, caches. Refresh tokens and
 * opaque access tokens are ended by the store itself. A listener must not throw; a failure it cannot handle is its to
 * log.
 */
public interface UserLifecycleListener {
    /** The user (wire id {@code sms|...}) was blocked: every session of theirs must end now. */
    void userBlocked(String userId);

    /** The user was deleted: every session and anything else kept about them must go. */
    void userDeleted(String userId);
}
