package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.LoginService;
import org.phonepass.core.login.OtpSettings;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.ratelimit.RateLimitHeaders;
import org.phonepass.core.store.UnitOfWork;
import org.phonepass.core.token.Scopes;
import org.phonepass.core.token.TokenResponse;
import org.phonepass.core.token.TokenService;

/**
 * The rules of the code exchange, run on the in-memory seams without a server: expiry, attempts, kept codes,
 * sign-up disabled, audience, scopes, and the order in which the abuse policy is asked and told.
 */
class LoginServiceTest {
    private static final String PHONE = "+12015550123";
    private final Client client = TestClients.client().build();

    private static PhonepassException refusal(Runnable call) {
        try {
            call.run();
        } catch (PhonepassException e) {
            return e;
        }
        throw new AssertionError("expected a PhonepassException");
    }

    private static int attemptsRemaining(PhonepassException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.WRONG_CODE);
        assertThat(e.description()).isEqualTo(LoginService.WRONG_CODE_DESCRIPTION);
        return (Integer) e.details().get("attempts_remaining");
    }

    @Test
    void verifyWhenCodeRightThenUserCreatedAndTokensIssued() {
        LoginFixture f = LoginFixture.builder().build();
        String code = f.sendCode(client, PHONE);
        LoginService.LoginResult result = f.verify(
                client, PHONE, code, new TokenService.Request(Scopes.parse("openid profile"), null, "n-1", false));
        assertThat(result.user().phone()).isEqualTo(PHONE);
        assertThat(result.user().loginsCount()).isEqualTo(1);
        assertThat(result.user().lastIp()).isEqualTo(LoginFixture.IP);
        TokenResponse tokens = result.tokens();
        assertThat(tokens.scope()).isEqualTo("openid profile");
        assertThat(tokens.refreshToken()).isNull();
        assertThat(tokens.expiresIn()).isEqualTo(Duration.ofHours(24).toSeconds());
        assertThat(f.signer.claims(tokens.idToken()))
                .containsEntry("sub", result.user().userId())
                .containsEntry("aud", client.clientId())
                .containsEntry("nonce", "n-1")
                .containsEntry("iss", LoginFixture.ISSUER);
        assertThat(f.tokens.userForAccessToken(tokens.accessToken())).contains(result.user());
    }

    @Test
    void verifyWhenCodeRightThenTheLoginIsAuditedAfterItsUnitOfWorkNotInside() {
        List<Integer> eventsWhenUnitsEnded = new ArrayList<>();
        LoginFixture[] fixture = new LoginFixture[1];
        UnitOfWork unit = new UnitOfWork() {
            @Override
            public <T> T run(Supplier<T> work) {
                T result = work.get();
                eventsWhenUnitsEnded.add(fixture[0].audit.events().size());
                return result;
            }
        };
        LoginFixture f = LoginFixture.builder().unitOfWork(unit).build();
        fixture[0] = f;
        String code = f.sendCode(client, PHONE);
        int before = f.audit.events().size();
        LoginService.LoginResult result = f.verify(client, PHONE, code);
        assertThat(eventsWhenUnitsEnded).containsExactly(before);
        assertThat(f.audit.events().subList(before, f.audit.events().size()))
                .filteredOn(e -> e.type() == AuditEvent.Type.LOGIN)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
                    assertThat(e.userId()).isEqualTo(result.user().userId());
                    assertThat(e.detail()).isEqualTo("signup");
                });
    }

    @Test
    void verifyWhenTheLoginsCommitFailsThenNoSuccessfulLoginIsAudited() {
        UnitOfWork failingCommit = new UnitOfWork() {
            @Override
            public <T> T run(Supplier<T> work) {
                work.get();
                throw new IllegalStateException("commit failed");
            }
        };
        LoginFixture f = LoginFixture.builder().unitOfWork(failingCommit).build();
        String code = f.sendCode(client, PHONE);
        assertThatThrownBy(() -> f.verify(client, PHONE, code)).hasMessage("commit failed");
        assertThat(f.audit.events()).noneMatch(e -> e.type() == AuditEvent.Type.LOGIN);
    }

    @Test
    void verifyWhenSameCodeTwiceThenSecondIsWrongCode() {
        LoginFixture f = LoginFixture.builder().build();
        String code = f.sendCode(client, PHONE);
        f.verify(client, PHONE, code);
        assertThat(attemptsRemaining(refusal(() -> f.verify(client, PHONE, code))))
                .isZero();
    }

    @Test
    void verifyWhenCodeExpiredThenWrongCode() {
        LoginFixture f = LoginFixture.builder()
                .settings(TestOtpSettings.otp().codeTtl(Duration.ofMinutes(2)).build())
                .build();
        String code = f.sendCode(client, PHONE);
        f.clock.advance(Duration.ofMinutes(2));
        assertThat(attemptsRemaining(refusal(() -> f.verify(client, PHONE, code))))
                .isZero();
    }

    @Test
    void verifyWhenAttemptsSpentThenRightCodeIsRefused() {
        LoginFixture f = LoginFixture.builder()
                .settings(TestOtpSettings.otp().maxAttempts(3).build())
                .build();
        String code = f.sendCode(client, PHONE);
        String wrong = code.equals("000000") ? "111111" : "000000";
        assertThat(attemptsRemaining(refusal(() -> f.verify(client, PHONE, wrong))))
                .isEqualTo(2);
        assertThat(attemptsRemaining(refusal(() -> f.verify(client, PHONE, wrong))))
                .isEqualTo(1);
        assertThat(attemptsRemaining(refusal(() -> f.verify(client, PHONE, wrong))))
                .isZero();
        assertThat(attemptsRemaining(refusal(() -> f.verify(client, PHONE, code))))
                .isZero();
    }

    @Test
    void verifyWhenNewCodeSentThenOnlyKeptCodesWork() {
        LoginFixture none = LoginFixture.builder().build();
        String first = none.sendCode(client, PHONE);
        String second = none.sendCode(client, PHONE);
        if (!first.equals(second)) {
            attemptsRemaining(refusal(() -> none.verify(client, PHONE, first)));
        }
        assertThat(none.verify(client, PHONE, second).user().phone()).isEqualTo(PHONE);

        LoginFixture kept = LoginFixture.builder()
                .settings(TestOtpSettings.otp().keepPreviousCodes(1).build())
                .build();
        String older = kept.sendCode(client, PHONE);
        kept.sendCode(client, PHONE);
        assertThat(kept.verify(client, PHONE, older).user().phone()).isEqualTo(PHONE);
    }

    @Test
    void verifyWhenCodeOfOtherClientThenWrongCode() {
        LoginFixture f = LoginFixture.builder().build();
        String code = f.sendCode(TestClients.client().id("other").build(), PHONE);
        assertThat(attemptsRemaining(refusal(() -> f.verify(client, PHONE, code))))
                .isZero();
    }

    @Test
    void verifyWhenSignupDisabledAndNoUserThenCodeUsedAndWrongCode() {
        LoginFixture f = LoginFixture.builder()
                .settings(TestOtpSettings.otp()
                        .signupDisabled(OtpSettings.SignupDisabledResponse.SILENT)
                        .build())
                .build();
        Instant now = f.clock.instant();
        f.challenges.create(
                new Challenge(
                        "c1",
                        client.clientId(),
                        PHONE,
                        f.hasher.hash(client.clientId(), PHONE, "123456"),
                        now,
                        now.plusSeconds(300),
                        0,
                        3),
                0);
        assertThat(attemptsRemaining(refusal(() -> f.verify(client, PHONE, "123456"))))
                .isZero();
        assertThat(f.users.findByPhone(PHONE)).isEmpty();
        assertThat(((RecordingAbusePolicy) f.policy).names()).containsExactly("checkVerify", "verifyFailure");

        f.users.add("0123456789abcdef01234567", PHONE, now);
        String code = f.sendCode(client, PHONE);
        assertThat(f.verify(client, PHONE, code).user().loginsCount()).isEqualTo(1);
    }

    @Test
    void verifyWhenAudienceUnknownThenRefusedAndCodeKeptAndAudited() {
        LoginFixture f = LoginFixture.builder().build();
        String code = f.sendCode(client, PHONE);
        PhonepassException e = refusal(() -> f.verify(
                client,
                PHONE,
                code,
                new TokenService.Request(Set.of(Scopes.OPENID), "https://unknown.example", null, false)));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_AUDIENCE);
        RecordingAbusePolicy policy = (RecordingAbusePolicy) f.policy;
        assertThat(policy.names()).endsWith("checkVerify", "verifyAborted");
        assertThat(f.audit.events()).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AuditEvent.Type.VERIFY);
            assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.FAILURE);
            assertThat(event.detail()).isEqualTo("invalid_audience");
        });
        assertThat(f.verify(client, PHONE, code).tokens().accessToken()).isNotNull();
    }

    @Test
    void verifyWhenAudienceConfiguredThenAccessTokenIsJwtForIt() {
        LoginFixture f = LoginFixture.builder()
                .api("https://api.example", Duration.ofMinutes(10))
                .build();
        String code = f.sendCode(client, PHONE);
        TokenResponse tokens = f.verify(
                        client,
                        PHONE,
                        code,
                        new TokenService.Request(Set.of(Scopes.OPENID), "https://api.example", null, false))
                .tokens();
        assertThat(tokens.expiresIn()).isEqualTo(600);
        assertThat(f.signer.claims(tokens.accessToken()))
                .containsEntry("aud", "https://api.example")
                .containsEntry("client_id", client.clientId())
                .containsEntry("scope", "openid");
        assertThat(f.accessTokens.size()).as("a JWT access token is not stored").isZero();
    }

    @Test
    void verifyWhenOfflineAccessThenRefreshTokenOnlyForClientsWithTheGrant() {
        LoginFixture f = LoginFixture.builder().build();
        TokenService.Request offline =
                new TokenService.Request(Scopes.parse("openid offline_access"), null, null, false);
        TokenResponse granted =
                f.verify(client, PHONE, f.sendCode(client, PHONE), offline).tokens();
        assertThat(granted.refreshToken()).isNotNull();
        assertThat(granted.scope()).isEqualTo("openid offline_access");

        Client noRefresh =
                TestClients.client().id("spa").without(GrantType.REFRESH_TOKEN).build();
        TokenResponse plain = f.verify(noRefresh, PHONE, f.sendCode(noRefresh, PHONE), offline)
                .tokens();
        assertThat(plain.refreshToken()).isNull();
        assertThat(plain.scope()).isEqualTo("openid");
    }

    @Test
    void verifyWhenNoOpenidScopeThenNoIdToken() {
        LoginFixture f = LoginFixture.builder().build();
        TokenResponse tokens = f.verify(
                        client,
                        PHONE,
                        f.sendCode(client, PHONE),
                        new TokenService.Request(Set.of(Scopes.PHONE), null, null, false))
                .tokens();
        assertThat(tokens.idToken()).isNull();
        assertThat(tokens.accessToken()).isNotNull();
    }

    @Test
    void verifyWhenPolicyRefusesThenCodeIsNotSpent() {
        LoginFixture f = LoginFixture.builder()
                .settings(TestOtpSettings.otp().maxAttempts(1).build())
                .build();
        RecordingAbusePolicy policy = (RecordingAbusePolicy) f.policy;
        String code = f.sendCode(client, PHONE);
        policy.refuseVerify(PhonepassException.of(ErrorCode.TOO_MANY_ATTEMPTS, "Too many attempts."));
        for (int i = 0; i < 3; i++) {
            assertThat(refusal(() -> f.verify(client, PHONE, "999999")).code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        }
        policy.refuseVerify(null);
        // One attempt allowed, none spent by the refused requests.
        assertThat(f.verify(client, PHONE, code).user().phone()).isEqualTo(PHONE);
        assertThat(policy.names()).endsWith("checkVerify", "verifySuccess");
    }

    @Test
    void verifyWhenOutcomeKnownThenPolicyToldOnceAfterTheCompare() {
        LoginFixture f = LoginFixture.builder().build();
        RecordingAbusePolicy policy = (RecordingAbusePolicy) f.policy;
        String code = f.sendCode(client, "+1 201-555-0124");
        List<String> before = new ArrayList<>(policy.names());
        String wrong = code.equals("000000") ? "111111" : "000000";
        refusal(() -> f.verify(client, "+1 201-555-0124", wrong));
        f.verify(client, "+12015550124", code);
        assertThat(policy.names().subList(before.size(), policy.names().size()))
                .containsExactly("checkVerify", "verifyFailure", "checkVerify", "verifySuccess");
        // The number is parsed once and the policy sees it normalised, with the caller's address.
        assertThat(policy.calls().get(policy.calls().size() - 1))
                .isEqualTo(new RecordingAbusePolicy.Call("verifySuccess", "+12015550124", LoginFixture.IP));
    }

    @Test
    void verifyWhenNoLiveCodeThenSameWrongCodeButNotCountedAgainstTheNumber() {
        // Issue 16 #2: a guess that cannot succeed must not feed the number's lock, or anyone could lock any number.
        LoginFixture f = LoginFixture.builder().build();
        RecordingAbusePolicy policy = (RecordingAbusePolicy) f.policy;
        PhonepassException e = refusal(() -> f.verify(client, PHONE, "123456"));
        assertThat(e.code()).isEqualTo(ErrorCode.WRONG_CODE);
        assertThat(e.description()).isEqualTo(LoginService.WRONG_CODE_DESCRIPTION);
        assertThat(attemptsRemaining(e)).isZero();
        assertThat(policy.names()).containsExactly("checkVerify", "verifyNoLiveCode");

        // A code that died of its wrong tries is no live code either: only the three guesses at it counted.
        String code = f.sendCode(client, PHONE);
        String wrong = code.equals("000000") ? "111111" : "000000";
        int before = policy.names().size();
        for (int i = 0; i < 4; i++) {
            refusal(() -> f.verify(client, PHONE, wrong));
        }
        assertThat(policy.names().subList(before, policy.names().size()))
                .containsExactly(
                        "checkVerify",
                        "verifyFailure",
                        "checkVerify",
                        "verifyFailure",
                        "checkVerify",
                        "verifyFailure",
                        "checkVerify",
                        "verifyNoLiveCode");

        // The redirect flow's check too.
        before = policy.names().size();
        refusal(() -> f.login.check(
                new LoginService.CheckCommand(null, List.of(client), PHONE, wrong, LoginFixture.IP), h -> {}));
        assertThat(policy.names().subList(before, policy.names().size()))
                .containsExactly("checkVerify", "verifyNoLiveCode");
    }

    @Test
    void verifyWhenNumberInvalidThenWrongCodeCountedWithoutNumber() {
        LoginFixture f = LoginFixture.builder().build();
        RecordingAbusePolicy policy = (RecordingAbusePolicy) f.policy;
        assertThat(attemptsRemaining(refusal(() -> f.verify(client, "not a number", "123456"))))
                .isZero();
        assertThat(policy.calls())
                .containsExactly(
                        new RecordingAbusePolicy.Call("checkVerify", null, LoginFixture.IP),
                        new RecordingAbusePolicy.Call("verifyFailure", null, LoginFixture.IP));
    }

    @Test
    void verifyWhenCodeEmptyThenInvalidRequestAndAttemptGivenBack() {
        LoginFixture f = LoginFixture.builder().build();
        PhonepassException e = refusal(() -> f.verify(client, PHONE, ""));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.description()).isEqualTo("missing password parameter");
        assertThat(((RecordingAbusePolicy) f.policy).names()).containsExactly("checkVerify", "verifyAborted");
    }

    @Test
    void verifyWhenCodeLongerThan64ThenWrongCode() {
        LoginFixture f = LoginFixture.builder().build();
        f.sendCode(client, PHONE);
        assertThat(attemptsRemaining(refusal(() -> f.verify(client, PHONE, "1".repeat(65)))))
                .isZero();
    }

    @Test
    void verifyWhenPolicyAdvertisesLimitsThenCallerToldBeforeTheOutcome() {
        LoginFixture f = LoginFixture.builder().build();
        RateLimitHeaders headers = new RateLimitHeaders(10, 9, 1_800_000_000L, null);
        ((RecordingAbusePolicy) f.policy).advertise(headers);
        List<RateLimitHeaders> told = new ArrayList<>();
        assertThatThrownBy(() -> f.login.verify(
                        new LoginService.VerifyCommand(
                                client,
                                PHONE,
                                "123456",
                                LoginFixture.IP,
                                new TokenService.Request(Set.of(Scopes.OPENID), null, null, false)),
                        told::add))
                .isInstanceOf(PhonepassException.class);
        assertThat(told).containsExactly(headers);
    }

    @Test
    void checkWhenCodeRightForOneCandidateThenThatClientAndCodeStaysUsable() {
        LoginFixture f = LoginFixture.builder().build();
        Client other = TestClients.client().id("other").build();
        String code = f.sendCode(other, PHONE);
        Client matched = f.login.check(
                new LoginService.CheckCommand(null, List.of(client, other), PHONE, code, LoginFixture.IP), h -> {});
        assertThat(matched).isEqualTo(other);
        RecordingAbusePolicy policy = (RecordingAbusePolicy) f.policy;
        assertThat(policy.calls().get(policy.calls().size() - 1).name()).isEqualTo("verifySuccess");
        assertThat(f.verify(other, PHONE, code).user().phone()).isEqualTo(PHONE);
    }

    @Test
    void checkWhenWrongCodeThenAttemptCountedAndNoClientNamedIsAuditedAsAny() {
        LoginFixture f = LoginFixture.builder().build();
        String code = f.sendCode(client, PHONE);
        String wrong = code.equals("000000") ? "111111" : "000000";
        PhonepassException e = refusal(() -> f.login.check(
                new LoginService.CheckCommand(null, List.of(client), PHONE, wrong, LoginFixture.IP), h -> {}));
        assertThat(attemptsRemaining(e)).isEqualTo(2);
        PhonepassException missing = refusal(() -> f.login.check(
                new LoginService.CheckCommand(null, List.of(client), PHONE, "", LoginFixture.IP), h -> {}));
        assertThat(missing.description()).isEqualTo("missing verification_code parameter");
        assertThat(f.audit.events())
                .singleElement()
                .satisfies(event -> assertThat(event.clientId()).isEqualTo(LoginService.ANY_CLIENT));
    }

    @Test
    void redirectRequestWhenOfflineAccessAskedThenDroppedAndOpenidAddedForIdToken() {
        TokenService.Request r = TokenService.Request.redirect(Scopes.parse("profile offline_access"), true, null, "n");
        assertThat(r.scope()).containsExactly("profile", "openid");
        assertThat(r.legacyProfile()).isTrue();
        assertThat(TokenService.Request.redirect(Scopes.parse("profile"), false, null, null)
                        .scope())
                .containsExactly("profile");
    }

    @Test
    void refreshWhenTokenReplayedThenRefusalSaysReplay() {
        LoginFixture f = LoginFixture.builder().build();
        String refresh = f.verify(
                        client,
                        PHONE,
                        f.sendCode(client, PHONE),
                        new TokenService.Request(Scopes.parse("openid offline_access"), null, null, false))
                .tokens()
                .refreshToken();
        TokenService.RefreshOutcome first = f.tokens.tryRefresh(client, refresh);
        assertThat(first.tokens().refreshToken()).isNotNull().isNotEqualTo(refresh);
        TokenService.RefreshOutcome replay = f.tokens.tryRefresh(client, refresh);
        assertThat(replay.replay()).isTrue();
        assertThat(replay.refused().code()).isEqualTo(ErrorCode.INVALID_REFRESH_TOKEN);
        TokenService.RefreshOutcome unknown = f.tokens.tryRefresh(client, "nope");
        assertThat(unknown.replay()).isFalse();
        assertThat(unknown.refused().code()).isEqualTo(ErrorCode.INVALID_REFRESH_TOKEN);
    }

    @Test
    void signInWhenCodeRightThenUserAndNoTokens() {
        LoginFixture f = LoginFixture.builder().build();
        String code = f.sendCode(client, PHONE);
        int refreshBefore = f.refreshTokens.size();
        org.phonepass.core.user.User user =
                f.login.signIn(new LoginService.SignInCommand(client, PHONE, code, LoginFixture.IP), h -> {});
        assertThat(user.phone()).isEqualTo(PHONE);
        assertThat(user.loginsCount()).isEqualTo(1);
        assertThat(f.refreshTokens.size()).isEqualTo(refreshBefore);
        assertThat(attemptsRemaining(refusal(() ->
                        f.login.signIn(new LoginService.SignInCommand(client, PHONE, code, LoginFixture.IP), h -> {}))))
                .as("single use")
                .isZero();
    }

    @Test
    void signInWhenWrongCodeThenCountsAsVerifyFailure() {
        RecordingAbusePolicy policy = new RecordingAbusePolicy();
        LoginFixture f = LoginFixture.builder().policy(policy).build();
        String code = f.sendCode(client, PHONE);
        String wrong = code.equals("000000") ? "111111" : "000000";
        PhonepassException e = refusal(
                () -> f.login.signIn(new LoginService.SignInCommand(client, PHONE, wrong, LoginFixture.IP), h -> {}));
        assertThat(attemptsRemaining(e)).isEqualTo(2);
        assertThat(refusal(() -> f.login.signIn(
                                new LoginService.SignInCommand(client, PHONE, "", LoginFixture.IP), h -> {}))
                        .code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(f.login
                        .signIn(new LoginService.SignInCommand(client, PHONE, code, LoginFixture.IP), h -> {})
                        .phone())
                .isEqualTo(PHONE);
    }
}
