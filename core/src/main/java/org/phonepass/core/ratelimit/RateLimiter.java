package org.phonepass.core.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.phonepass.core.abuse.SlidingWindowCounter;

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
 *   <li>A refused {@code tryAcquire} takes nothing; a refused {@link #acquireAll} leaves every bucket as it
 *       found it.</li>
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

    /**
     * One request's limits at once: runs the steps in order, a take as {@link #tryAcquire} and a look as
     * {@link #peek}. At the first step that is not allowed, the tokens the earlier takes got are given back and no
     * later step runs, so a refused request spends none of the budgets checked before the one that refused it.
     *
     * <p>The default makes one call per step. An implementation over a remote backend makes one round trip for
     * all of them (Redis: one script, atomic as a whole, so no other node sees the tokens taken and given back).
     *
     * @return the decisions of the steps that ran, in order; the last is the refusal when there was one
     */
    default List<Decision> acquireAll(List<Step> steps) {
        List<Decision> decisions = new ArrayList<>(steps.size());
        for (Step step : steps) {
            Decision d = step.take() ? tryAcquire(step.key(), step.limit()) : peek(step.key(), step.limit());
            decisions.add(d);
            if (!d.allowed()) {
                for (Step earlier : steps.subList(0, decisions.size() - 1)) {
                    if (earlier.take()) {
                        refund(earlier.key(), earlier.limit(), 1);
                    }
                }
                break;
            }
        }
        return decisions;
    }

    /**
     * The writes after an accepted code, as one call: forgets the {@code resets} buckets (as {@link #reset}) and
     * increments {@code counts} on {@code counter} (as {@link SlidingWindowCounter#incrementAll}). Where the
     * counter lives in the same backend as this limiter (it came from the same storage), an implementation over a
     * remote backend makes one round trip for both (Redis: one script; PostgreSQL: one transaction), as
     * {@link #acquireAll} does for the checks. The default makes the calls one after the other.
     */
    default void resetAndCount(List<Reset> resets, SlidingWindowCounter counter, List<String> counts) {
        for (Reset bucket : resets) {
            reset(bucket.key(), bucket.limit());
        }
        if (!counts.isEmpty()) {
            counter.incrementAll(counts);
        }
    }

    /** A bucket for {@link #resetAndCount} to forget: the caller's key under a limit. */
    record Reset(String key, Limit limit) {
        public Reset {
            Objects.requireNonNull(key, "key cannot be null");
            Objects.requireNonNull(limit, "limit cannot be null");
        }
    }

    /** One step of {@link #acquireAll}: take a token from the bucket of {@code key} and {@code limit}, or look. */
    record Step(String key, Limit limit, boolean take) {
        public Step {
            Objects.requireNonNull(key, "key cannot be null");
            Objects.requireNonNull(limit, "limit cannot be null");
        }

        public static Step take(String key, Limit limit) {
            return new Step(key, limit, true);
        }

        public static Step look(String key, Limit limit) {
            return new Step(key, limit, false);
        }
    }
}
