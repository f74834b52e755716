package org.phonepass.testkit;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.phonepass.core.abuse.AbusePolicy;
import org.phonepass.core.client.Client;
import org.phonepass.core.login.LoginService;
import org.phonepass.core.login.OtpSettings;
import org.phonepass.core.login.StartService;
import org.phonepass.core.otp.CodeHasher;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.store.UnitOfWork;
import org.phonepass.core.token.Scopes;
import org.phonepass.core.token.TokenManagementService;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.Profiles;

/**
 * The login, start and token-management services wired over the in-memory seams, with a settable clock: what a
 * domain test needs to run the login rules without a server or a database. {@code LoginFixture.builder().settings(...).build()}.
 */
public final class LoginFixture {
    public static final String ISSUER = "https://login.example/";
    public static final String IP = "203.0.113.7";

    public final MutableClock clock;
    public final InMemoryChallengeStore challenges = new InMemoryChallengeStore();
    public final InMemoryUserStore users = new InMemoryUserStore();
    public final InMemoryRefreshTokenStore refreshTokens = new InMemoryRefreshTokenStore();
    public final InMemoryAccessTokenStore accessTokens = new InMemoryAccessTokenStore(refreshTokens);
    public final InMemoryTokenSigner signer = new InMemoryTokenSigner();
    public final RecordingSmsProvider sms = new RecordingSmsProvider();
    public final RecordingAuditLog audit = new RecordingAuditLog();
    public final PhoneNumberParser phones = new PhoneNumberParser(null);
    /** The codes' HMAC, keyed with zeros: for tests that plant a challenge without a start. */
    public final CodeHasher hasher = new CodeHasher(new byte[CodeHasher.MIN_KEY_BYTES]);

    public final AbusePolicy policy;
    public final TokenService tokens;
    public final LoginService login;
    public final StartService starts;
    public final TokenManagementService management;

    private LoginFixture(Builder b) {
        this.clock = b.clock;
        this.policy = b.policy.apply(this);
        SecureRandom random = new SecureRandom();
        this.tokens = new TokenService(
                ISSUER,
                signer,
                accessTokens,
                refreshTokens,
                users,
                new Profiles(ISSUER + "avatar.svg"),
                b.apis,
                clock,
                random,
                UnitOfWork.NONE);
        this.login = new LoginService(
                b.settings,
                new LoginService.Parts(phones, challenges, users, tokens, hasher, b.unitOfWork),
                policy,
                audit,
                clock,
                random);
        this.starts = new StartService(
                b.settings,
                new StartService.Parts(phones, challenges, users, sms, hasher, StartService.FixedCodes.NONE),
                policy,
                clock,
                random);
        this.management = new TokenManagementService(tokens, policy, audit, clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a login for {@code phone} and returns the code the SMS carried. */
    public String sendCode(Client client, String phone) {
        try {
            starts.start(new StartService.StartCommand(client, phone, "en", IP, null), h -> {})
                    .toCompletableFuture()
                    .join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return sms.last().code();
    }

    /** Exchanges a code with the scope {@code openid}, as {@code /oauth/token} does without a scope. */
    public LoginService.LoginResult verify(Client client, String phone, String code) {
        return verify(client, phone, code, new TokenService.Request(Scopes.parse(Scopes.OPENID), null, null, false));
    }

    public LoginService.LoginResult verify(Client client, String phone, String code, TokenService.Request request) {
        return login.verify(new LoginService.VerifyCommand(client, phone, code, IP, request), h -> {});
    }

    /** Builds a fixture; every setter returns the builder. */
    public static final class Builder {
        private OtpSettings settings = TestOtpSettings.otp().build();
        private MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        private Function<LoginFixture, AbusePolicy> policy = f -> new RecordingAbusePolicy();
        private final Map<String, TokenService.Api> apis = new LinkedHashMap<>();
        private UnitOfWork unitOfWork = UnitOfWork.NONE;

        private Builder() {}

        /** The unit of work the login's writes run in; by default none (each store call on its own). */
        public Builder unitOfWork(UnitOfWork unitOfWork) {
            this.unitOfWork = unitOfWork;
            return this;
        }

        public Builder settings(OtpSettings settings) {
            this.settings = settings;
            return this;
        }

        public Builder clock(MutableClock clock) {
            this.clock = clock;
            return this;
        }

        /** The policy; by default a {@link RecordingAbusePolicy} that allows everything. */
        public Builder policy(AbusePolicy policy) {
            this.policy = f -> policy;
            return this;
        }

        /** A policy built from the fixture (its clock, its audit log). */
        public Builder policy(Function<LoginFixture, AbusePolicy> policy) {
            this.policy = policy;
            return this;
        }

        /** An API audience, with RS256 access tokens of the given lifetime. */
        public Builder api(String audience, Duration lifetime) {
            apis.put(audience, new TokenService.Api(lifetime, "RS256"));
            return this;
        }

        public LoginFixture build() {
            return new LoginFixture(this);
        }
    }
}
