package org.phonepass.core.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.store.RecordIds;
import org.phonepass.core.store.UnitOfWork;
import org.phonepass.core.user.Profiles;
import org.phonepass.core.user.User;
import org.phonepass.core.user.UserStore;

/**
 * Issues, refreshes, revokes and reads tokens.
 *
 * <p>The common SPA login signs once: the id_token is RS256 (Auth0's browser libraries accept nothing else) and the
 * access token is opaque and stored by key ({@link OpaqueTokens#key}) unless an {@code audience} names a configured
 * API, in which case it is an RFC 9068 JWT that resource servers verify with the JWKS.
 */
public final class TokenService {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String USER_ID_PREFIX = User.CONNECTION + "|";

    private final String issuer;
    private final TokenSigner signer;
    private final AccessTokenStore accessTokens;
    private final RefreshTokenStore refreshTokens;
    private final UserStore users;
    private final Profiles profiles;
    private final Map<String, Api> apis;
    private final Clock clock;
    private final RecordIds familyIds;
    private final OpaqueTokens opaqueTokens;
    /** Groups the writes of one grant into one transaction where the stores share one. */
    private final UnitOfWork writes;

    /**
     * @param issuer the {@code iss} claim, public URL plus {@code /}
     * @param apis   configured API audiences and their access-token lifetimes
     */
    public TokenService(
            String issuer,
            TokenSigner signer,
            AccessTokenStore accessTokens,
            RefreshTokenStore refreshTokens,
            UserStore users,
            Profiles profiles,
            Map<String, Api> apis,
            Clock clock,
            SecureRandom random,
            UnitOfWork writes) {
        this.writes = Objects.requireNonNull(writes, "writes cannot be null");
        this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
        this.signer = Objects.requireNonNull(signer, "signer cannot be null");
        this.accessTokens = Objects.requireNonNull(accessTokens, "accessTokens cannot be null");
        this.refreshTokens = Objects.requireNonNull(refreshTokens, "refreshTokens cannot be null");
        this.users = Objects.requireNonNull(users, "users cannot be null");
        this.profiles = Objects.requireNonNull(profiles, "profiles cannot be null");
        this.apis = Map.copyOf(apis);
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.familyIds = new RecordIds(clock, random);
        this.opaqueTokens = new OpaqueTokens(clock, random);
    }

    /**
     * An API whose audience gets JWT access tokens.
     *
     * @param signingAlgorithm {@code RS256} (the default), {@code ES256} or {@code EdDSA}: resource servers verify
     *                         the token, so the choice is theirs; the faster two cost a fraction of RS256's signature
     * @param scopes           the scopes (Auth0: permissions) the API defines; a token for it carries only these
     *                         (those the client is granted) besides the OIDC scopes
     */
    public record Api(Duration accessTokenLifetime, String signingAlgorithm, Set<String> scopes, boolean machineOnly) {
        public Api {
            Objects.requireNonNull(accessTokenLifetime, "accessTokenLifetime cannot be null");
            Objects.requireNonNull(signingAlgorithm, "signingAlgorithm cannot be null");
            scopes = Set.copyOf(scopes);
        }

        /** An API that users' logins may ask tokens for too. */
        public Api(Duration accessTokenLifetime, String signingAlgorithm, Set<String> scopes) {
            this(accessTokenLifetime, signingAlgorithm, scopes, false);
        }

        /** An API that defines no scopes of its own: its tokens carry OIDC scopes only. */
        public Api(Duration accessTokenLifetime, String signingAlgorithm) {
            this(accessTokenLifetime, signingAlgorithm, Set.of());
        }
    }

