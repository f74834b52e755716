package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.phonepass.core.authorize.AuthorizationCodeRecord;
import org.phonepass.core.authorize.AuthorizationCodeService;
import org.phonepass.core.authorize.AuthorizationCodeService.Exchange;
import org.phonepass.core.authorize.AuthorizationCodeService.Grant;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.ClientSecrets;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.store.UnitOfWork;
import org.phonepass.core.token.OpaqueTokens;
import org.phonepass.core.token.TokenResponse;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.User;

/** The authorization code grant's rules (docs/hosted-login.md#authorization-codes), on the in-memory stores. */
class AuthorizationCodeServiceTest {
    private static final String CB = "https://app.example/callback";
    private static final String VERIFIER = "dBjftJeZ4CVP-mJ92K9dqz0QvJxF8sNgW1OoGc3Qj5Xk";

    private final LoginFixture f = LoginFixture.builder().build();
    private final InMemoryAuthorizationCodeStore store = new InMemoryAuthorizationCodeStore();
    private final AuthorizationCodeService codes = new AuthorizationCodeService(
            store, f.tokens, f.accessTokens, f.refreshTokens, UnitOfWork.NONE, f.clock, new SecureRandom());
    private final Client spa = TestClients.client().build();
    private final User user = f.users
            .recordLogin("+12015550123", "000000000000000000000001", "203.0.113.1", f.clock.instant(), true)
            .orElseThrow();

