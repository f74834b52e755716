package org.phonepass.server.admin;

/**
 * What every console page's layout needs.
 *
 * @param t          the texts in the page's language
 * @param nonce      this response's CSP nonce, for its scripts
 * @param csrf       the token its forms post back; null before sign-in
 * @param title      the page title (already in the page's language)
 * @param active     the navigation entry of this page, or null
 * @param signedInAs the admin's masked number, or null before sign-in
 */
public record Page(AdminTexts t, String nonce, String csrf, String title, String active, String signedInAs) {
    public boolean signedIn() {
        return csrf != null;
    }
}
