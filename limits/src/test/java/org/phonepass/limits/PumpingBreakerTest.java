package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.limits.PolicyFixture.ghanaMobile;
import static org.phonepass.limits.PolicyFixture.start;
import static org.phonepass.limits.PolicyFixture.ukMobile;
import static org.phonepass.limits.PolicyFixture.verify;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.StartContext;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;

/**
 * A pumping run: a botnet (one address per request, so no per-address limit fires) asks for codes to many Ghanaian
 * numbers and never verifies one, while real British users send and verify as usual.
 */
class PumpingBreakerTest {

    @Test
    void pumpingOneCountryTripsItsBreakerAndLeavesOtherCountriesAlone() {
        PolicyFixture f = new PolicyFixture("");
        int pumped = 0;
        int refused = 0;
        int ukRefused = 0;
        for (int i = 0; i < 400; i++) {
            StartContext bot = start(ghanaMobile(i), "10.%d.%d.1".formatted(i / 250, i % 250));
            try {
                f.policy.checkStart(bot);
                f.policy.recordSend(bot);
                pumped++;
            } catch (PhonepassException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
                assertThat(e.details()).containsEntry("ratelimit_limit", 10L);
                refused++;
            }
            if (i % 4 == 0) {
                StartContext user = start(ukMobile(i), "192.0.2." + (i % 200));
                try {
                    f.policy.checkStart(user);
                    f.policy.recordSend(user);
                    f.policy.checkVerify(verify(ukMobile(i), "192.0.2." + (i % 200)));
                    f.policy.recordVerifySuccess(verify(ukMobile(i), "192.0.2." + (i % 200)));
                } catch (PhonepassException e) {
                    ukRefused++;
                }
            }
            f.advance(Duration.ofSeconds(5));
        }
        // 50 sends at 0 % conversion trip the breaker; after that only the throttle gets through: its burst of 10
        // plus one token per 6 minutes over the remaining ~29 minutes of the run.
        assertThat(pumped).isBetween(50 + 10, 50 + 10 + 5);
        assertThat(refused).isEqualTo(400 - pumped);
        assertThat(ukRefused).isZero();
        assertThat(f.metrics.trips).containsExactly("COUNTRY:233");
        assertThat(f.audit.of(AuditEvent.Type.PUMPING_BREAKER))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("calling_code=+233 tripped sent=50 verified=0"));
    }

    @Test
    void breakerClearsOnceThePumpedSendsLeaveTheWindow() {
        PolicyFixture f = new PolicyFixture("");
        for (int i = 0; i < 50; i++) {
            StartContext bot = start(ghanaMobile(i), "10.0.%d.1".formatted(i));
            f.policy.checkStart(bot);
            f.policy.recordSend(bot);
        }
        for (int i = 0; i < 10; i++) {
            f.policy.checkStart(start(ghanaMobile(100 + i), "10.1.%d.1".formatted(i)));
        }
        assertThat(DefaultAbusePolicyTest.refusal(() -> f.policy.checkStart(start(ghanaMobile(200), "10.2.0.1")))
                        .code())
                .isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        f.advance(Duration.ofMinutes(66));
        f.policy.checkStart(start(ghanaMobile(300), "10.3.0.1"));
        assertThat(f.metrics.clears).containsExactly("COUNTRY:233");
    }

    @Test
    void realUsersWhoVerifyKeepACountryOpenEvenAtHighVolume() {
        PolicyFixture f = new PolicyFixture("");
        for (int i = 0; i < 300; i++) {
            StartContext user = start(ghanaMobile(i), "10.0.%d.%d".formatted(i / 250, i % 250));
            f.policy.checkStart(user);
            f.policy.recordSend(user);
            if (i % 3 != 0) {
                f.policy.checkVerify(verify(ghanaMobile(i), user.ip()));
                f.policy.recordVerifySuccess(verify(ghanaMobile(i), user.ip()));
            }
            f.advance(Duration.ofSeconds(10));
        }
        assertThat(f.metrics.trips).isEmpty();
    }

    @Test
    void oneAddressThatNeverVerifiesIsThrottledBeforeItsHourlyLimit() {
        PolicyFixture f = new PolicyFixture("");
        String ip = "203.0.113.50";
        int sent = 0;
        for (int i = 0; i < 50; i++) {
            try {
                StartContext s = start(ukMobile(i), ip);
                f.policy.checkStart(s);
                f.policy.recordSend(s);
                sent++;
            } catch (PhonepassException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
            }
        }
        // 10 unverified sends trip the address; the throttle then allows 1 an hour, instead of 50 an hour.
        assertThat(sent).isEqualTo(11);
        assertThat(f.metrics.trips).containsExactly("IP:" + ip);
        // Another address is not affected.
        f.policy.checkStart(start(ukMobile(999), "203.0.113.51"));
    }
}
