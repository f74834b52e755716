package org.phonepass.core.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them in settings: {@code 500ms}, {@code 180s}, {@code 5m}, {@code 1h}, {@code 30d};
 * a bare number is seconds; ISO-8601 ({@code PT3M}) is accepted too. Hand-written because {@link Duration#parse}
 * only takes ISO-8601, which nobody types in a YAML file, and the grammar is six lines. Every module's settings use
 * this one parser.
 */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("^(\\d{1,9})\\s*(ms|s|m|h|d)?$");

    private Durations() {}

    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        Matcher m = FORMAT.matcher(trimmed.toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            if (trimmed.regionMatches(true, 0, "PT", 0, 2) || trimmed.regionMatches(true, 0, "P", 0, 1)) {
                try {
                    return Duration.parse(trimmed);
                } catch (java.time.format.DateTimeParseException e) {
                    // fall through to the message below
                }
            }
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration; write for example 500ms, 180s, " + "5m, 1h or 30d");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The shortest exact way to write a duration back, for docs and messages. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (d.getNano() != 0) {
            return d.toMillis() + "ms";
        }
        if (s % 86_400 == 0 && s != 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0 && s != 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s != 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
