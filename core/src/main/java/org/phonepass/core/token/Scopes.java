package org.phonepass.core.token;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Space-separated OAuth scopes (RFC 6749 §3.3), and which of the scopes asked for a token may carry. */
public final class Scopes {
    public static final String OPENID = "openid";
    public static final String PROFILE = "profile";
    public static final String PHONE = "phone";
    public static final String OFFLINE_ACCESS = "offline_access";
    /** The OpenID Connect scopes: they select id_token and /userinfo claims and the refresh token, never API rights. */
    public static final Set<String> OIDC = Set.of(OPENID, PROFILE, PHONE, OFFLINE_ACCESS);

    private Scopes() {}

    /** Spaces and {@code +} (a form-encoded space); compiled once, as {@code String.split} would compile it per call. */
    private static final Pattern SEPARATORS = Pattern.compile("[ +]+");

    /** The scopes in order, without duplicates: the words between spaces and {@code +}. */
    public static Set<String> parse(String scope) {
        Set<String> out = new LinkedHashSet<>();
        if (scope != null) {
            for (String word : SEPARATORS.split(scope.trim())) {
                if (!word.isEmpty()) {
                    out.add(word);
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
