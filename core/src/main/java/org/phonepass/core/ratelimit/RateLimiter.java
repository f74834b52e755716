package org.phonepass.core.ratelimit;

/**
 * Token buckets keyed by a string, one bucket per (limit, key) pair: the seam between the abuse policy and where
 * the counts live.
 *
 * <p>Contract, checked by the contract test suite every implementation runs ({@code RateLimiterContract} in the
 * {@code limits} module's tests):
 * <ul>
 *   <li>Semantics are those of {@link Limit}: capacity tokens, smooth refill of capacity per period. An unknown key
 *       starts full.</li>
 *   <li>Safe for concurrent use: however many threads call {@link #tryAcquire} on one key, no more than the
 *       capacity plus what refilled meanwhile is ever granted.</li>
 *   <li>An implementation over a shared backend (PostgreSQL, Redis) makes the limits hold across every node that
 *       shares it; the embedded implementation holds per process only.</li>
 *   <li>A refused {@code tryAcquire} takes nothing.</li>
 *   <li>Implementations may forget a bucket once it has refilled completely, since a full bucket and an unknown
 *       key behave the same; that is how memory and storage stay bounded.</li>
 * </ul>
 * Keys are opaque to the limiter; callers namespace them ({@code ip:203.0.113.7}, {@code phone:+447700900123}).
 */
public interface RateLimiter {

    /** Takes one token if one is available. */
    Decision tryAcquire(String key, Limit limit);

    /** Reports the bucket without taking anything; {@code allowed} says whether a token is available now. */
    Decision peek(String key, Limit limit);

    /**
     * Gives back {@code tokens} taken earlier (never beyond capacity), used when a later check refused the same
     * request so that a refused request does not spend the budgets checked before it.
     */
    void refund(String key, Limit limit, long tokens);

    /** Forgets the bucket: the key starts full again. */
    void reset(String key, Limit limit);
}
