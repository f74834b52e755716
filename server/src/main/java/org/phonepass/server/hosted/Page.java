package org.phonepass.server.hosted;

/**
 * What every hosted page's layout needs (server/src/main/jte/hosted/layout.jte).
 *
 * @param t         the texts in the page's language
 * @param nonce     this response's CSP nonce, for the script tags
 * @param title     the page's own title (its heading), prefixed with "Error:" by the layout when {@code hasError}
 * @param hasError  whether the page shows an error
 * @param brand     the product and app names and logo
 * @param css       the stylesheet URLs
 * @param script    the page script's URL, or null for a page without one
 * @param botScript the bot-check widget's script URL, or null
 */
public record Page(
        Messages t,
        String nonce,
        String title,
        boolean hasError,
        Branding.View brand,
        java.util.List<String> css,
        String script,
        String botScript) {}
