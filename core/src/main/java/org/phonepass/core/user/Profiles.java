package org.phonepass.core.user;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user profile in Auth0's shape and its OIDC claims
 * (docs/auth0-compatibility.md#user-profile-and-id-token-claims).
 */
public final class Profiles {
    private final String pictureUrl;

    /** @param pictureUrl the default avatar served for phone users */
    public Profiles(String pictureUrl) {
        this.pictureUrl = pictureUrl;
    }

    /** The full Auth0 profile, as {@code /tokeninfo} and {@code /userinfo} return it. */
    public Map<String, Object> fullProfile(User user) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("user_id", user.userId());
        p.put("name", user.phone());
        p.put("nickname", user.phone());
        p.put("picture", pictureUrl);
        p.put("phone_number", user.phone());
        p.put("phone_verified", true);
        p.put(
                "identities",
                List.of(Map.of(
                        "user_id",
                        user.id(),
                        "provider",
                        User.CONNECTION,
                        "connection",
                        User.CONNECTION,
                        "isSocial",
                        false)));
        p.put("created_at", iso(user.createdAt()));
        p.put("updated_at", iso(user.updatedAt()));
        if (user.lastLogin() != null) {
            p.put("last_login", iso(user.lastLogin()));
        }
        if (user.lastIp() != null) {
            p.put("last_ip", user.lastIp());
        }
        p.put("logins_count", user.loginsCount());
        return p;
    }

    /** OIDC standard claims for the {@code profile} scope. */
    public Map<String, Object> profileClaims(User user) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", user.phone());
        c.put("nickname", user.phone());
        c.put("picture", pictureUrl);
        c.put("updated_at", iso(user.updatedAt()));
        return c;
    }

    /** OIDC standard claims for the {@code phone} scope. */
    public Map<String, Object> phoneClaims(User user) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("phone_number", user.phone());
        c.put("phone_number_verified", true);
        return c;
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
