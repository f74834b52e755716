package org.phonepass.core.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one exception the domain throws. The description is public: it is written to the client as
 * {@code error_description}, so it never carries secrets, codes or internal detail. Extra public fields
 * (for example {@code attempts_remaining}) travel in {@link #details()}; old clients ignore them.
 */
public final class PhonepassException extends RuntimeException {
    private final ErrorCode code;
    private final String description;
    private final Map<String, Object> details;
    private final Long retryAfterSeconds;

    public PhonepassException(ErrorCode code, String description) {
        this(code, description, Map.of(), null, null);
    }

    public PhonepassException(
            ErrorCode code, String description, Map<String, Object> details, Long retryAfterSeconds, Throwable cause) {
        super(code + ": " + description, cause, false, cause != null);
        this.code = Objects.requireNonNull(code, "code cannot be null");
        this.description = Objects.requireNonNull(description, "description cannot be null");
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static PhonepassException of(ErrorCode code, String description) {
        return new PhonepassException(code, description);
    }

    public ErrorCode code() {
        return code;
    }

    public String description() {
        return description;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** Seconds a client should wait before retrying, for 429 and 503 answers; null when not applicable. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
