package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.client.Client;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.LoginService;
import org.phonepass.core.login.StartService;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.token.Scopes;
import org.phonepass.core.token.TokenService;
import org.phonepass.testkit.LoginFixture;
import org.phonepass.testkit.TestClients;
import org.phonepass.testkit.TestOtpSettings;

/**
 * An attacker with as many addresses as they like, against one number, through the login and start services with
 * the default limits (issue 16 #2, docs/security.md#wrong-code-limit): they cannot lock the owner out, and the
 * guesses that reach a live code stay within codes sent × {@code sms.max_attempts}, with the codes sent per day
 * bounded by the number's send limits.
 */
class GuessingAcrossNetworksTest {
    private static final String VICTIM = "+12015550188";
    private static final String OWNER_IP = LoginFixture.IP;
    private static final TokenService.Request OPENID =
            new TokenService.Request(Scopes.parse(Scopes.OPENID), null, null, false);
    private final Client client = TestClients.client().build();
    private int nextAddress;

    /** The defaults of docs/configuration.md: 6 digits, 3 attempts per code, no kept codes, the default limits. */
    private static LoginFixture fixture() {
        LimitsSettings settings = SettingsYaml.parse("");
        return LoginFixture.builder()
                .settings(TestOtpSettings.otp()
                        .codeLength(6)
                        .maxAttempts(3)
                        .keepPreviousCodes(0)
                        .codeTtl(Duration.ofMinutes(3))
                        .build())
                .policy(f -> new DefaultAbusePolicy(
                        settings,
                        new BucketRateLimiter(f.clock, settings.maxKeys()),
                        new InMemorySlidingWindowCounter(
                                f.clock, settings.pumping().window(), 12, settings.maxKeys()),
                        new PhoneNumberParser(null)::type,
                        List.of(),
                        f.audit,
                        new Recorders.Metrics(),
                        f.clock))
                .build();
    }

    /** A fresh address on a fresh network every call (IPv4, each address its own key). */
    private String freshAddress() {
        int n = nextAddress++;
        return "10." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff) + "." + (n & 0xff);
    }

    private static ErrorCode guess(LoginFixture f, Client client, String code, String ip) {
        try {
            f.login.verify(new LoginService.VerifyCommand(client, VICTIM, code, ip, OPENID), h -> {});
            return null;
        } catch (PhonepassException e) {
            return e.code();
        }
    }

    private static boolean start(LoginFixture f, Client client, String ip) {
        try {
            f.starts
                    .start(new StartService.StartCommand(client, VICTIM, "en", ip, null), h -> {})
                    .toCompletableFuture()
                    .join();
            return true;
        } catch (PhonepassException | CompletionException e) {
            return false;
        }
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    @Test
    void guessesFromManyNetworksWithAndWithoutALiveCodeCannotLockTheOwnerOut() {
        LoginFixture f = fixture();
        // Before any code: a thousand guesses from a thousand networks (before the fix, ten locked the number).
        for (int i = 0; i < 1000; i++) {
            assertThat(guess(f, client, String.format("%06d", i), freshAddress()))
                    .isEqualTo(ErrorCode.WRONG_CODE);
        }
        // Each of the owner's next codes: killed by three guesses from three networks (the residual denial of the
        // per-code attempt limit), then guessed at more, dead, from a hundred more.
        for (int round = 0; round < 3; round++) {
            String code = f.sendCode(client, VICTIM);
            for (int i = 0; i < 103; i++) {
                assertThat(guess(f, client, wrong(code), freshAddress())).isEqualTo(ErrorCode.WRONG_CODE);
            }
            assertThat(guess(f, client, code, OWNER_IP)).isEqualTo(ErrorCode.WRONG_CODE);
            f.clock.advance(Duration.ofMinutes(1));
        }
        assertThat(f.audit.events().stream().filter(e -> e.type() == AuditEvent.Type.LOCKOUT))
                .isEmpty();
        // The owner's fresh code, entered from the owner's network, works.
        String fresh = f.sendCode(client, VICTIM);
        assertThat(f.login
                        .verify(new LoginService.VerifyCommand(client, VICTIM, fresh, OWNER_IP, OPENID), h -> {})
                        .user()
                        .phone())
                .isEqualTo(VICTIM);
    }

    @Test
    void guessesFromOneNetworkLockOnlyThatNetworkOutOfTheNumber() {
        LoginFixture f = fixture();
        String attacker = "2001:db8:bad:1::";
        int refused = 0;
        for (int round = 0; round < 4; round++) {
            String code = f.sendCode(client, VICTIM);
            for (int i = 0; i < 3; i++) {
                ErrorCode outcome = guess(f, client, wrong(code), attacker + Integer.toHexString(round * 3 + i + 1));
                refused += outcome == ErrorCode.TOO_MANY_ATTEMPTS ? 1 : 0;
            }
        }
        // 12 guesses at live codes from one /64: the 11th and 12th are refused (10 an hour, then locked).
        assertThat(refused).isEqualTo(2);
        assertThat(f.audit.events().stream().filter(e -> e.type() == AuditEvent.Type.LOCKOUT))
                .hasSize(1);
        String fresh = f.sendCode(client, VICTIM);
        assertThat(guess(f, client, fresh, attacker + "ffff")).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(guess(f, client, fresh, OWNER_IP)).isNull();
    }

    @Test
    void overADayGuessesAtLiveCodesStayWithinCodesSentTimesAttempts() {
        LoginFixture f = fixture();
        int successes = 0;
        int next = 0;
        // A day, every five minutes: ask for a code from a fresh address, then 4 guesses from 4 fresh addresses (more
        // than a code survives).
        for (int step = 0; step < 24 * 12; step++) {
            start(f, client, freshAddress());
            for (int i = 0; i < 4; i++) {
                ErrorCode outcome = guess(f, client, String.format("%06d", next++ % 1_000_000), freshAddress());
                successes += outcome == null ? 1 : 0;
            }
            f.clock.advance(Duration.ofMinutes(5));
        }
        int sent = f.sms.sent().size();
        long liveGuesses = wrongCodeAudits(f);
        assertThat(liveGuesses + wrongCodeAudits(f, "no_live_code")).isEqualTo(24 * 12 * 4);
        // Continuous refill: capacity 10 plus 10 refilled within the day.
        assertThat(sent).isBetween(10, 20);
        assertThat(liveGuesses).isLessThanOrEqualTo(sent * 3);
        // Sign-ups are on, so a lucky guess would log in: at most 60 guesses at 1 in 10^6 each (6 × 10^-5).
        assertThat(successes).isZero();
    }

    /** Wrong guesses at a live code, as the policy audits them ("wrong_code"; no live code is "no_live_code"). */
    private static long wrongCodeAudits(LoginFixture f) {
        return wrongCodeAudits(f, "wrong_code");
    }

    private static long wrongCodeAudits(LoginFixture f, String detail) {
        return f.audit.events().stream()
                .filter(e -> e.type() == AuditEvent.Type.VERIFY && detail.equals(e.detail()))
                .count();
    }
}
