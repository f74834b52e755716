package org.phonepass.core.user;

import java.time.Instant;
import java.util.Objects;

/**
 * A person who signed in with a phone number. The profile Auth0 clients expect
 * (docs/auth0-compatibility.md#user-profile-and-id-token-claims) is derived from these fields.
 *
 * @param id          24 lower-case hex characters; the wire {@code user_id} is {@code sms|<id>}
 * @param phone       E.164 number
 * @param createdAt   first successful verification
 * @param updatedAt   last change to the record
 * @param lastLogin   last successful verification
 * @param lastIp      client IP of the last login
 * @param loginsCount successful logins so far
 */
public record User(
        String id,
        String phone,
        Instant createdAt,
        Instant updatedAt,
        Instant lastLogin,
        String lastIp,
        long loginsCount) {
    public static final String CONNECTION = "sms";

    public User {
        Objects.requireNonNull(id, "id cannot be null");
        Objects.requireNonNull(phone, "phone cannot be null");
        Objects.requireNonNull(createdAt, "createdAt cannot be null");
        Objects.requireNonNull(updatedAt, "updatedAt cannot be null");
    }

    /** The Auth0-style identifier, {@code sms|5f85d99a2c673038a8111f5f}. */
    public String userId() {
        return CONNECTION + "|" + id;
    }
}
