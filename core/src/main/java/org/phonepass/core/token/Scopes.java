package org.phonepass.core.token;

import java.util.LinkedHashSet;
import java.util.Set;

/** Space-separated OAuth scopes (RFC 6749 §3.3), and which of the scopes asked for a token may carry. */
public final class Scopes {
    public static final String OPENID = "openid";
    public static final String PROFILE = "profile";
    public static final String PHONE = "phone";
    public static final String OFFLINE_ACCESS = "offline_access";
    /** The OpenID Connect scopes: they select id_token and /userinfo claims and the refresh token, never API rights. */
    public static final Set<String> OIDC = Set.of(OPENID, PROFILE, PHONE, OFFLINE_ACCESS);

    private Scopes() {}

    /**
     * The scopes in order, without duplicates: the words between spaces and {@code +} (a form-encoded space). Split
     * by hand: {@code String.split("[ +]+")} compiled its pattern on every call, and a verify parses its scope once
     * (docs/benchmarks.md, "The request path, cut again").
     */
    public static Set<String> parse(String scope) {
        Set<String> out = new LinkedHashSet<>();
        if (scope != null) {
            String s = scope.trim();
            int start = -1;
            for (int i = 0; i <= s.length(); i++) {
                boolean separator = i == s.length() || s.charAt(i) == ' ' || s.charAt(i) == '+';
                if (!separator && start < 0) {
                    start = i;
                } else if (separator && start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            }
        }
        return out;
    }

    public static String join(Set<String> scopes) {
        return String.join(" ", scopes);
    }

    /**
     * The scopes a token may carry, in the order asked: the OIDC scopes as asked, and any other scope only when the
     * API (the token's audience) defines it and the client was granted it for that API. Anything else is dropped
     * rather than refused, as Auth0 does: the token response's {@code scope} then tells the client what it got.
     *
     * @param requested    the scopes the request asked for
     * @param apiDefines   the scopes the audience's API defines; empty without an audience
     * @param clientGrants the scopes the client may get for that API; empty without an audience or a grant
     */
    public static Set<String> grantable(Set<String> requested, Set<String> apiDefines, Set<String> clientGrants) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : requested) {
            if (OIDC.contains(s) || apiDefines.contains(s) && clientGrants.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