    private static String challenge(String verifier) throws Exception {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes()));
    }

    private String code(Client client, String scope, String challenge) {
        return codes.issue(
                client,
                user.userId(),
                new Grant(
                        CB,
                        challenge,
                        scope,
                        null,
                        "bm9uY2U+/=",
                        f.clock.instant().minusSeconds(3),
                        "sid-1"));
    }

    private static ErrorCode refusal(Runnable call) {
        try {
            call.run();
        } catch (PhonepassException e) {
            return e.code();
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void exchangeWhenPkceRightThenTokensCarryNonceAuthTimeSid() throws Exception {
        String code = code(spa, "openid profile offline_access", challenge(VERIFIER));
        TokenResponse t = codes.exchange(new Exchange(spa, code, CB, VERIFIER));
        assertThat(t.refreshToken()).isNotNull();
        assertThat(f.signer.claims(t.idToken()))
                .containsEntry("nonce", "bm9uY2U+/=")
                .containsEntry("sid", "sid-1")
                .containsEntry("auth_time", f.clock.instant().minusSeconds(3).getEpochSecond())
                .containsEntry("sub", user.userId())
                .containsKey("name");
        assertThat(f.tokens.userForAccessToken(t.accessToken())).contains(user);
    }

    @Test
    void exchangeWhenReplayedThenRefusedAndFirstTokensRevoked() throws Exception {
        String code = code(spa, "openid offline_access", challenge(VERIFIER));
        TokenResponse first = codes.exchange(new Exchange(spa, code, CB, VERIFIER));
        assertThat(refusal(() -> codes.exchange(new Exchange(spa, code, CB, VERIFIER))))
                .isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(f.tokens.userForAccessToken(first.accessToken())).isEmpty();
        assertThatThrownBy(() -> f.tokens.refresh(spa, first.refreshToken())).isInstanceOf(PhonepassException.class);
    }

    @Test
    void exchangeWhenWrongVerifierRedirectOrClientThenInvalidGrantAndCodeUsedUp() throws Exception {
        String c1 = code(spa, "openid", challenge(VERIFIER));
        assertThat(refusal(() -> codes.exchange(new Exchange(spa, c1, CB, VERIFIER.replace('d', 'e')))))
                .isEqualTo(ErrorCode.INVALID_GRANT);
        assertThat(refusal(() -> codes.exchange(new Exchange(spa, c1, CB, VERIFIER))))
                .as("used up by the failed try")
                .isEqualTo(ErrorCode.INVALID_GRANT);
        String c2 = code(spa, "openid", challenge(VERIFIER));
        assertThat(refusal(() -> codes.exchange(new Exchange(spa, c2, CB + "/", VERIFIER))))
                .isEqualTo(ErrorCode.INVALID_GRANT);
        String c3 = code(spa, "openid", challenge(VERIFIER));
        Client other = TestClients.client().id("other").build();
        assertThat(refusal(() -> codes.exchange(new Exchange(other, c3, CB, VERIFIER))))
                .isEqualTo(ErrorCode.INVALID_GRANT);
        String c4 = code(spa, "openid", challenge(VERIFIER));
        assertThat(refusal(() -> codes.exchange(new Exchange(spa, c4, CB, null))))
                .isEqualTo(ErrorCode.INVALID_GRANT);
    }

    @Test
    void codeWhenIssuedThenKeyedByItsTimeAndACodeOfAnEarlierVersionStillExchanges() throws Exception {
        String code = code(spa, "openid", challenge(VERIFIER));
        assertThat(code).hasSize(51);
        assertThat(Arrays.copyOf(OpaqueTokens.key(code), 6))
                .as("the key begins with the millisecond the code was issued")
                .isEqualTo(Arrays.copyOfRange(
                        ByteBuffer.allocate(8).putLong(f.clock.millis()).array(), 2, 8));

        // Earlier versions issued 32 random bytes (43 characters) and stored the code under their SHA-256; one issued
        // just before an upgrade is still exchanged.
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String earlier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        store.save(
                TokenService.sha256(earlier),
                new AuthorizationCodeRecord(
                        spa.clientId(),
                        user.userId(),
                        CB,
                        challenge(VERIFIER),
                        "openid",
                        null,
                        null,
                        f.clock.instant(),
                        "sid-1",
                        f.clock.instant().plus(AuthorizationCodeService.CODE_LIFETIME)));
        TokenResponse t = codes.exchange(new Exchange(spa, earlier, CB, VERIFIER));
        assertThat(f.signer.claims(t.idToken())).containsEntry("sub", user.userId());
        assertThat(refusal(() -> codes.exchange(new Exchange(spa, earlier, CB, VERIFIER))))
                .as("still used once")
                .isEqualTo(ErrorCode.INVALID_GRANT);
    }

    @Test
    void exchangeWhenExpiredThenInvalidGrant() throws Exception {
        String code = code(spa, "openid", challenge(VERIFIER));
        f.clock.advance(AuthorizationCodeService.CODE_LIFETIME);
        assertThat(refusal(() -> codes.exchange(new Exchange(spa, code, CB, VERIFIER))))
                .isEqualTo(ErrorCode.INVALID_GRANT);
    }

    @Test
    void exchangeWhenNoChallengeThenOnlyConfidentialClientWithoutVerifier() {
        Client backend = TestClients.client()
                .id("backend")
                .secretHash(ClientSecrets.hash("secret"))
                .build();
        String code = code(backend, "openid", null);
        assertThat(codes.exchange(new Exchange(backend, code, CB, null)).idToken())
                .isNotNull();
        String publicCode = code(spa, "openid", null);
        assertThat(refusal(() -> codes.exchange(new Exchange(spa, publicCode, CB, null))))
                .isEqualTo(ErrorCode.INVALID_GRANT);
    }

    @Test
    void exchangeWhenGrantNotAllowedOrParametersMissingThenRefusedBeforeTheCode() throws Exception {
        String code = code(spa, "openid", challenge(VERIFIER));
        Client noGrant =
                TestClients.client().without(GrantType.AUTHORIZATION_CODE).build();
        assertThat(refusal(() -> codes.exchange(new Exchange(noGrant, code, CB, VERIFIER))))
                .isEqualTo(ErrorCode.GRANT_NOT_ALLOWED);
        assertThat(refusal(() -> codes.exchange(new Exchange(spa, code, null, VERIFIER))))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(refusal(() -> codes.exchange(new Exchange(spa, null, CB, VERIFIER))))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(codes.exchange(new Exchange(spa, code, CB, VERIFIER)).idToken())
                .as("still usable")
                .isNotNull();
    }

    @Test
    void deleteExpiredWhenLongPastThenGone() throws Exception {
        code(spa, "openid", challenge(VERIFIER));
        f.clock.advance(Duration.ofMinutes(12));
        assertThat(codes.deleteExpired()).isEqualTo(1);
    }
}
