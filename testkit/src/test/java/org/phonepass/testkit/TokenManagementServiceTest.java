package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.token.AccessTokenRecord;
import org.phonepass.core.token.RefreshTokenRecord;
import org.phonepass.core.token.Scopes;
import org.phonepass.core.token.TokenResponse;
import org.phonepass.core.token.TokenService;

/**
 * The refresh_token grant and revocation as the domain runs them, on the in-memory seams without a server: the
 * audit events each outcome writes (docs/security.md#6-audit-events), reuse detection, the owner check, and the
 * revoke limit asked before anything else.
 */
class TokenManagementServiceTest {
    private static final String PHONE = "+12015550123";
    private static final String IP = "198.51.100.9";
    private final Client client = TestClients.client().build();
    private final RecordingAbusePolicy policy = new RecordingAbusePolicy();
    private final LoginFixture f = LoginFixture.builder().policy(policy).build();

    /** A login with {@code offline_access}: its tokens, a refresh token among them. */
    private TokenResponse login(Client c) {
        return f.verify(
                        c,
                        PHONE,
                        f.sendCode(c, PHONE),
                        new TokenService.Request(Scopes.parse("openid offline_access"), null, null, false))
                .tokens();
    }

    private List<AuditEvent> audited(AuditEvent.Type type) {
        return f.audit.events().stream().filter(e -> e.type() == type).toList();
    }

    private static PhonepassException refusal(Runnable call) {
        try {
            call.run();
        } catch (PhonepassException e) {
            return e;
        }
        throw new AssertionError("expected a PhonepassException");
    }

