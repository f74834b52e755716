package org.phonepass.core.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rate-limit headers of one answer (docs/auth0-compatibility.md#rate-limits-and-retries):
 * {@code x-ratelimit-limit}, {@code x-ratelimit-remaining}, {@code x-ratelimit-reset} (epoch seconds) and, on a
 * refusal, {@code Retry-After} (seconds).
 *
 * <p>A refusal travels as a {@code PhonepassException} whose {@code details()} carries these values under
 * {@link #DETAIL_LIMIT}, {@link #DETAIL_REMAINING}, {@link #DETAIL_RESET} (all {@code Long}); its
 * {@code retryAfterSeconds()} is {@code Retry-After}. The error mapper calls {@link #fromDetails} to write the
 * headers and removes {@link #DETAIL_KEYS} from the JSON body, which stays {@code {error, error_description}}.
 *
 * @param limit             {@code x-ratelimit-limit}: the capacity of the limit reported
 * @param remaining         {@code x-ratelimit-remaining}
 * @param resetEpochSeconds {@code x-ratelimit-reset}
 * @param retryAfterSeconds {@code Retry-After}, or null on an allowed answer
 */
public record RateLimitHeaders(long limit, long remaining, long resetEpochSeconds, Long retryAfterSeconds) {
    public static final String DETAIL_LIMIT = "ratelimit_limit";
    public static final String DETAIL_REMAINING = "ratelimit_remaining";
    public static final String DETAIL_RESET = "ratelimit_reset";
    /** Detail keys the error mapper turns into headers instead of body fields. */
    public static final Set<String> DETAIL_KEYS = Set.of(DETAIL_LIMIT, DETAIL_REMAINING, DETAIL_RESET);

    public static RateLimitHeaders of(Decision decision) {
        Objects.requireNonNull(decision, "decision cannot be null");
        return new RateLimitHeaders(
                decision.limit().capacity(),
                decision.remaining(),
                decision.resetEpochSeconds(),
                decision.allowed() ? null : decision.retryAfterSeconds());
    }

    /** The detail entries for a refusal's {@code PhonepassException}. */
    public Map<String, Object> toDetails() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(DETAIL_LIMIT, limit);
        details.put(DETAIL_REMAINING, remaining);
        details.put(DETAIL_RESET, resetEpochSeconds);
        return details;
    }

    /** Reads the headers back from an exception's details and retry-after; empty when it carries none. */
    public static Optional<RateLimitHeaders> fromDetails(Map<String, Object> details, Long retryAfterSeconds) {
        if (details == null
                || !(details.get(DETAIL_LIMIT) instanceof Number l)
                || !(details.get(DETAIL_REMAINING) instanceof Number r)
                || !(details.get(DETAIL_RESET) instanceof Number t)) {
            return Optional.empty();
        }
        return Optional.of(new RateLimitHeaders(l.longValue(), r.longValue(), t.longValue(), retryAfterSeconds));
    }

    /** Header names and values, in the order they should be written. */
    public Map<String, String> toHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        if (retryAfterSeconds != null) {
            headers.put("Retry-After", Long.toString(retryAfterSeconds));
        }
        headers.put("x-ratelimit-limit", Long.toString(limit));
        headers.put("x-ratelimit-remaining", Long.toString(remaining));
        headers.put("x-ratelimit-reset", Long.toString(resetEpochSeconds));
        return headers;
    }
}
