package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.phonepass.core.client.Client;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.LoginService;
import org.phonepass.core.login.LoginTickets;

/** Login tickets: issued only for a right code, under the login service's limits, redeemed once, by one client. */
class LoginTicketsTest {
    private static final String PHONE = "+12015550123";
    private final RecordingAbusePolicy policy = new RecordingAbusePolicy();
    private final LoginFixture f = LoginFixture.builder().policy(policy).build();
    private final InMemoryLoginTicketStore store = new InMemoryLoginTicketStore();
    private final LoginTickets tickets = new LoginTickets(f.login, store, f.users, f.clock, new SecureRandom());
    private final Client app = TestClients.client().id("app").build();
    private final Client other = TestClients.client().id("other").build();

    private LoginTickets.Issued authenticate(Client client, String code) {
        return tickets.authenticate(
                new LoginTickets.AuthenticateCommand(client, PHONE, code, LoginFixture.IP, "https://app.example"),
                h -> {});
    }

    @Test
    void authenticateWhenCodeRightThenTicketRedeemsOnceForItsClientWithItsVerifier() {
        String code = f.sendCode(app, PHONE);
        LoginTickets.Issued issued = authenticate(app, code);
        assertThat(issued.loginTicket()).hasSize(51);
        assertThat(issued.coVerifier()).hasSize(43).isNotEqualTo(issued.loginTicket());
        assertThat(policy.names()).contains("verifySuccess");

        LoginTickets.Redeemed redeemed = tickets.redeem(app, issued.loginTicket(), issued.coVerifier());
        assertThat(redeemed.user().phone()).isEqualTo(PHONE);
        assertThat(redeemed.ticket().authTime()).isEqualTo(f.clock.instant());
        assertThat(redeemed.ticket().origin()).isEqualTo("https://app.example");

        assertThatThrownBy(() -> tickets.redeem(app, issued.loginTicket(), issued.coVerifier()))
                .isInstanceOfSatisfying(PhonepassException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CROSS_ORIGIN_DENIED);
                    assertThat(e.description()).isEqualTo(LoginTickets.INVALID_TICKET_DESCRIPTION);
                });
    }

    @Test
    void authenticateWhenCodeWrongThenWrongCodeCountedAndNoTicket() {
        f.sendCode(app, PHONE);
        assertThatThrownBy(() -> authenticate(app, "000000x")).isInstanceOfSatisfying(PhonepassException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.WRONG_CODE);
            assertThat(e.description()).isEqualTo(LoginService.WRONG_CODE_DESCRIPTION);
        });
        assertThat(policy.names()).contains("checkVerify", "verifyFailure");
        assertThat(store.deleteExpired(f.clock.instant().plus(Duration.ofDays(1))))
                .isZero();
    }

    @Test
    void authenticateWhenLimitsRefuseThenCodeNotCompared() {
        String code = f.sendCode(app, PHONE);
        policy.refuseVerify(PhonepassException.of(ErrorCode.TOO_MANY_ATTEMPTS, "locked"));
        assertThatThrownBy(() -> authenticate(app, code))
                .isInstanceOfSatisfying(
                        PhonepassException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS));
    }

    @Test
    void redeemWhenAnotherClientThenRefusedAndTicketUsedUp() {
        LoginTickets.Issued issued = authenticate(app, f.sendCode(app, PHONE));
        assertThatThrownBy(() -> tickets.redeem(other, issued.loginTicket(), issued.coVerifier()))
                .isInstanceOfSatisfying(
                        PhonepassException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CROSS_ORIGIN_DENIED));
        // Shown to the wrong client, it is taken for stolen: the right client cannot use it either.
        assertThatThrownBy(() -> tickets.redeem(app, issued.loginTicket(), issued.coVerifier()))
                .isInstanceOf(PhonepassException.class);
    }

    @Test
    void redeemWhenVerifierWrongOrMissingThenRefusedAndTicketUsedUp() {
        LoginTickets.Issued issued = authenticate(app, f.sendCode(app, PHONE));
        assertThatThrownBy(() -> tickets.redeem(app, issued.loginTicket(), "guess"))
                .isInstanceOf(PhonepassException.class);
        assertThatThrownBy(() -> tickets.redeem(app, issued.loginTicket(), issued.coVerifier()))
                .isInstanceOf(PhonepassException.class);
        LoginTickets.Issued second = authenticate(app, f.sendCode(app, PHONE));
        assertThatThrownBy(() -> tickets.redeem(app, second.loginTicket(), null))
                .isInstanceOf(PhonepassException.class);
    }

    @Test
    void redeemWhenSixtySecondsPassedThenRefused() {
        LoginTickets.Issued issued = authenticate(app, f.sendCode(app, PHONE));
        f.clock.advance(Duration.ofSeconds(60));
        assertThat(tickets.peek(issued.loginTicket())).isEmpty();
        assertThatThrownBy(() -> tickets.redeem(app, issued.loginTicket(), issued.coVerifier()))
                .isInstanceOf(PhonepassException.class);
    }

    @Test
    void redeemWhenFiftyNineSecondsPassedThenAccepted() {
        LoginTickets.Issued issued = authenticate(app, f.sendCode(app, PHONE));
        f.clock.advance(Duration.ofSeconds(59));
        assertThat(tickets.peek(issued.loginTicket())).isPresent();
        assertThat(tickets.redeem(app, issued.loginTicket(), issued.coVerifier())
                        .user()
                        .phone())
                .isEqualTo(PHONE);
    }

    @Test
    void redeemWhenGarbageThenRefusedWithoutError() {
        assertThat(tickets.peek("x".repeat(300))).isEmpty();
        assertThatThrownBy(() -> tickets.redeem(app, "", "v")).isInstanceOf(PhonepassException.class);
        assertThatThrownBy(() -> tickets.redeem(app, "nope", "v")).isInstanceOf(PhonepassException.class);
    }

    @Test
    void redeemFromOriginWhenTheOriginThatGotItThenAcceptedOnce() {
        LoginTickets.Issued issued = authenticate(app, f.sendCode(app, PHONE));
        assertThat(tickets.redeemFromOrigin(app, issued.loginTicket(), "https://app.example")
                        .user()
                        .phone())
                .isEqualTo(PHONE);
        assertThatThrownBy(() -> tickets.redeemFromOrigin(app, issued.loginTicket(), "https://app.example"))
                .isInstanceOf(PhonepassException.class);
    }

    @Test
    void redeemFromOriginWhenAnotherOriginThenRefusedAndUsedUp() {
        LoginTickets.Issued issued = authenticate(app, f.sendCode(app, PHONE));
        assertThatThrownBy(() -> tickets.redeemFromOrigin(app, issued.loginTicket(), "https://evil.example"))
                .isInstanceOf(PhonepassException.class);
        assertThatThrownBy(() -> tickets.redeem(app, issued.loginTicket(), issued.coVerifier()))
                .isInstanceOf(PhonepassException.class);
        LoginTickets.Issued other = authenticate(app, f.sendCode(app, PHONE));
        assertThatThrownBy(() -> tickets.redeemFromOrigin(this.other, other.loginTicket(), "https://app.example"))
                .isInstanceOf(PhonepassException.class);
    }
}
