package org.phonepass.limits;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.phonepass.core.abuse.AbuseMetrics;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.ratelimit.RateLimiter;
import org.phonepass.core.abuse.SlidingWindowCounter;

/** Wiring for the server: the policy from the settings, with embedded or shared state. */
public final class AbusePolicies {
    /** Slices per pumping window: a 1h window moves in 5-minute steps. */
    public static final int COUNTER_SLICES = 12;

    private AbusePolicies() {
    }

    /** The remote checks switched on in the settings, in the order they run: bot check, then pre-send hook. */
    public static List<StartScreen> screens(LimitsSettings settings, HttpClient http, ObjectMapper json) {
        List<StartScreen> screens = new ArrayList<>(2);
        if (Boolean.TRUE.equals(settings.botCheck().enabled())) {
            screens.add(new SiteverifyBotCheck(settings.botCheck(), http, json));
        }
        if (Boolean.TRUE.equals(settings.preSendHook().enabled())) {
            screens.add(new PreSendHook(settings.preSendHook(), http, json));
        }
        return screens;
    }

    /** A single node's policy: Bucket4j buckets and counters in this process, bounded by {@code limits.max_keys}. */
    public static DefaultAbusePolicy embedded(LimitsSettings settings, PhoneNumberParser phones, HttpClient http,
                                              ObjectMapper json, AuditLog audit, AbuseMetrics metrics, Clock clock) {
        settings.validate();
        RateLimiter limiter = new BucketRateLimiter(clock, settings.maxKeys());
        SlidingWindowCounter counter = new InMemorySlidingWindowCounter(clock, settings.pumping().window(),
                COUNTER_SLICES, settings.maxKeys());
        return shared(settings, limiter, counter, phones, http, json, audit, metrics, clock);
    }

    /** A policy over given state, for example the PostgreSQL or Redis limiter and counter shared by all nodes. */
    public static DefaultAbusePolicy shared(LimitsSettings settings, RateLimiter limiter, SlidingWindowCounter counter,
                                            PhoneNumberParser phones, HttpClient http, ObjectMapper json,
                                            AuditLog audit, AbuseMetrics metrics, Clock clock) {
        return new DefaultAbusePolicy(settings, limiter, counter, phones::type, screens(settings, http, json), audit,
                metrics, clock);
    }
}
