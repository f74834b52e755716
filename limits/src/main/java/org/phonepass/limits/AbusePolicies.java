package org.phonepass.limits;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.phonepass.core.abuse.AbuseMetrics;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.ratelimit.RateLimiter;

/** Wiring for the server: the policy from the settings, with embedded or shared state. */
public final class AbusePolicies {
    /** Slices per pumping window: a 1h window moves in 5-minute steps. */
    public static final int COUNTER_SLICES = 12;

    private AbusePolicies() {}

    /**
     * The remote checks switched on in the settings, in the order they run: bot check, then pre-send hook. The HTTP
     * client is built only when one of them is on (building one costs a tenth of a second at start-up), and shared.
     */
    public static List<StartScreen> screens(LimitsSettings settings, Supplier<HttpClient> http, ObjectMapper json) {
        boolean botCheck = Boolean.TRUE.equals(settings.botCheck().enabled());
        boolean hook = Boolean.TRUE.equals(settings.preSendHook().enabled());
        HttpClient client = botCheck || hook ? http.get() : null;
        List<StartScreen> screens = new ArrayList<>(2);
        if (botCheck) {
            screens.add(new SiteverifyBotCheck(settings.botCheck(), client, json));
        }
        if (hook) {
            screens.add(new PreSendHook(settings.preSendHook(), client, json));
        }
        return screens;
    }

    /**
     * A single node's policy: Bucket4j buckets and counters in this process, bounded by {@code limits.max_keys}.
     * The settings are validated by the caller once, when they are loaded ({@link LimitsSettings#validate()}).
     */
    public static DefaultAbusePolicy embedded(
            LimitsSettings settings,
            PhoneNumberParser phones,
            Supplier<HttpClient> http,
            ObjectMapper json,
            AuditLog audit,
            AbuseMetrics metrics,
            Clock clock) {
        RateLimiter limiter = new BucketRateLimiter(clock, settings.maxKeys());
        SlidingWindowCounter counter = new InMemorySlidingWindowCounter(
                clock, settings.pumping().window(), COUNTER_SLICES, settings.maxKeys());
        return shared(settings, limiter, counter, phones, http, json, audit, metrics, clock);
    }

    /** A policy over given state, for example the PostgreSQL or Redis limiter and counter shared by all nodes. */
    public static DefaultAbusePolicy shared(
            LimitsSettings settings,
            RateLimiter limiter,
            SlidingWindowCounter counter,
            PhoneNumberParser phones,
            Supplier<HttpClient> http,
            ObjectMapper json,
            AuditLog audit,
            AbuseMetrics metrics,
            Clock clock) {
        return new DefaultAbusePolicy(
                settings, limiter, counter, phones::type, screens(settings, http, json), audit, metrics, clock);
    }
}
