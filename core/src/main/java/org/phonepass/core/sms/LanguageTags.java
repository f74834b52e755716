package org.phonepass.core.sms;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The language tags that may reach a message: the caller's {@code Accept-Language} or {@code X-Request-Language} is
 * text an attacker writes, and {@code {{ request_language }}} would put it into an SMS sent to someone else's phone.
 * Only a known tag passes: an ISO 639 language, then optionally a script from a short list and an ISO 3166 region
 * or a UN M.49 area, each as registered; nothing else, so no words can be spelled into a message.
 */
public final class LanguageTags {
    /** Used when the caller sends no known tag. */
    public static final String DEFAULT = "en";

    private static final Pattern SHAPE =
            Pattern.compile("^([A-Za-z]{2,3})(?:-([A-Za-z]{4}))?(?:-([A-Za-z]{2}|[0-9]{3}))?$");
    private static final Set<String> LANGUAGES = Set.copyOf(java.util.Arrays.asList(Locale.getISOLanguages()));
    private static final Set<String> REGIONS = Set.copyOf(java.util.Arrays.asList(Locale.getISOCountries()));
    private static final Set<String> SCRIPTS =
            Set.of("Arab", "Cyrl", "Deva", "Grek", "Hans", "Hant", "Hebr", "Jpan", "Kore", "Latn", "Thai");
    /** UN M.49 areas used in language tags: Latin America and the Caribbean ({@code es-419}), the world. */
    private static final Set<String> AREAS = Set.of("001", "150", "419");

    private LanguageTags() {}

    /** The tag in its canonical case ({@code pt-BR}, {@code zh-Hant}), or empty when it is not a known tag. */
    public static Optional<String> known(String tag) {
        if (tag == null) {
            return Optional.empty();
        }
        Matcher m = SHAPE.matcher(tag.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String language = m.group(1).toLowerCase(Locale.ROOT);
        if (!LANGUAGES.contains(language)) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(language);
        if (m.group(2) != null) {
            String script = m.group(2).substring(0, 1).toUpperCase(Locale.ROOT)
                    + m.group(2).substring(1).toLowerCase(Locale.ROOT);
            if (!SCRIPTS.contains(script)) {
                return Optional.empty();
            }
            out.append('-').append(script);
        }
        if (m.group(3) != null) {
            String region = m.group(3).toUpperCase(Locale.ROOT);
            if (!REGIONS.contains(region) && !AREAS.contains(region)) {
                return Optional.empty();
            }
            out.append('-').append(region);
        }
        return Optional.of(out.toString());
    }

    /** {@link #known} or {@link #DEFAULT}. */
    public static String orDefault(String tag) {
        return known(tag).orElse(DEFAULT);
    }
}
