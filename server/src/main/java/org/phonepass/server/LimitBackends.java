package org.phonepass.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.function.Supplier;
import org.phonepass.core.abuse.AbuseMetrics;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.ratelimit.RateLimiter;
import org.phonepass.limits.AbusePolicies;
import org.phonepass.limits.DefaultAbusePolicy;
import org.phonepass.limits.LimitsSettings;
import org.phonepass.store.redis.RedisStorage;
import org.phonepass.store.sql.JdbcRateLimiter;
import org.phonepass.store.sql.JdbcSlidingWindowCounter;
import org.phonepass.store.sql.SqlStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the abuse limits (token buckets and the pumping breaker's counters) live, chosen from the settings:
 * <ol>
 *   <li>{@code redis.url} set: in Redis, shared by every node, with native expiry;</li>
 *   <li>else {@code storage.type: postgres}: in PostgreSQL, shared by every node;</li>
 *   <li>else in this process, which is right for the single embedded node and wrong for several nodes.</li>
 * </ol>
 * The order follows the data's nature: buckets are hot, short-lived writes that Redis absorbs best, and with
 * PostgreSQL alone they still hold across nodes. Limits that held per node only would multiply with the number of
 * nodes (an attacker spreading guesses over three nodes would get three times the budget), which is why the
 * embedded limiter is never used with a shared store.
 */
final class LimitBackends {
    private static final Logger log = LoggerFactory.getLogger(LimitBackends.class);

    /** The chosen policy and the periodic clean-up its backend needs (nothing for Redis and memory). */
    record Chosen(DefaultAbusePolicy policy, String where, Runnable sweep) {}

    private LimitBackends() {}

    static Chosen choose(
            LimitsSettings settings,
            SqlStorage storage,
            boolean postgres,
            RedisStorage redis,
            PhoneNumberParser phones,
            Supplier<HttpClient> http,
            ObjectMapper json,
            AuditLog audit,
            AbuseMetrics metrics,
            Clock clock) {
        // The settings were validated when they were loaded (SettingsValidator).
        Chosen chosen;
        if (redis != null) {
            RateLimiter limiter = redis.rateLimiter(clock);
            SlidingWindowCounter counter =
                    redis.slidingWindowCounter(clock, settings.pumping().window(), AbusePolicies.COUNTER_SLICES);
            chosen = new Chosen(
                    AbusePolicies.shared(settings, limiter, counter, phones, http, json, audit, metrics, clock),
                    "Redis (shared by every node)",
                    () -> {});
        } else if (postgres) {
            JdbcRateLimiter limiter = storage.rateLimiter(clock);
            JdbcSlidingWindowCounter counter =
                    storage.slidingWindowCounter(clock, settings.pumping().window(), AbusePolicies.COUNTER_SLICES);
            chosen = new Chosen(
                    AbusePolicies.shared(settings, limiter, counter, phones, http, json, audit, metrics, clock),
                    "PostgreSQL (shared by every node)",
                    () -> {
                        limiter.deleteFull();
                        counter.deleteForgotten();
                    });
        } else {
            chosen = new Chosen(
                    AbusePolicies.embedded(settings, phones, http, json, audit, metrics, clock),
                    "memory (this node only)",
                    () -> {});
        }
        log.info("abuse limits kept in {}", chosen.where());
        return chosen;
    }
}
