package org.phonepass.limits;

import java.time.Duration;
import java.util.List;
import org.phonepass.core.abuse.StartContext;
import org.phonepass.core.abuse.VerifyContext;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.testkit.MutableClock;

/** A policy over the embedded limiter and counter, a settable clock and recording audit and metrics. */
final class PolicyFixture {
    static final String CLIENT = "app1";
    final MutableClock clock = MutableClock.atEpochSecond(1_700_000_000L);
    final Recorders.Audit audit = new Recorders.Audit();
    final Recorders.Metrics metrics = new Recorders.Metrics();
    final BucketRateLimiter limiter;
    final InMemorySlidingWindowCounter counter;
    final DefaultAbusePolicy policy;

    PolicyFixture(String yaml) {
        this(yaml, List.of());
    }

    PolicyFixture(String yaml, List<StartScreen> screens) {
        LimitsSettings settings = SettingsYaml.parse(yaml);
        limiter = new BucketRateLimiter(clock, settings.maxKeys());
        counter = new InMemorySlidingWindowCounter(clock, settings.pumping().window(), 12, settings.maxKeys());
        PhoneNumberParser parser = new PhoneNumberParser(null);
        policy = new DefaultAbusePolicy(settings, limiter, counter, parser::type, screens, audit, metrics, clock);
    }

    /** A valid UK mobile number, distinct per index (libphonenumber: +44 7400 xxxxxx is mobile). */
    static PhoneNumber ukMobile(int i) {
        return new PhoneNumber(String.format("+447400%06d", i), "GB", 44);
    }

    /** A valid Ghanaian mobile number, distinct per index (+233 24 xxx xxxx). */
    static PhoneNumber ghanaMobile(int i) {
        return new PhoneNumber(String.format("+23324%07d", i), "GH", 233);
    }

    static StartContext start(PhoneNumber phone, String ip) {
        return new StartContext(CLIENT, phone, ip, null);
    }

    static VerifyContext verify(PhoneNumber phone, String ip) {
        return new VerifyContext(CLIENT, phone, ip);
    }

    void advance(Duration d) {
        clock.advance(d);
    }
}