    @Test
    void refreshWhenTokenLiveThenNewTokensAndSuccessAudited() {
        String refresh = login(client).refreshToken();
        TokenResponse renewed = f.management.refresh(client, refresh, IP);
        assertThat(renewed.refreshToken()).isNotNull().isNotEqualTo(refresh);
        assertThat(f.tokens.userForAccessToken(renewed.accessToken())).isPresent();
        assertThat(audited(AuditEvent.Type.REFRESH)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
            assertThat(e.detail()).isNull();
            assertThat(e.clientId()).isEqualTo(client.clientId());
            assertThat(e.ip()).isEqualTo(IP);
            assertThat(e.maskedPhone()).isNull();
            assertThat(e.time()).isEqualTo(f.clock.instant());
        });
    }

    @Test
    void refreshWhenTokenReplayedThenFamilyRevokedAndReuseAudited() {
        String first = login(client).refreshToken();
        String second = f.management.refresh(client, first, IP).refreshToken();
        PhonepassException replay = refusal(() -> f.management.refresh(client, first, IP));
        assertThat(replay.code()).isEqualTo(ErrorCode.INVALID_REFRESH_TOKEN);
        // The whole family went with the replay: the token the thief or the owner holds now is dead too.
        PhonepassException after = refusal(() -> f.management.refresh(client, second, IP));
        assertThat(after.code()).isEqualTo(ErrorCode.INVALID_REFRESH_TOKEN);
        assertThat(audited(AuditEvent.Type.REFRESH))
                .extracting(AuditEvent::outcome, AuditEvent::detail)
                .containsExactly(
                        tuple(AuditEvent.Outcome.SUCCESS, null),
                        tuple(AuditEvent.Outcome.FAILURE, "reuse_family_revoked"),
                        tuple(AuditEvent.Outcome.FAILURE, "invalid_refresh_token"));
    }

    @Test
    void refreshWhenTokenUnknownThenInvalidTokenAudited() {
        PhonepassException e = refusal(() -> f.management.refresh(client, "not-a-token", IP));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REFRESH_TOKEN);
        assertThat(audited(AuditEvent.Type.REFRESH)).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.FAILURE);
            assertThat(event.detail()).isEqualTo("invalid_refresh_token");
            assertThat(event.ip()).isEqualTo(IP);
        });
    }

    @Test
    void refreshWhenClientLacksTheGrantThenRefusedAndAudited() {
        String refresh = login(client).refreshToken();
        Client narrowed = TestClients.client().without(GrantType.REFRESH_TOKEN).build();
        PhonepassException e = refusal(() -> f.management.refresh(narrowed, refresh, IP));
        assertThat(e.code()).isEqualTo(ErrorCode.GRANT_NOT_ALLOWED);
        assertThat(audited(AuditEvent.Type.REFRESH))
                .singleElement()
                .extracting(AuditEvent::outcome, AuditEvent::detail)
                .containsExactly(AuditEvent.Outcome.FAILURE, "grant_not_allowed");
    }

    @Test
    void revokeWhenOwnTokenThenFamilyEndsAndSuccessAudited() {
        TokenResponse tokens = login(client);
        f.management.admitRevoke(IP).revoke(client, tokens.refreshToken());
        assertThat(refusal(() -> f.tokens.refresh(client, tokens.refreshToken()))
                        .code())
                .isEqualTo(ErrorCode.INVALID_REFRESH_TOKEN);
        // The opaque access token issued with it goes with the family.
        assertThat(f.tokens.userForAccessToken(tokens.accessToken())).isEmpty();
        assertThat(policy.calls()).last().isEqualTo(new RecordingAbusePolicy.Call("checkRevoke", null, IP));
        assertThat(audited(AuditEvent.Type.REVOKE)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
            assertThat(e.detail()).isNull();
            assertThat(e.clientId()).isEqualTo(client.clientId());
            assertThat(e.ip()).isEqualTo(IP);
        });
    }

    @Test
    void revokeWhenTokenUnknownThenSuccessAuditedAsTheAnswerIs() {
        f.management.admitRevoke(IP).revoke(client, "never-issued");
        assertThat(audited(AuditEvent.Type.REVOKE))
                .singleElement()
                .extracting(AuditEvent::outcome)
                .isEqualTo(AuditEvent.Outcome.SUCCESS);
    }

    @Test
    void revokeWhenAnotherClientsTokenThenRefusedLeftAloneAndAudited() {
        String refresh = login(client).refreshToken();
        Client other = TestClients.client().id("other-app").build();
        PhonepassException e = refusal(() -> f.management.admitRevoke(IP).revoke(other, refresh));
        assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_NOT_FOR_CLIENT);
        // Not revoked: its own client can still use it.
        assertThat(f.tokens.refresh(client, refresh).refreshToken()).isNotNull();
        assertThat(audited(AuditEvent.Type.REVOKE)).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.REFUSED);
            assertThat(event.detail()).isEqualTo("token_not_for_client");
            assertThat(event.clientId()).isEqualTo("other-app");
            assertThat(event.ip()).isEqualTo(IP);
        });
    }

    @Test
    void revokeWhenLimitRefusesThenNothingElseHappens() {
        String refresh = login(client).refreshToken();
        int callsBefore = policy.calls().size();
        int eventsBefore = f.audit.events().size();
        policy.refuseRevoke(PhonepassException.of(ErrorCode.TOO_MANY_REQUESTS, "Too many requests"));
        assertThatThrownBy(() -> f.management.admitRevoke(IP))
                .isInstanceOf(PhonepassException.class)
                .extracting(t -> ((PhonepassException) t).code())
                .isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        assertThat(policy.calls().subList(callsBefore, policy.calls().size()))
                .containsExactly(new RecordingAbusePolicy.Call("checkRevoke", null, IP));
        // No revocation was handed out, so nothing was revoked or audited (the policy audits its own refusals).
        assertThat(f.audit.events()).hasSize(eventsBefore);
        assertThat(f.tokens.refresh(client, refresh).refreshToken()).isNotNull();
    }

    @Test
    void tokensWhenIssuedByAnEarlierVersionThenStillRefreshReadAndRevokeUnderTheirBareHash() {
        // Earlier versions issued 43-character tokens stored under their bare SHA-256; an upgrade must not end them.
        login(client);
        String user = f.users.findByPhone(PHONE).orElseThrow().userId();
        Instant now = f.clock.instant();
        String refresh = "r".repeat(43);
        String access = "a".repeat(43);
        f.refreshTokens.save(
                TokenService.sha256(refresh),
                new RefreshTokenRecord(
                        "family-earlier",
                        user,
                        client.clientId(),
                        "openid offline_access",
                        null,
                        now,
                        now.plusSeconds(3600)));
        f.accessTokens.save(
                TokenService.sha256(access),
                new AccessTokenRecord(user, client.clientId(), "openid", now.plusSeconds(3600), "family-earlier"));

        assertThat(f.tokens.userForAccessToken(access)).isPresent();
        TokenResponse renewed = f.management.refresh(client, refresh, IP);
        assertThat(renewed.refreshToken()).hasSize(51).isNotEqualTo(refresh);
        assertThat(f.tokens.userForAccessToken(renewed.accessToken())).isPresent();

        f.management.admitRevoke(IP).revoke(client, renewed.refreshToken());
        // The whole family ends, the earlier version's access token with it.
        assertThat(f.tokens.userForAccessToken(access)).isEmpty();
        assertThat(f.tokens.userForAccessToken(renewed.accessToken())).isEmpty();
    }
}
