package org.phonepass.server.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as operators write them: {@code 500ms}, {@code 180s}, {@code 5m}, {@code 1h}, {@code 30d}; a bare
 * number is seconds. Hand-written because {@link Duration#parse} only takes ISO-8601 ({@code PT3M}), which nobody
 * types in a YAML file, and the grammar is six lines.
 */
public final class DurationParser {
    private static final Pattern FORMAT = Pattern.compile("^(\\d{1,9})\\s*(ms|s|m|h|d)?$");

    private DurationParser() {
    }

    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write for example 500ms, 180s, "
                    + "5m, 1h or 30d");
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
