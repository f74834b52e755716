package org.phonepass.core.abuse;

/**
 * Hooks the abuse policy calls so the server can count refusals and breaker trips (Micrometer lives in the server,
 * not here). Implementations must be cheap and must not throw.
 */
public interface AbuseMetrics {
    /** Does nothing; for tests and deployments without metrics. */
    AbuseMetrics NONE = new AbuseMetrics() {};

    /** Where the pumping breaker watches conversion. */
    enum Scope {
        COUNTRY,
        IP
    }

    /** A request was refused; {@code reason} is a limit name or a policy name ({@code country_denied}). */
    default void refused(String reason) {}

    /** The pumping breaker started throttling sends for {@code key} (a calling code or an IP key). */
    default void breakerTripped(Scope scope, String key, long sent, long verified) {}

    /** The pumping breaker stopped throttling {@code key}: conversion recovered or volume fell. */
    default void breakerCleared(Scope scope, String key) {}
}
