package org.phonepass.core.session;

import java.time.Duration;
import java.util.Objects;

/**
 * How long sessions and login transactions live (docs/configuration.md, {@code session.*}).
 *
 * @param idleLifetime        a session unused this long ends (Auth0's default: 3 days)
 * @param absoluteLifetime    a session ends this long after the sign-in, used or not (Auth0's default: 30 days)
 * @param transactionLifetime how long a person has to sign in on the hosted pages once the app sent them there
 */
public record SessionSettings(Duration idleLifetime, Duration absoluteLifetime, Duration transactionLifetime) {
    public static final SessionSettings DEFAULTS =
            new SessionSettings(Duration.ofDays(3), Duration.ofDays(30), Duration.ofMinutes(30));

    public SessionSettings {
        Objects.requireNonNull(idleLifetime, "idleLifetime cannot be null");
        Objects.requireNonNull(absoluteLifetime, "absoluteLifetime cannot be null");
        Objects.requireNonNull(transactionLifetime, "transactionLifetime cannot be null");
    }
}