    /**
     * What a grant asks for, besides the client and the user.
     *
     * @param authTime when the person proved the number, for the id_token's {@code auth_time}; null to leave it out
     * @param sid      the server session's public id, for the id_token's {@code sid}; null to leave it out
     */
    public record Request(
            Set<String> scope, String audience, String nonce, boolean legacyProfile, Instant authTime, String sid) {
        /** A grant with no session behind it (the code exchanges of the API). */
        public Request(Set<String> scope, String audience, String nonce, boolean legacyProfile) {
            this(scope, audience, nonce, legacyProfile, null, null);
        }

        /**
         * What the legacy redirect flow asks for: its tokens travel in a URL fragment, which is no place for a
         * refresh token (OAuth 2.0 §4.2.2), so {@code offline_access} is dropped; an {@code id_token} response
         * type asks for {@code openid}. The full legacy profile goes in the id_token, as on {@code /oauth/ro}.
         */
        public static Request redirect(Set<String> scope, boolean idTokenAsked, String audience, String nonce) {
            Set<String> granted = new LinkedHashSet<>(scope);
            granted.remove(Scopes.OFFLINE_ACCESS);
            if (idTokenAsked) {
                granted.add(Scopes.OPENID);
            }
            return new Request(granted, audience, nonce, true);
        }
    }

    /** Issues tokens after a successful code verification: {@link #store} and then {@link #sign}. */
    public TokenResponse issue(Client client, User user, Request request) {
        return sign(store(client, user, request));
    }

    /**
     * What a login stores, without signing: the refresh token (with {@code offline_access}) and the opaque access
     * token (without an {@code audience}). A caller may run this inside a unit of work with its other writes, and
     * {@link #sign} after it ends, so no database transaction is held open across a signature.
     */
    public Issued store(Client client, User user, Request request) {
        checkAudience(request.audience());
        Set<String> scope = grantable(
                client, request.audience(), request.scope().isEmpty() ? Set.of(Scopes.OPENID) : request.scope());
        boolean offline = scope.contains(Scopes.OFFLINE_ACCESS) && client.allowsGrant(GrantType.REFRESH_TOKEN);
        if (!offline) {
            scope.remove(Scopes.OFFLINE_ACCESS);
        }
        Instant now = clock.instant();
        String refresh = null;
        String family = null;
        if (offline) {
            refresh = opaqueTokens.next();
            family = familyIds.next();
            refreshTokens.save(
                    OpaqueTokens.key(refresh),
                    new RefreshTokenRecord(
                            family,
                            user.userId(),
                            client.clientId(),
                            Scopes.join(scope),
                            request.audience(),
                            now,
                            now.plus(client.refreshTokenLifetime()),
                            request.authTime(),
                            request.sid()));
        }
        return storeAccessToken(
                client,
                user,
                scope,
                request.audience(),
                request.nonce(),
                request.legacyProfile(),
                refresh,
                family,
                now,
                request.authTime(),
                request.sid());
    }

    /**
     * The scopes a token for {@code audience} may carry ({@link Scopes#grantable}): what the API defines and the
     * client is granted, besides the OIDC scopes. Read from the settings at each grant, so a refresh after a grant
     * was narrowed gets the narrower scope.
     */
    private Set<String> grantable(Client client, String audience, Set<String> requested) {
        Api api = audience == null ? null : apis.get(audience);
        return Scopes.grantable(requested, api == null ? Set.of() : api.scopes(), client.grantedScopes(audience));
    }

    /**
     * Refuses an {@code audience} that names no configured API, or an API only machines may get tokens for (the
     * Management API: a user's login must never carry its scopes); null (no audience) is fine.
     */
    public void checkAudience(String audience) {
        if (audience != null
                && (!apis.containsKey(audience) || apis.get(audience).machineOnly())) {
            throw PhonepassException.of(ErrorCode.INVALID_AUDIENCE, "Service not found: " + audience);
        }
    }

    /** The {@code gty} claim of tokens from the client_credentials grant, as Auth0 writes it. */
    public static final String CLIENT_CREDENTIALS_GTY = "client-credentials";

    /** The {@code sub} of a client_credentials token: the client id and {@code @clients}, as Auth0 writes it. */
    public static String machineSubject(String clientId) {
        return clientId + "@clients";
    }

