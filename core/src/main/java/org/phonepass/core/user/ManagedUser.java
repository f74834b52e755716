package org.phonepass.core.user;

import java.util.Objects;

/**
 * A user as the management API sees it: the login record and what operators set on it.
 *
 * @param user         the login record
 * @param blocked      whether logins are refused (docs/management.md#blocking)
 * @param userMetadata Auth0's {@code user_metadata}: a JSON object as text, or null
 * @param appMetadata  Auth0's {@code app_metadata}: a JSON object as text, or null
 */
public record ManagedUser(User user, boolean blocked, String userMetadata, String appMetadata) {
    public ManagedUser {
        Objects.requireNonNull(user, "user cannot be null");
    }
}
