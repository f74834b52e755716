package org.phonepass.core.authorize;

import java.time.Instant;
import java.util.Objects;

/**
 * What an authorization code stands for (docs/hosted-login.md#authorization-codes). The code itself is never stored,
 * only its SHA-256.
 *
 * @param clientId      the client it was issued to; only that client may exchange it
 * @param userId        the Auth0-style user id ({@code sms|...}) of the person who signed in
 * @param redirectUri   the {@code redirect_uri} of the authorization request; the exchange must send the same
 * @param codeChallenge the PKCE S256 challenge (RFC 7636), or null for a confidential client that sent none
 * @param scope         the scopes asked for, space-separated
 * @param audience      the API audience asked for, or null
 * @param nonce         the request's {@code nonce}, echoed in the id_token, or null
 * @param authTime      when the person proved the number
 * @param sid           the public id of the server session the code came from, or null
 * @param expiresAt     at most 60 s after issue
 */
public record AuthorizationCodeRecord(
        String clientId,
        String userId,
        String redirectUri,
        String codeChallenge,
        String scope,
        String audience,
        String nonce,
        Instant authTime,
        String sid,
        Instant expiresAt) {
    public AuthorizationCodeRecord {
        Objects.requireNonNull(clientId, "clientId cannot be null");
        Objects.requireNonNull(userId, "userId cannot be null");
        Objects.requireNonNull(redirectUri, "redirectUri cannot be null");
        Objects.requireNonNull(scope, "scope cannot be null");
        Objects.requireNonNull(authTime, "authTime cannot be null");
        Objects.requireNonNull(expiresAt, "expiresAt cannot be null");
    }
}
