package org.phonepass.sms.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.time.Duration;
import org.phonepass.core.config.Durations;

/**
 * Reads a duration written the way the configuration documents them ({@link Durations}: {@code 250ms}, {@code 10s},
 * {@code 5m}, {@code 1h}, ISO-8601, or a bare number of seconds), for the SMS settings records.
 */
public final class DurationSetting extends JsonDeserializer<Duration> {
    /** Parses a duration with the settings grammar shared by every module, or throws IllegalArgumentException. */
    public static Duration parse(String raw) {
        return Durations.parse(raw);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        String raw = p.getValueAsString();
        if (raw == null) {
            return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
        }
        try {
            return parse(raw);
        } catch (IllegalArgumentException e) {
            return (Duration) ctxt.handleWeirdStringValue(Duration.class, raw, e.getMessage());
        }
    }
}
