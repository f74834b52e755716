package org.phonepass.core.authorize;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.store.UnitOfWork;
import org.phonepass.core.token.AccessTokenStore;
import org.phonepass.core.token.OpaqueTokens;
import org.phonepass.core.token.RefreshTokenStore;
import org.phonepass.core.token.Scopes;
import org.phonepass.core.token.TokenResponse;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.User;

/**
 * The authorization code grant (RFC 6749 §4.1, with PKCE, RFC 7636): {@code GET /authorize} issues a code for a
 * signed-in person, {@code POST /oauth/token} exchanges it (docs/hosted-login.md#authorization-codes).
 *
 * <p>A code is 256 random bits after the millisecond it was made, stored only under its key ({@link OpaqueTokens}),
 * lives {@link #CODE_LIFETIME} at most, and is bound to the client,
 * the {@code redirect_uri} and the PKCE challenge. It is single use: a second exchange fails and revokes what the
 * first one issued (§4.1.2), since a replayed code means someone else has it.
 */
public final class AuthorizationCodeService {
    /** RFC 6749 §4.1.2 recommends at most 10 minutes; a browser redirect takes a second or two. */
    public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    /** The answer to every refused exchange: the client learns nothing about why. */
    public static final String INVALID_CODE = "Invalid authorization code";

    private static final Pattern VERIFIER = Pattern.compile("^[A-Za-z0-9\\-._~]{43,128}$");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final AuthorizationCodeStore codes;
    private final TokenService tokens;
    private final AccessTokenStore accessTokens;
    private final RefreshTokenStore refreshTokens;
    private final UnitOfWork writes;
    private final Clock clock;
    /** The codes: keys that begin with their time (docs/benchmarks.md#time-ordered-secret-keys). */
    private final OpaqueTokens ids;

