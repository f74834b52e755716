package org.phonepass.core.token;

/**
 * Tokens issued by one grant. Null fields are omitted on the wire.
 *
 * @param idToken      RS256 id_token, when the scope has {@code openid}
 * @param accessToken  opaque, or an RFC 9068 JWT when an API audience was asked for
 * @param refreshToken opaque, when {@code offline_access} was granted
 * @param expiresIn    access-token lifetime in seconds
 * @param scope        granted scopes
 */
public record TokenResponse(String idToken, String accessToken, String refreshToken, long expiresIn, String scope) {
    public String tokenType() {
        return "Bearer";
    }
}