    /**
     * The client_credentials grant (docs/management.md#access): a JWT access token for an API, with the scopes the
     * client was granted for it ({@code clients[].api_grants}) that the API defines, narrowed to those asked for
     * when {@code scope} is given. No user, no id_token, no refresh token. The caller has authenticated the client
     * and checked that it may use the grant.
     *
     * @param requested the scopes asked for; empty asks for every granted scope
     * @throws PhonepassException {@code INVALID_AUDIENCE} for a missing or unknown audience, or one the client has
     *                            no grant for; {@code GRANT_NOT_ALLOWED} for a public client
     */
    public TokenResponse clientCredentials(Client client, String audience, Set<String> requested) {
        if (!client.isConfidential() || !client.allowsGrant(GrantType.CLIENT_CREDENTIALS)) {
            throw PhonepassException.of(
                    ErrorCode.GRANT_NOT_ALLOWED, "Grant type 'client_credentials' not allowed for the client.");
        }
        if (audience == null || audience.isEmpty()) {
            throw PhonepassException.of(
                    ErrorCode.INVALID_AUDIENCE,
                    "No audience parameter was provided, and no default audience has been configured");
        }
        Api api = apis.get(audience);
        if (api == null) {
            throw PhonepassException.of(ErrorCode.INVALID_AUDIENCE, "Service not found: " + audience);
        }
        if (!client.apiGrants().containsKey(audience)) {
            throw PhonepassException.of(
                    ErrorCode.INVALID_AUDIENCE,
                    "Client is not authorized to access \"" + audience
                            + "\". You need to create a \"client-grant\" associated to this API.");
        }
        Set<String> asked = requested.isEmpty() ? client.grantedScopes(audience) : requested;
        Set<String> scope = new LinkedHashSet<>();
        for (String s : asked) {
            // Only the API's own scopes, both defined by it and granted to the client: never an OIDC scope (there is
            // no user) and never a scope the settings did not grant, whatever the request says.
            if (api.scopes().contains(s) && client.grantedScopes(audience).contains(s)) {
                scope.add(s);
            }
        }
        Instant now = clock.instant();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", machineSubject(client.clientId()));
        claims.put("aud", audience);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(api.accessTokenLifetime()).getEpochSecond());
        claims.put("client_id", client.clientId());
        claims.put("azp", client.clientId());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("scope", Scopes.join(scope));
        claims.put("gty", CLIENT_CREDENTIALS_GTY);
        String token = signer.sign(claims, "at+jwt", api.signingAlgorithm());
        return new TokenResponse(null, token, null, api.accessTokenLifetime().toSeconds(), Scopes.join(scope));
    }

    /** Verifies a JWT access token this server signed ({@code at+jwt}): its claims, or empty. */
    public Optional<Map<String, Object>> verifyAccessToken(String token) {
        if (token == null || !looksLikeJwt(token)) {
            return Optional.empty();
        }
        return signer.verify(token, "at+jwt");
    }

    /**
     * Tokens stored but not yet signed. {@code opaqueAccessToken} is null when the access token is a JWT for an
     * API, signed by {@link #sign}.
     */
    public record Issued(
            Client client,
            User user,
            Set<String> scope,
            String audience,
            String nonce,
            boolean legacyProfile,
            String refreshToken,
            String opaqueAccessToken,
            Instant now,
            Instant authTime,
            String sid) {}

    /**
     * The refresh_token grant (docs/api.md, {@code POST /oauth/token}), with rotation and reuse detection when the
     * client rotates. The rotation (or the revocation it triggers) and the new access token are one unit of work; the
     * signature comes after it.
     */
    public TokenResponse refresh(Client client, String presented) {
        RefreshOutcome outcome = tryRefresh(client, presented);
        if (outcome.refused() != null) {
            throw outcome.refused();
        }
        return outcome.tokens();
    }

    /**
     * The refresh_token grant as a typed outcome, for callers that audit it: the tokens, or the refusal and whether
     * it was a replayed token (reuse detection revoked its family: the signal of a theft).
     */
    public RefreshOutcome tryRefresh(Client client, String presented) {
        if (!client.allowsGrant(GrantType.REFRESH_TOKEN)) {
            return new RefreshOutcome(
                    null,
                    PhonepassException.of(
                            ErrorCode.GRANT_NOT_ALLOWED, "Grant type 'refresh_token' not allowed for the client."),
                    false);
        }
        Instant now = clock.instant();
        byte[] key = OpaqueTokens.key(presented);
        Refreshed refreshed = writes.run(() -> refreshWrites(client, key, now));
        if (refreshed.refused() != null) {
            return new RefreshOutcome(null, refreshed.refused(), refreshed.replay());
        }
        return new RefreshOutcome(sign(refreshed.issued()), null, false);
    }

    /**
     * What a refresh did: {@code tokens} when it succeeded; otherwise {@code refused}, the error to answer, and
     * {@code replay}, true when the token had been used before and its family is now revoked.
     */
    public record RefreshOutcome(TokenResponse tokens, PhonepassException refused, boolean replay) {
        public RefreshOutcome {
            if ((tokens == null) == (refused == null)) {
                throw new IllegalArgumentException("exactly one of tokens and refused is set");
            }
        }
    }

    /** What a refresh wrote: the tokens to sign, or the refusal, whose revocations are kept all the same. */
    private record Refreshed(Issued issued, PhonepassException refused, boolean replay) {
        static Refreshed refused(String description) {
            return new Refreshed(null, PhonepassException.of(ErrorCode.INVALID_REFRESH_TOKEN, description), false);
        }

        static Refreshed replayed(String description) {
            return new Refreshed(null, PhonepassException.of(ErrorCode.INVALID_REFRESH_TOKEN, description), true);
        }
    }

    private Refreshed refreshWrites(Client client, byte[] key, Instant now) {
        RefreshTokenRecord record;
        String next = null;
        if (client.rotateRefreshTokens()) {
            next = opaqueTokens.next();
            RefreshTokenStore.Rotation rotation = refreshTokens.rotate(key, OpaqueTokens.key(next), now);
            if (rotation instanceof RefreshTokenStore.Rotation.Rotated rotated) {
                record = rotated.record();
            } else if (rotation instanceof RefreshTokenStore.Rotation.Reused) {
                return Refreshed.replayed(
                        "Unknown or invalid refresh token. It was used before, so its whole family is now revoked.");
            } else {
                return Refreshed.refused("Unknown or invalid refresh token.");
            }
        } else {
            Optional<RefreshTokenRecord> live = refreshTokens.findLive(key, now);
            if (live.isEmpty()) {
                return Refreshed.refused("Unknown or invalid refresh token.");
            }
            record = live.get();
        }
        if (!record.clientId().equals(client.clientId())) {
            // A token presented by another client is treated as stolen.
            refreshTokens.revokeFamily(next == null ? key : OpaqueTokens.key(next));
            return Refreshed.refused("Unknown or invalid refresh token.");
        }
        Optional<User> user = findUser(record.userId());
        if (user.isEmpty()) {
            return Refreshed.refused("Unknown or invalid refresh token.");
        }
        if (record.audience() != null && !apis.containsKey(record.audience())) {
            // Issued for an API that has since been taken out of the settings: no access token can be made for it.
            return Refreshed.refused(
                    "The API this refresh token was issued for is no longer configured: " + record.audience());
        }
        Set<String> scope = grantable(client, record.audience(), Scopes.parse(record.scope()));
        return new Refreshed(
                storeAccessToken(
                        client,
                        user.get(),
                        scope,
                        record.audience(),
                        null,
                        false,
                        next,
                        record.familyId(),
                        now,
                        record.authTime(),
                        record.sid()),
                null,
                false);
    }

    /**
     * {@code /oauth/revoke} (RFC 7009): a refresh token's family (with the opaque access tokens issued with it), or
     * an opaque access token. Unknown tokens are not an error. A token issued to another client is refused and left
     * alone (§2.1), and a JWT access token is refused as {@code unsupported_token_type} (§2.2.1): resource servers
     * verify it without asking this server, so it lives until it expires.
     */
    public void revoke(Client client, String token) {
        byte[] key = OpaqueTokens.key(token);
        Optional<RefreshTokenRecord> refresh = refreshTokens.find(key);
        if (refresh.isPresent()) {
            requireOwner(client, refresh.get().clientId());
            refreshTokens.revokeFamily(key);
            return;
        }
        Optional<AccessTokenRecord> access = accessTokens.find(key, clock.instant());
        if (access.isPresent()) {
            requireOwner(client, access.get().clientId());
            accessTokens.revoke(key);
            return;
        }
        if (looksLikeJwt(token)) {
            Optional<Map<String, Object>> claims = signer.verify(token, "at+jwt");
            if (claims.isPresent()) {
                requireOwner(client, String.valueOf(claims.get().get("client_id")));
                throw PhonepassException.of(
                        ErrorCode.UNSUPPORTED_TOKEN_TYPE,
                        "JWT access tokens cannot be "
                                + "revoked: they stay valid until they expire. Revoke the refresh token instead.");
            }
        }
    }

    private static void requireOwner(Client client, String owner) {
        if (!client.clientId().equals(owner)) {
            throw PhonepassException.of(
                    ErrorCode.TOKEN_NOT_FOR_CLIENT,
                    "The token was not issued to this client, so it may not revoke it.");
        }
    }

    /**
     * What a valid access token grants, for {@code /userinfo}.
     *
     * @param clientId the client it was issued to
     * @param scope    its scopes, which decide the claims {@code /userinfo} returns
     */
    public record AccessGrant(User user, String clientId, Set<String> scope) {}

    /** The user, client and scope behind an access token, opaque or JWT; empty for an invalid or revoked one. */
    public Optional<AccessGrant> accessGrant(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        if (looksLikeJwt(token)) {
            return signer.verify(token, "at+jwt")
                    .flatMap(c -> findUser(String.valueOf(c.get("sub")))
                            .map(u -> new AccessGrant(
                                    u,
                                    String.valueOf(c.get("client_id")),
                                    Scopes.parse(c.get("scope") instanceof String s ? s : null))));
        }
        return accessTokens
                .find(OpaqueTokens.key(token), clock.instant())
                .flatMap(r -> findUser(r.userId()).map(u -> new AccessGrant(u, r.clientId(), Scopes.parse(r.scope()))));
    }

    /**
     * What {@code /userinfo} answers for an access token (OIDC Core §5.4).
     *
     * @param clientId the client the token was issued to, whose allowed origins may read it
     * @param claims   {@code sub} always, the profile claims with {@code profile}, {@code phone_number} and
     *                 {@code phone_number_verified} with {@code phone}
     */
    public record UserInfo(String clientId, Map<String, Object> claims) {}

    /** The claims an access token's scope allows; empty for an invalid or revoked token. */
    public Optional<UserInfo> userInfo(String accessToken) {
        return accessGrant(accessToken).map(grant -> {
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("sub", grant.user().userId());
            if (grant.scope().contains(Scopes.PROFILE)) {
                claims.putAll(profiles.profileClaims(grant.user()));
            }
            if (grant.scope().contains(Scopes.PHONE)) {
                claims.putAll(profiles.phoneClaims(grant.user()));
            }
            return new UserInfo(grant.clientId(), claims);
        });
    }

    /** The user behind an access token, opaque or JWT. */
    public Optional<User> userForAccessToken(String token) {
        return accessGrant(token).map(AccessGrant::user);
    }

    /** The claims of a valid id_token issued by this server, for {@code /tokeninfo}. */
    public Optional<Map<String, Object>> verifyIdToken(String idToken) {
        if (idToken == null || !looksLikeJwt(idToken)) {
            return Optional.empty();
        }
        return signer.verify(idToken, "JWT");
    }

    public Optional<User> findUser(String userId) {
        if (userId == null || !userId.startsWith(USER_ID_PREFIX)) {
            return Optional.empty();
        }
        return users.findById(userId.substring(USER_ID_PREFIX.length()));
    }

    private Issued storeAccessToken(
            Client client,
            User user,
            Set<String> scope,
            String audience,
            String nonce,
            boolean legacyProfile,
            String refresh,
            String family,
            Instant now,
            Instant authTime,
            String sid) {
        String opaque = null;
        if (audience == null) {
            opaque = opaqueTokens.next();
            accessTokens.save(
                    OpaqueTokens.key(opaque),
                    new AccessTokenRecord(
                            user.userId(),
                            client.clientId(),
                            Scopes.join(scope),
                            now.plus(client.accessTokenLifetime()),
                            family));
        }
        return new Issued(
                client,
                user,
                Collections.unmodifiableSet(new LinkedHashSet<>(scope)),
                audience,
                nonce,
                legacyProfile,
                refresh,
                opaque,
                now,
                authTime,
                sid);
    }

    /** Signs what {@link #store} stored: the JWT access token for an API, then the id_token with its hash. */
    public TokenResponse sign(Issued issued) {
        Client client = issued.client();
        User user = issued.user();
        Set<String> scope = issued.scope();
        Instant now = issued.now();
        // The access token first: the id_token carries its hash.
        String accessToken;
        Duration atLifetime;
        if (issued.audience() != null) {
            Api api = apis.get(issued.audience());
            atLifetime = api.accessTokenLifetime();
            Map<String, Object> claims = baseClaims(user, issued.audience(), now, atLifetime);
            claims.put("client_id", client.clientId());
            claims.put("jti", UUID.randomUUID().toString());
            claims.put("scope", Scopes.join(scope));
            accessToken = signer.sign(claims, "at+jwt", api.signingAlgorithm());
        } else {
            atLifetime = client.accessTokenLifetime();
            accessToken = issued.opaqueAccessToken();
        }
        String idToken = null;
        if (scope.contains(Scopes.OPENID)) {
            Map<String, Object> claims = baseClaims(user, client.clientId(), now, client.idTokenLifetime());
            if (issued.nonce() != null && !issued.nonce().isEmpty()) {
                claims.put("nonce", issued.nonce());
            }
            if (issued.authTime() != null) {
                claims.put("auth_time", issued.authTime().getEpochSecond());
            }
            if (issued.sid() != null) {
                claims.put("sid", issued.sid());
            }
            // Required when both tokens travel in a redirect fragment (OIDC Core §3.2.2.10), where auth0-js 9
            // checks it; harmless and allowed on the token endpoint, so it is always there.
            claims.put("at_hash", atHash(accessToken));
            if (scope.contains(Scopes.PROFILE)) {
                claims.putAll(issued.legacyProfile() ? profiles.fullProfile(user) : profiles.profileClaims(user));
            }
            if (scope.contains(Scopes.PHONE)) {
                claims.putAll(profiles.phoneClaims(user));
            }
            idToken = signer.sign(claims, "JWT");
        }
        return new TokenResponse(
                idToken, accessToken, issued.refreshToken(), atLifetime.toSeconds(), Scopes.join(scope));
    }

    /** OIDC Core §3.1.3.6 for RS256: base64url of the left half of the SHA-256 of the access token's ASCII. */
    static String atHash(String accessToken) {
        byte[] digest = sha256(accessToken);
        return B64.encodeToString(java.util.Arrays.copyOf(digest, digest.length / 2));
    }

    private Map<String, Object> baseClaims(User user, String audience, Instant now, Duration lifetime) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", user.userId());
        claims.put("aud", audience);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(lifetime).getEpochSecond());
        return claims;
    }

    private static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first && token.length() < 16_384;
    }

    /** SHA-256 of a token: tokens are 256-bit random values, so a fast unsalted hash is enough to store them. */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
