package org.phonepass.core.token;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** Space-separated OAuth scopes (RFC 6749 §3.3). */
public final class Scopes {
    public static final String OPENID = "openid";
    public static final String PROFILE = "profile";
    public static final String PHONE = "phone";
    public static final String OFFLINE_ACCESS = "offline_access";

    private Scopes() {
    }

    public static Set<String> parse(String scope) {
        Set<String> out = new LinkedHashSet<>();
        if (scope != null) {
            Arrays.stream(scope.trim().split("[ +]+")).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        return out;
    }

    public static String join(Set<String> scopes) {
        return String.join(" ", scopes);
    }
}