    public AuthorizationCodeService(
            AuthorizationCodeStore codes,
            TokenService tokens,
            AccessTokenStore accessTokens,
            RefreshTokenStore refreshTokens,
            UnitOfWork writes,
            Clock clock,
            SecureRandom random) {
        this.codes = Objects.requireNonNull(codes, "codes cannot be null");
        this.tokens = Objects.requireNonNull(tokens, "tokens cannot be null");
        this.accessTokens = Objects.requireNonNull(accessTokens, "accessTokens cannot be null");
        this.refreshTokens = Objects.requireNonNull(refreshTokens, "refreshTokens cannot be null");
        this.writes = Objects.requireNonNull(writes, "writes cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.ids = new OpaqueTokens(clock, Objects.requireNonNull(random, "random cannot be null"));
    }

    /**
     * What a code is issued for.
     *
     * @param redirectUri   the request's {@code redirect_uri}, already checked against the client
     * @param codeChallenge the S256 challenge, or null (confidential clients only)
     * @param scope         space-separated scopes asked for
     * @param audience      API audience, or null
     * @param nonce         echoed in the id_token, or null
     * @param authTime      when the person proved the number
     * @param sid           the session's public id
     */
    public record Grant(
            String redirectUri,
            String codeChallenge,
            String scope,
            String audience,
            String nonce,
            Instant authTime,
            String sid) {
        public Grant {
            Objects.requireNonNull(redirectUri, "redirectUri cannot be null");
            Objects.requireNonNull(authTime, "authTime cannot be null");
        }
    }

    /** Issues a code for {@code userId} and answers it. */
    public String issue(Client client, String userId, Grant grant) {
        String code = ids.next();
        codes.save(
                OpaqueTokens.key(code),
                new AuthorizationCodeRecord(
                        client.clientId(),
                        userId,
                        grant.redirectUri(),
                        grant.codeChallenge(),
                        grant.scope() == null ? Scopes.OPENID : grant.scope(),
                        grant.audience(),
                        grant.nonce(),
                        grant.authTime(),
                        grant.sid(),
                        clock.instant().plus(CODE_LIFETIME)));
        return code;
    }

    /**
     * An exchange as the token endpoint read it.
     *
     * @param client       the client, authenticated by the caller when it is confidential
     * @param code         the presented code
     * @param redirectUri  the presented {@code redirect_uri} (required: every client in use sends it)
     * @param codeVerifier the PKCE verifier, or null
     */
    public record Exchange(Client client, String code, String redirectUri, String codeVerifier) {
        public Exchange {
            Objects.requireNonNull(client, "client cannot be null");
        }
    }

    /**
     * Exchanges a code for tokens.
     *
     * @throws PhonepassException {@code GRANT_NOT_ALLOWED} when the client may not use the grant,
     *                            {@code INVALID_REQUEST} for a missing parameter, {@code INVALID_GRANT} for every
     *                            code failure
     */
    public TokenResponse exchange(Exchange exchange) {
        Client client = exchange.client();
        if (!client.allowsGrant(GrantType.AUTHORIZATION_CODE)) {
            throw PhonepassException.of(
                    ErrorCode.GRANT_NOT_ALLOWED, "Grant type 'authorization_code' not allowed for the client.");
        }
        if (exchange.code() == null || exchange.code().isEmpty()) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "missing code parameter");
        }
        if (exchange.redirectUri() == null) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "missing redirect_uri parameter");
        }
        if (exchange.code().length() > 256) {
            throw invalid();
        }
        byte[] key = OpaqueTokens.key(exchange.code());
        AuthorizationCodeStore.Redemption redemption = codes.redeem(key, clock.instant());
        if (redemption instanceof AuthorizationCodeStore.Redemption.Replayed replayed) {
            revoke(replayed.refreshTokenKey(), replayed.accessTokenKey());
            throw PhonepassException.of(
                    ErrorCode.INVALID_GRANT, INVALID_CODE + ": it was used before, so the tokens it gave are revoked");
        }
        if (!(redemption instanceof AuthorizationCodeStore.Redemption.Redeemed redeemed)) {
            throw invalid();
        }
        AuthorizationCodeRecord record = redeemed.record();
        // Every check after the code is used up: a failed exchange leaves nothing to try again with.
        if (!record.clientId().equals(client.clientId())
                || !record.redirectUri().equals(exchange.redirectUri())
                || !pkceHolds(record.codeChallenge(), exchange.codeVerifier(), client)) {
            throw invalid();
        }
        Optional<User> user = tokens.findUser(record.userId());
        if (user.isEmpty()) {
            throw invalid();
        }
        TokenService.Request request = new TokenService.Request(
                Scopes.parse(record.scope()),
                record.audience(),
                record.nonce(),
                false,
                record.authTime(),
                record.sid());
        TokenService.Issued issued = writes.run(() -> tokens.store(client, user.get(), request));
        byte[] refreshKey = issued.refreshToken() == null ? null : OpaqueTokens.key(issued.refreshToken());
        byte[] accessKey = issued.opaqueAccessToken() == null ? null : OpaqueTokens.key(issued.opaqueAccessToken());
        if (!codes.recordIssued(key, refreshKey, accessKey)) {
            // Replayed while these were being issued: the replay could not revoke them, so they go now.
            revoke(refreshKey, accessKey);
            throw invalid();
        }
        return tokens.sign(issued);
    }

    /**
     * PKCE (RFC 7636 §4.6): with a challenge, the verifier must hash to it; without one (only a confidential client
     * may ask for a code without one, and it proved its secret), no verifier may be sent either.
     */
    private static boolean pkceHolds(String challenge, String verifier, Client client) {
        if (challenge == null) {
            return verifier == null && client.isConfidential();
        }
        if (verifier == null || !VERIFIER.matcher(verifier).matches()) {
            return false;
        }
        byte[] computed = B64.encodeToString(TokenService.sha256(verifier)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(computed, challenge.getBytes(StandardCharsets.US_ASCII));
    }

    private void revoke(byte[] refreshKey, byte[] accessKey) {
        if (refreshKey != null) {
            refreshTokens.revokeFamily(refreshKey);
        }
        if (accessKey != null) {
            accessTokens.revoke(accessKey);
        }
    }

    /** Housekeeping: deletes codes expired for a while (kept a little, so a late replay still revokes). */
    public int deleteExpired() {
        return codes.deleteExpired(clock.instant().minus(Duration.ofMinutes(10)));
    }

    private static PhonepassException invalid() {
        return PhonepassException.of(ErrorCode.INVALID_GRANT, INVALID_CODE);
    }
}
