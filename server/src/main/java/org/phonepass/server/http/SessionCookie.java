package org.phonepass.server.http;

import io.javalin.http.Context;
import java.time.Duration;
import org.phonepass.core.session.SessionService;

/**
 * The cookies of the hosted login (docs/hosted-login.md#cookies). Each holds only a random value, and is
 * {@code __Host-} prefixed (so it is Secure, host-only and for the whole path: no sibling or parent domain can set
 * or read it), and HttpOnly.
 */
public final class SessionCookie {
    /** The server session. SameSite=None: silent authentication reads it in a cross-site iframe. */
    public static final String SESSION = "__Host-phonepass_session";
    /**
     * Binds login transactions to the browser that started them (no login CSRF). SameSite=Lax: it is set on the
     * top-level navigation to {@code /authorize} and read by the same site's pages.
     */
    public static final String BROWSER = "__Host-phonepass_browser";

    private SessionCookie() {}

    /** The cookie's value, or null. */
    public static String read(Context ctx, String name) {
        String value = ctx.cookie(name);
        return value == null || value.isEmpty() || value.length() > 128 ? null : value;
    }

    /** Sets the session cookie, for as long as the session can live at most. */
    public static void setSession(Context ctx, String value, Duration maxAge) {
        ctx.res()
                .addHeader(
                        "Set-Cookie",
                        SESSION + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds()
                                + "; Secure; HttpOnly; SameSite=None");
    }

    /** Sets the browser cookie for the browser's session (no Max-Age). */
    public static void setBrowser(Context ctx, String value) {
        ctx.res().addHeader("Set-Cookie", BROWSER + "=" + value + "; Path=/; Secure; HttpOnly; SameSite=Lax");
    }

    /** Ends the server session behind the request's cookie, and tells the browser to forget the cookie. */
    public static void endSession(Context ctx, SessionService sessions) {
        String value = read(ctx, SESSION);
        if (value != null) {
            sessions.end(value);
        }
        ctx.res().addHeader("Set-Cookie", SESSION + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=None");
    }
}
