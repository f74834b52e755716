package org.phonepass.core.login;

import java.time.Instant;
import java.util.Objects;

/**
 * A login ticket as stored (by the hash of the ticket): the proof, handed out by {@code POST /co/authenticate} after
 * a right code, that one person signed in for one client, redeemed once at {@code /authorize}
 * (docs/spa.md#cross-origin-authentication).
 *
 * @param clientId     the client the code was right for; only that client may redeem it
 * @param userId       the Auth0-style id of the user who signed in ({@code sms|...})
 * @param origin       the browser origin that called {@code /co/authenticate}, or null when it sent none
 * @param coId         the public id of the verifier pair, handed to the page with the ticket
 * @param verifierHash SHA-256 of the {@code co_verifier}, the secret the page keeps on its own origin and the browser
 *                     cookie carries to {@code /authorize}
 * @param authTime     when the code was accepted: the {@code auth_time} of the tokens and of the session
 * @param expiresAt    when the ticket stops being accepted (Auth0: 60 s after it was issued)
 */
public record LoginTicket(
        String clientId,
        String userId,
        String origin,
        String coId,
        byte[] verifierHash,
        Instant authTime,
        Instant expiresAt) {
    public LoginTicket {
        Objects.requireNonNull(clientId, "clientId cannot be null");
        Objects.requireNonNull(userId, "userId cannot be null");
        Objects.requireNonNull(coId, "coId cannot be null");
        verifierHash = Objects.requireNonNull(verifierHash, "verifierHash cannot be null")
                .clone();
        Objects.requireNonNull(authTime, "authTime cannot be null");
        Objects.requireNonNull(expiresAt, "expiresAt cannot be null");
    }

    @Override
    public byte[] verifierHash() {
        return verifierHash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoginTicket t
                && clientId.equals(t.clientId)
                && userId.equals(t.userId)
                && Objects.equals(origin, t.origin)
                && coId.equals(t.coId)
                && java.util.Arrays.equals(verifierHash, t.verifierHash)
                && authTime.equals(t.authTime)
                && expiresAt.equals(t.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                clientId, userId, origin, coId, java.util.Arrays.hashCode(verifierHash), authTime, expiresAt);
    }

    @Override
    public String toString() {
        return "LoginTicket[clientId=" + clientId + ", userId=" + userId + ", origin=" + origin + ", coId=" + coId
                + ", authTime=" + authTime + ", expiresAt=" + expiresAt + "]";
    }
}
