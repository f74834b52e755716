package org.phonepass.server.admin;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.TreeMap;

/**
 * The console's texts in one language, from {@code org/phonepass/server/admin/messages*.properties}
 * (docs/management.md#console). English is the fallback for a key a translation lacks.
 */
public final class AdminTexts {
    /** The languages the console speaks, the first being the default. */
    static final List<String> LANGUAGES = List.of("en", "fr");

    private final String language;
    private final ResourceBundle bundle;

    private AdminTexts(String language) {
        this.language = language;
        this.bundle = ResourceBundle.getBundle(
                "org.phonepass.server.admin.messages",
                Locale.forLanguageTag(language),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    private static final Map<String, AdminTexts> ALL = Map.of("en", new AdminTexts("en"), "fr", new AdminTexts("fr"));

    /** The best language of an {@code Accept-Language} header (weights honoured), English when none is spoken. */
    static AdminTexts forHeader(String acceptLanguage) {
        if (acceptLanguage != null && acceptLanguage.length() < 512) {
            try {
                for (Locale.LanguageRange range : Locale.LanguageRange.parse(acceptLanguage)) {
                    String primary = range.getRange().split("-", 2)[0].toLowerCase(Locale.ROOT);
                    if (ALL.containsKey(primary)) {
                        return ALL.get(primary);
                    }
                }
            } catch (IllegalArgumentException e) {
                // A malformed header: the default language.
            }
        }
        return ALL.get("en");
    }

    public String language() {
        return language;
    }

    /** The text of a key. */
    public String get(String key) {
        // Through MessageFormat as format() is, so that every text writes a quote the same way ('').
        return format(key);
    }

    /** The text of a key with its {0}, {1}... filled in. */
    public String format(String key, Object... args) {
        return new MessageFormat(bundle.getString(key), Locale.forLanguageTag(language)).format(args);
    }

    /** A moment as the console shows it: UTC, to the second, in ISO form that reads the same in every language. */
    public String time(java.time.Instant instant) {
        return instant == null
                ? "–"
                : java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                        .withZone(java.time.ZoneOffset.UTC)
                        .format(instant);
    }

    /** Every text under a prefix, for the charts' script (keys without the prefix). */
    Map<String, String> under(String prefix) {
        Map<String, String> out = new TreeMap<>();
        for (String key : bundle.keySet()) {
            if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), bundle.getString(key));
            }
        }
        return out;
    }
}
