package org.phonepass.sms.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Duration;
import org.phonepass.core.config.Durations;

/**
 * The one Jackson deserializer of settings durations, registered for every {@link Duration} of every section by the
 * server's configuration loader ({@link #module()}): the grammar is {@link Durations} ({@code 250ms}, {@code 10s},
 * {@code 5m}, {@code 1h}, ISO-8601, or a bare number of seconds).
 */
public final class DurationSetting extends JsonDeserializer<Duration> {
    /** A module that reads every {@link Duration} with this deserializer. */
    public static SimpleModule module() {
        return new SimpleModule().addDeserializer(Duration.class, new DurationSetting());
    }

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
