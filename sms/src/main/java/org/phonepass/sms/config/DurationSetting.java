package org.phonepass.sms.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a duration written the way the configuration documents them: {@code 250ms}, {@code 10s}, {@code 5m},
 * {@code 1h}, or ISO-8601 ({@code PT10S}). A bare number is refused because nobody agrees on its unit.
 */
public final class DurationSetting extends JsonDeserializer<Duration> {
    private static final Pattern SHORT = Pattern.compile("^([0-9]+)\\s*(ms|s|m|h|d)$");

    /** Parses a duration, or throws an IllegalArgumentException that quotes the value. */
    public static Duration parse(String raw) {
        String text = raw.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a duration; write 250ms, 10s, 5m or 1h");
        }
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
