package org.phonepass.core.otp;

import java.time.Instant;
import java.util.Objects;

/**
 * One code sent to one phone for one client. The code itself is never stored: only its HMAC ({@link CodeHasher}).
 *
 * @param id          public identifier, returned as {@code _id} by {@code /passwordless/start}
 * @param clientId    the client that asked for it; a code is only good for that client
 * @param phone       E.164 number
 * @param codeHash    HMAC-SHA256 of the code, bound to client and phone
 * @param createdAt   when it was issued
 * @param expiresAt   when it stops being accepted
 * @param attempts    verification attempts counted so far
 * @param maxAttempts attempts after which it is dead
 */
public record Challenge(
        String id,
        String clientId,
        String phone,
        byte[] codeHash,
        Instant createdAt,
        Instant expiresAt,
        int attempts,
        int maxAttempts) {
    public Challenge {
        Objects.requireNonNull(id, "id cannot be null");
        Objects.requireNonNull(clientId, "clientId cannot be null");
        Objects.requireNonNull(phone, "phone cannot be null");
        codeHash = codeHash.clone();
        Objects.requireNonNull(createdAt, "createdAt cannot be null");
        Objects.requireNonNull(expiresAt, "expiresAt cannot be null");
    }

    @Override
    public byte[] codeHash() {
        return codeHash.clone();
    }
}
