package org.phonepass.server.hosted;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The texts of the hosted pages in one language, from {@code org/phonepass/server/hosted/messages*.properties}
 * (docs/hosted-login.md#adding-a-language). Templates call {@link #t} and {@link #f}; jte escapes what they return.
 */
public final class Messages {
    static final String BUNDLE = "org.phonepass.server.hosted.messages";
    /** No fall-back to the JVM's default locale: a missing language falls back to the base (English) file only. */
    private static final ResourceBundle.Control CONTROL =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private final Locale locale;
    private final ResourceBundle bundle;

    Messages(Locale locale) {
        this.locale = locale;
        this.bundle = ResourceBundle.getBundle(BUNDLE, locale, Messages.class.getClassLoader(), CONTROL);
    }

    /** The text for {@code key}; the key itself when no file has it, so a missing text shows and is found. */
    public String t(String key) {
        try {
            return bundle.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
    }

    /** Whether some file (this language's or English) has {@code key}. */
    public boolean has(String key) {
        return bundle.containsKey(key);
    }

    /** The text for {@code key} with {@code {0}}, {@code {1}}, ... replaced (java.text.MessageFormat). */
    public String f(String key, Object... args) {
        return new MessageFormat(t(key), locale).format(args);
    }

    public Locale locale() {
        return locale;
    }

    /** The BCP 47 tag for the page's {@code lang} attribute. */
    public String lang() {
        return locale.toLanguageTag();
    }
}
