package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.phonepass.core.client.Client;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.testkit.LoginFixture;
import org.phonepass.testkit.TestClients;
import org.phonepass.testkit.TestOtpSettings;

/**
 * The login service with the real abuse policy over the embedded limiter, without a server: the number's lockout
 * across codes, the reset after a success, and the pumping breaker's conversion count, all driven through
 * {@code LoginService} and {@code StartService} as an endpoint would.
 */
class LoginWithDefaultPolicyTest {
    private static final String PHONE = "+12015550188";
    private final Client client = TestClients.client().build();

    private static LoginFixture fixture(String yaml) {
        LimitsSettings settings = SettingsYaml.parse(yaml);
        return LoginFixture.builder()
                .settings(TestOtpSettings.otp()
                        .maxAttempts(5)
                        .codeTtl(Duration.ofMinutes(10))
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

    private static ErrorCode outcome(Runnable call) {
        try {
            call.run();
            return null;
        } catch (PhonepassException e) {
            return e.code();
        }
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    @Test
    void verifyWhenWrongCodesReachTheBudgetThenNumberLockedEvenWithTheRightCode() {
        LoginFixture f = fixture("limits: {wrong_codes_per_phone: {capacity: 3, period: 1h, lockout: 15m}}");
        String code = f.sendCode(client, PHONE);
        for (int i = 0; i < 3; i++) {
            assertThat(outcome(() -> f.verify(client, PHONE, wrong(code)))).isEqualTo(ErrorCode.WRONG_CODE);
        }
        // The fourth request is refused before the compare: the right code is not even tried, nor spent.
        assertThat(outcome(() -> f.verify(client, PHONE, code))).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        f.clock.advance(Duration.ofMinutes(15));
        // The lock is over, but the budget (3 an hour) has not given back a whole token yet.
        String next = f.sendCode(client, PHONE);
        assertThat(outcome(() -> f.verify(client, PHONE, next))).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        f.clock.advance(Duration.ofMinutes(5));
        assertThat(f.verify(client, PHONE, next).user().phone()).isEqualTo(PHONE);
    }

    @Test
    void verifyWhenCodeAcceptedThenEarlierWrongCodesNoLongerCountAndTheConversionIsCounted() {
        InMemorySlidingWindowCounter[] counter = new InMemorySlidingWindowCounter[1];
        LimitsSettings settings =
                SettingsYaml.parse("limits: {wrong_codes_per_phone: {capacity: 3, period: 1h, lockout: 15m}}");
        LoginFixture f = LoginFixture.builder()
                .policy(fx -> {
                    counter[0] = new InMemorySlidingWindowCounter(
                            fx.clock, settings.pumping().window(), 12, settings.maxKeys());
                    return new DefaultAbusePolicy(
                            settings,
                            new BucketRateLimiter(fx.clock, settings.maxKeys()),
                            counter[0],
                            new PhoneNumberParser(null)::type,
                            List.of(),
                            fx.audit,
                            new Recorders.Metrics(),
                            fx.clock);
                })
                .build();
        String first = f.sendCode(client, PHONE);
        assertThat(outcome(() -> f.verify(client, PHONE, wrong(first)))).isEqualTo(ErrorCode.WRONG_CODE);
        assertThat(outcome(() -> f.verify(client, PHONE, wrong(first)))).isEqualTo(ErrorCode.WRONG_CODE);
        f.verify(client, PHONE, first);
        assertThat(counter[0].count("verified:country:1")).isEqualTo(1);
        assertThat(counter[0].count("verified:ip:" + LoginFixture.IP)).isEqualTo(1);

        // Without the reset the budget of 3 would be spent by the two typos and the success.
        String second = f.sendCode(client, PHONE);
        assertThat(outcome(() -> f.verify(client, PHONE, wrong(second)))).isEqualTo(ErrorCode.WRONG_CODE);
        assertThat(outcome(() -> f.verify(client, PHONE, wrong(second)))).isEqualTo(ErrorCode.WRONG_CODE);
        assertThat(f.verify(client, PHONE, second).user().loginsCount()).isEqualTo(2);
    }

    @Test
    void verifyWhenRequestMalformedThenNoWrongCodeIsCounted() {
        LoginFixture f = fixture("limits: {wrong_codes_per_phone: {capacity: 2, period: 1h, lockout: 15m}}");
        String code = f.sendCode(client, PHONE);
        for (int i = 0; i < 5; i++) {
            assertThat(outcome(() -> f.verify(client, PHONE, ""))).isEqualTo(ErrorCode.INVALID_REQUEST);
        }
        assertThat(f.verify(client, PHONE, code).user().phone()).isEqualTo(PHONE);
    }
}
