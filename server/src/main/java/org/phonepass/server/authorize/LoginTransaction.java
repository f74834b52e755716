package org.phonepass.server.authorize;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.phonepass.core.client.Client;

/**
 * An {@code /authorize} request waiting for the person to sign in on the hosted login pages (docs/hosted-login.md).
 * The pages see only what they need to show and to send the code; the rest of the request stays with the
 * authorization endpoint.
 *
 * @param id         random and unguessable; the hosted pages carry it as their {@code state} parameter
 * @param client     the client the login is for
 * @param uiLocales  the {@code ui_locales} of the request, in order of preference; empty when it sent none
 * @param loginHint  the {@code login_hint} (a phone number), or null
 * @param screenHint the {@code screen_hint}, or null
 * @param expiresAt  when the transaction ends and the person has to start again from the app
 */
public record LoginTransaction(
        String id, Client client, List<String> uiLocales, String loginHint, String screenHint, Instant expiresAt) {
    public LoginTransaction {
        Objects.requireNonNull(id, "id cannot be null");
        Objects.requireNonNull(client, "client cannot be null");
        uiLocales = List.copyOf(uiLocales);
        Objects.requireNonNull(expiresAt, "expiresAt cannot be null");
    }
}
