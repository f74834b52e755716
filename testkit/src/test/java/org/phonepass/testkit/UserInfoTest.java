package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.phonepass.core.client.Client;
import org.phonepass.core.token.Scopes;
import org.phonepass.core.token.TokenResponse;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.User;

/** What {@code /userinfo} answers for an access token, decided by its scope (OIDC Core §5.4), without a server. */
class UserInfoTest {
    private static final String PHONE = "+12015550123";
    private final Client client = TestClients.client().build();
    private final LoginFixture f = LoginFixture.builder().build();

    private TokenResponse login(String scope) {
        return f.verify(
                        client,
                        PHONE,
                        f.sendCode(client, PHONE),
                        new TokenService.Request(Scopes.parse(scope), null, null, false))
                .tokens();
    }

    @Test
    void userInfoWhenOpenidOnlyThenSubAlone() {
        TokenService.UserInfo info =
                f.tokens.userInfo(login("openid").accessToken()).orElseThrow();
        User user = f.users.findByPhone(PHONE).orElseThrow();
        assertThat(info.clientId()).isEqualTo(client.clientId());
        assertThat(info.claims()).containsOnlyKeys("sub").containsEntry("sub", user.userId());
    }

    @Test
    void userInfoWhenProfileAndPhoneThenTheirClaimsInOrder() {
        TokenService.UserInfo info =
                f.tokens.userInfo(login("openid profile phone").accessToken()).orElseThrow();
        assertThat(info.claims().keySet())
                .containsExactly(
                        "sub", "name", "nickname", "picture", "updated_at", "phone_number", "phone_number_verified");
        assertThat(info.claims()).containsEntry("phone_number", PHONE).containsEntry("phone_number_verified", true);
    }

    @Test
    void userInfoWhenTokenUnknownOrRevokedThenEmpty() {
        TokenResponse tokens = login("openid phone");
        assertThat(f.tokens.userInfo("not-a-token")).isEmpty();
        assertThat(f.tokens.userInfo("")).isEmpty();
        f.tokens.revoke(client, tokens.accessToken());
        assertThat(f.tokens.userInfo(tokens.accessToken())).isEmpty();
    }
}
