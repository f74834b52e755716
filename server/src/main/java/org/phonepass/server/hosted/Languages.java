package org.phonepass.server.hosted;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The languages the hosted pages speak, and the choice among them: the {@code ui_locales} of the authorization
 * request first, then the browser's {@code Accept-Language}, then English (docs/hosted-login.md#languages). A
 * language is added by adding its messages file and its tag to {@link #SUPPORTED}.
 */
public final class Languages {
    /** In the order a tie is broken; the first is the default. */
    public static final List<String> SUPPORTED = List.of("en", "es", "fr", "de", "pt");

    private static final int MAX_HEADER = 512;
    private final Map<String, Messages> cache = new ConcurrentHashMap<>();

    public Languages() {
        for (String tag : SUPPORTED) {
            cache.put(tag, new Messages(Locale.forLanguageTag(tag)));
        }
    }

    /** The messages of one supported language; English for any other tag. */
    public Messages messages(String tag) {
        Messages m = cache.get(tag);
        return m != null ? m : cache.get(SUPPORTED.get(0));
    }

    /**
     * Picks the language.
     *
     * @param uiLocales      the request's {@code ui_locales}, in order of preference; may be empty
     * @param acceptLanguage the {@code Accept-Language} header, or null
     */
    public Messages choose(List<String> uiLocales, String acceptLanguage) {
        List<String> wanted = new ArrayList<>();
        if (uiLocales != null) {
            uiLocales.forEach(wanted::add);
        }
        if (acceptLanguage != null && acceptLanguage.length() <= MAX_HEADER) {
            try {
                for (Locale.LanguageRange range : Locale.LanguageRange.parse(acceptLanguage)) {
                    if (range.getWeight() > 0) {
                        wanted.add(range.getRange());
                    }
                }
            } catch (IllegalArgumentException e) {
                // A malformed header is the browser's loss: it counts as no preference.
            }
        }
        for (String tag : wanted) {
            String language = tag.split("[-_]", 2)[0].toLowerCase(Locale.ROOT);
            if (cache.containsKey(language)) {
                return cache.get(language);
            }
        }
        return cache.get(SUPPORTED.get(0));
    }
}
