package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.phonepass.limits.PolicyFixture.start;
import static org.phonepass.limits.PolicyFixture.ukMobile;
import static org.phonepass.limits.PolicyFixture.verify;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.ratelimit.RateLimitHeaders;

class DefaultAbusePolicyTest {
    private static final String IP = "203.0.113.7";

    // ------------------------------------------------------------ each send limit: code and headers

    @Test
    void startPerIpWhenFiftyFirstStartThenTooManyRequestsWithHeaders() {
        PolicyFixture f = new PolicyFixture("");
        for (int i = 0; i < 50; i++) {
            f.policy.checkStart(start(ukMobile(i), IP));
        }
        long now = f.clock.instant().getEpochSecond();
        PhonepassException e = refusal(() -> f.policy.checkStart(start(ukMobile(99), IP)));
        assertRefusal(e, ErrorCode.TOO_MANY_REQUESTS, 50, 72, now + 3600);
        assertThat(f.metrics.refusals).containsExactly("start_per_ip");
    }

    @Test
    void startPerPhoneHourlyWhenSixthCodeThenRefusedForTwelveMinutes() {
        PolicyFixture f = new PolicyFixture("");
        PhoneNumber phone = ukMobile(1);
        for (int i = 0; i < 5; i++) {
            f.policy.checkStart(start(phone, "198.51.100." + i));
        }
        long now = f.clock.instant().getEpochSecond();
        PhonepassException e = refusal(() -> f.policy.checkStart(start(phone, "198.51.100.9")));
        assertRefusal(e, ErrorCode.TOO_MANY_REQUESTS, 5, 720, now + 3600);
        assertThat(e.description()).contains("this phone number");
    }

    @Test
    void startPerPhoneDailyWhenEleventhCodeOfTheDayThenRefused() {
        PolicyFixture f = new PolicyFixture("");
        PhoneNumber phone = ukMobile(1);
        for (int i = 0; i < 10; i++) {
            f.policy.checkStart(start(phone, IP));
            f.advance(Duration.ofMinutes(13));
        }
        PhonepassException e = refusal(() -> f.policy.checkStart(start(phone, IP)));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        assertThat(e.details()).containsEntry(RateLimitHeaders.DETAIL_LIMIT, 10L);
        assertThat(f.metrics.refusals).containsExactly("start_per_phone_daily");
    }

    @Test
    void resendCooldownIsOffByDefaultAndRefusesForItsPeriodWhenOn() {
        PolicyFixture off = new PolicyFixture("");
        off.policy.checkStart(start(ukMobile(1), IP));
        off.policy.checkStart(start(ukMobile(1), IP));

        PolicyFixture on = new PolicyFixture("limits: {resend_cooldown: {enabled: true, period: 30s}}");
        on.policy.checkStart(start(ukMobile(1), IP));
        long now = on.clock.instant().getEpochSecond();
        PhonepassException e = refusal(() -> on.policy.checkStart(start(ukMobile(1), IP)));
        assertRefusal(e, ErrorCode.TOO_MANY_REQUESTS, 1, 30, now + 30);
        on.advance(Duration.ofSeconds(30));
        on.policy.checkStart(start(ukMobile(1), IP));
    }

    @Test
    void countryBudgetsRefuseOneCountryAndLeaveTheOthers() {
        PolicyFixture f = new PolicyFixture("""
                limits:
                  start_per_country_hourly: {capacity: 3, period: 1h}
                  start_per_country_daily: {capacity: 5, period: 24h}
                """);
        for (int i = 0; i < 3; i++) {
            f.policy.checkStart(start(ukMobile(i), "198.51.100." + i));
        }
        PhonepassException hourly = refusal(() -> f.policy.checkStart(start(ukMobile(7), IP)));
        assertRefusal(
                hourly, ErrorCode.TOO_MANY_REQUESTS, 3, 1200, f.clock.instant().getEpochSecond() + 3600);
        f.policy.checkStart(start(PolicyFixture.ghanaMobile(1), IP));

        f.advance(Duration.ofHours(1));
        f.policy.checkStart(start(ukMobile(8), IP));
        f.policy.checkStart(start(ukMobile(9), IP));
        PhonepassException daily = refusal(() -> f.policy.checkStart(start(ukMobile(10), IP)));
        assertThat(daily.details()).containsEntry(RateLimitHeaders.DETAIL_LIMIT, 5L);
        assertThat(f.metrics.refusals).containsExactly("start_per_country_hourly", "start_per_country_daily");
    }

    @Test
    void globalBudgetsRefuseEveryCountry() {
        PolicyFixture f = new PolicyFixture("""
                limits:
                  start_global_hourly: {capacity: 2, period: 1h}
                  start_global_daily: {capacity: 3, period: 24h}
                """);
        f.policy.checkStart(start(ukMobile(1), IP));
        f.policy.checkStart(start(PolicyFixture.ghanaMobile(1), IP));
        PhonepassException e = refusal(() -> f.policy.checkStart(start(ukMobile(2), IP)));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        assertThat(e.details()).containsEntry(RateLimitHeaders.DETAIL_LIMIT, 2L);
        assertThat(e.description()).contains("right now");
        f.advance(Duration.ofHours(1));
        f.policy.checkStart(start(ukMobile(3), IP));
        PhonepassException daily = refusal(() -> f.policy.checkStart(start(ukMobile(4), IP)));
        assertThat(daily.details()).containsEntry(RateLimitHeaders.DETAIL_LIMIT, 3L);
    }

    @Test
    void everySendLimitCanBeSwitchedOff() {
        PolicyFixture f = new PolicyFixture("""
                limits:
                  start_per_ip: {enabled: false}
                  start_per_phone_hourly: {enabled: false}
                  start_per_phone_daily: {enabled: false}
                  start_per_country_hourly: {enabled: false}
                  start_per_country_daily: {enabled: false}
                  start_global_hourly: {enabled: false}
                  start_global_daily: {enabled: false}
                  pumping: {enabled: false}
                """);
        for (int i = 0; i < 3_000; i++) {
            assertThat(f.policy.checkStart(start(ukMobile(1), IP))).isEmpty();
        }
    }

    @Test
    void refusedStartGivesBackTheTokensItTookSoOtherBudgetsAreUntouched() {
        PolicyFixture f = new PolicyFixture("");
        PhoneNumber locked = ukMobile(1);
        for (int i = 0; i < 5; i++) {
            f.policy.checkStart(start(locked, "198.51.100." + i));
        }
        // A bot hammering a number that is out of codes must not drain the address, country or global budgets.
        for (int i = 0; i < 1_000; i++) {
            assertThatThrownBy(() -> f.policy.checkStart(start(locked, IP))).isInstanceOf(PhonepassException.class);
        }
        assertThat(f.limiter
                        .peek(
                                "ip:" + IP,
                                new org.phonepass.core.ratelimit.Limit(
                                        DefaultAbusePolicy.START_PER_IP, 50, Duration.ofHours(1)))
                        .remaining())
                .isEqualTo(50);
        assertThat(f.limiter
                        .peek(
                                "cc:44",
                                new org.phonepass.core.ratelimit.Limit(
                                        DefaultAbusePolicy.START_PER_COUNTRY_HOURLY, 500, Duration.ofHours(1)))
                        .remaining())
                .isEqualTo(495);
    }

    @Test
    void allowedStartAdvertisesTheCallersClosestLimit() {
        PolicyFixture f = new PolicyFixture("");
        Optional<RateLimitHeaders> headers = f.policy.checkStart(start(ukMobile(1), IP));
        assertThat(headers).isPresent();
        assertThat(headers.get().limit()).isEqualTo(5);
        assertThat(headers.get().remaining()).isEqualTo(4);
        assertThat(headers.get().retryAfterSeconds()).isNull();
        assertThat(headers.get().toHeaders())
                .containsOnlyKeys("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset");
    }

    // ------------------------------------------------------------ countries and number types

    @Test
    void deniedCountryByRegionOrCallingCodeIsRefusedAsBadPhoneNumber() {
        PolicyFixture f = new PolicyFixture("limits: {countries: {deny: [gh, '+44']}}");
        assertThat(refusal(() -> f.policy.checkStart(start(PolicyFixture.ghanaMobile(1), IP)))
                        .code())
                .isEqualTo(ErrorCode.PHONE_NUMBER_NOT_ALLOWED);
        assertThat(refusal(() -> f.policy.checkStart(start(ukMobile(1), IP))).code())
                .isEqualTo(ErrorCode.PHONE_NUMBER_NOT_ALLOWED);
        f.policy.checkStart(start(new PhoneNumber("+33612345678", "FR", 33), IP));
        assertThat(f.audit.of(AuditEvent.Type.START)).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.REFUSED);
            assertThat(e.detail()).isEqualTo("country_not_allowed");
        });
    }

    @Test
    void allowListRefusesEveryOtherCountryAndDenyWins() {
        PolicyFixture f = new PolicyFixture("limits: {countries: {allow: [GB, GH], deny: [GH]}}");
        f.policy.checkStart(start(ukMobile(1), IP));
        assertThat(refusal(() -> f.policy.checkStart(start(PolicyFixture.ghanaMobile(1), IP)))
                        .code())
                .isEqualTo(ErrorCode.PHONE_NUMBER_NOT_ALLOWED);
        assertThat(refusal(() -> f.policy.checkStart(start(new PhoneNumber("+33612345678", "FR", 33), IP)))
                        .code())
                .isEqualTo(ErrorCode.PHONE_NUMBER_NOT_ALLOWED);
    }

    @Test
    void premiumRateTollFreeAndFixedLineNumbersAreRefusedByDefault() {
        PolicyFixture f = new PolicyFixture("");
        PhoneNumberParser parser = new PhoneNumberParser(null);
        for (PhoneNumber number : new PhoneNumber[] {
            example("GB", PhoneNumberType.PREMIUM_RATE, parser),
            example("GB", PhoneNumberType.TOLL_FREE, parser),
            example("GB", PhoneNumberType.FIXED_LINE, parser),
            example("FR", PhoneNumberType.SHARED_COST, parser),
            example("GB", PhoneNumberType.UAN, parser)
        }) {
            PhonepassException e = refusal(() -> f.policy.checkStart(start(number, IP)));
            assertThat(e.code()).isEqualTo(ErrorCode.PHONE_NUMBER_NOT_ALLOWED);
        }
        f.policy.checkStart(start(example("GB", PhoneNumberType.MOBILE, parser), IP));
        // North American numbers are FIXED_LINE_OR_MOBILE and must pass.
        f.policy.checkStart(start(parser.parse("+12015550123").orElseThrow(), IP));
        assertThat(f.audit.of(AuditEvent.Type.START))
                .extracting(AuditEvent::detail)
                .containsExactly(
                        "number_type=premium_rate",
                        "number_type=toll_free",
                        "number_type=fixed_line",
                        "number_type=shared_cost",
                        "number_type=uan");
    }

    @Test
    void numberTypeListIsConfigurable() {
        PolicyFixture f = new PolicyFixture("limits: {number_types: {deny: [mobile]}}");
        PhoneNumberParser parser = new PhoneNumberParser(null);
        f.policy.checkStart(start(example("GB", PhoneNumberType.PREMIUM_RATE, parser), IP));
        assertThat(refusal(() -> f.policy.checkStart(start(example("GB", PhoneNumberType.MOBILE, parser), IP)))
                        .code())
                .isEqualTo(ErrorCode.PHONE_NUMBER_NOT_ALLOWED);
    }

    // ------------------------------------------------------------ verification

    @Test
    void verifyPerIpWhenSpentThenTooManyAttemptsWithHeaders() {
        PolicyFixture f = new PolicyFixture("limits: {verify_per_ip: {capacity: 3, period: 1h}}");
        for (int i = 0; i < 3; i++) {
            f.policy.checkVerify(verify(ukMobile(i), IP));
            f.policy.recordVerifySuccess(verify(ukMobile(i), IP));
        }
        long now = f.clock.instant().getEpochSecond();
        PhonepassException e = refusal(() -> f.policy.checkVerify(verify(ukMobile(9), IP)));
        assertRefusal(e, ErrorCode.TOO_MANY_ATTEMPTS, 3, 1200, now + 3600);
        // Refused before the compare: the number's wrong-code budget was not touched.
        assertThat(f.limiter
                        .peek(DefaultAbusePolicy.wrongCodesKey(ukMobile(9), IP), wrongCodes())
                        .remaining())
                .isEqualTo(10);
        // Another address is unaffected (carrier-grade NAT aside, one address cannot lock out the others).
        f.policy.checkVerify(verify(ukMobile(9), "198.51.100.1"));
    }

    @Test
    void verifyPerIpIsGenerousByDefault() {
        PolicyFixture f = new PolicyFixture("");
        for (int i = 0; i < 600; i++) {
            f.policy.checkVerify(verify(ukMobile(i), IP));
            f.policy.recordVerifySuccess(verify(ukMobile(i), IP));
        }
        assertThat(refusal(() -> f.policy.checkVerify(verify(ukMobile(1000), IP)))
                        .code())
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
    }

    @Test
    void tenWrongCodesFromOneNetworkLockTheNumberForThatNetworkForAnHour() {
        PolicyFixture f = new PolicyFixture("");
        PhoneNumber phone = ukMobile(1);
        // Ten addresses of one IPv6 /64 are one network.
        for (int i = 0; i < 10; i++) {
            f.policy.checkVerify(verify(phone, "2001:db8:7:1::" + Integer.toHexString(i + 1)));
            f.policy.recordVerifyFailure(verify(phone, "2001:db8:7:1::" + Integer.toHexString(i + 1)));
            f.advance(Duration.ofSeconds(1));
        }
        String sameNetwork = "2001:db8:7:1:aaaa::99";
        long lockedAt = f.clock.instant().getEpochSecond() - 1;
        PhonepassException e = refusal(() -> f.policy.checkVerify(verify(phone, sameNetwork)));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(e.retryAfterSeconds()).isEqualTo(3599L);
        assertThat(e.details())
                .containsEntry(RateLimitHeaders.DETAIL_LIMIT, 1L)
                .containsEntry(RateLimitHeaders.DETAIL_REMAINING, 0L)
                .containsEntry(RateLimitHeaders.DETAIL_RESET, lockedAt + 3600);
        assertThat(f.audit.of(AuditEvent.Type.LOCKOUT)).hasSize(1);
        assertThat(f.audit.of(AuditEvent.Type.LOCKOUT).get(0).detail()).startsWith("network=2001:db8:7:1::/64 ");
        // The owner on another network is not locked out of their number.
        f.policy.checkVerify(verify(phone, IP));
        f.policy.recordVerifySuccess(verify(phone, IP));

        f.advance(Duration.ofMinutes(59).plusSeconds(58));
        assertThat(refusal(() -> f.policy.checkVerify(verify(phone, sameNetwork)))
                        .code())
                .isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        f.advance(Duration.ofSeconds(1));
        f.policy.checkVerify(verify(phone, sameNetwork));
    }

    @Test
    void wrongCodesFromManyAddressesDoNotLockTheNumberForTheOwner() {
        // Issue 16 #2: ten wrong guesses from ten addresses used to lock the number for everyone for an hour.
        PolicyFixture f = new PolicyFixture("");
        PhoneNumber phone = ukMobile(1);
        for (int i = 0; i < 1000; i++) {
            String ip = "198.51." + (100 + i / 250) + "." + (i % 250);
            f.policy.checkVerify(verify(phone, ip));
            f.policy.recordVerifyFailure(verify(phone, ip));
        }
        assertThat(f.audit.of(AuditEvent.Type.LOCKOUT)).isEmpty();
        f.policy.checkVerify(verify(phone, IP));
        f.policy.recordVerifySuccess(verify(phone, IP));
    }

    @Test
    void guessesWithNoLiveCodeNeverCountTowardsTheLock() {
        PolicyFixture f = new PolicyFixture("");
        PhoneNumber phone = ukMobile(1);
        for (int i = 0; i < 100; i++) {
            f.policy.checkVerify(verify(phone, IP));
            f.policy.recordVerifyNoLiveCode(verify(phone, IP));
        }
        assertThat(f.limiter
                        .peek(DefaultAbusePolicy.wrongCodesKey(phone, IP), wrongCodes())
                        .remaining())
                .isEqualTo(10);
        assertThat(f.audit.of(AuditEvent.Type.LOCKOUT)).isEmpty();
        // Audited as failures all the same, so the guessing shows in the audit log, but grouped as refusals are:
        // such a guess costs its sender nothing, so a row each would be an unbounded write.
        assertThat(f.audit.of(AuditEvent.Type.VERIFY))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("no_live_code"));
        f.advance(Duration.ofMinutes(1));
        f.policy.checkVerify(verify(phone, IP));
        f.policy.recordVerifyNoLiveCode(verify(phone, IP));
        assertThat(f.audit.of(AuditEvent.Type.VERIFY))
                .map(AuditEvent::detail)
                .containsExactly("no_live_code", "no_live_code repeats=99");
    }

    @Test
    void successClearsTheNumbersWrongCodes() {
        PolicyFixture f = new PolicyFixture("");
        PhoneNumber phone = ukMobile(1);
        for (int i = 0; i < 9; i++) {
            f.policy.checkVerify(verify(phone, IP));
            f.policy.recordVerifyFailure(verify(phone, IP));
        }
        f.policy.checkVerify(verify(phone, IP));
        f.policy.recordVerifySuccess(verify(phone, IP));
        for (int i = 0; i < 9; i++) {
            f.policy.checkVerify(verify(phone, IP));
            f.policy.recordVerifyFailure(verify(phone, IP));
        }
        f.policy.checkVerify(verify(phone, IP));
        assertThat(f.audit.of(AuditEvent.Type.LOCKOUT)).isEmpty();
    }

    @Test
    void abortedVerificationDoesNotCountAsAWrongCode() {
        PolicyFixture f = new PolicyFixture("");
        PhoneNumber phone = ukMobile(1);
        for (int i = 0; i < 100; i++) {
            f.policy.checkVerify(verify(phone, IP));
            f.policy.recordVerifyAborted(verify(phone, IP));
        }
        assertThat(f.limiter
                        .peek(DefaultAbusePolicy.wrongCodesKey(phone, IP), wrongCodes())
                        .remaining())
                .isEqualTo(10);
    }

    @Test
    void verifyWithoutAValidNumberIsLimitedByAddressOnly() {
        PolicyFixture f = new PolicyFixture("limits: {verify_per_ip: {capacity: 2, period: 1h}}");
        f.policy.checkVerify(verify(null, IP));
        f.policy.recordVerifyFailure(verify(null, IP));
        f.policy.checkVerify(verify(null, IP));
        assertThat(refusal(() -> f.policy.checkVerify(verify(null, IP))).code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
    }

    // ------------------------------------------------------------ audit

    @Test
    void auditEventsNeverHoldTheFullNumber() {
        PolicyFixture f = new PolicyFixture("limits: {verify_per_ip: {capacity: 1, period: 1h}}");
        PhoneNumber phone = ukMobile(123456);
        f.policy.checkStart(start(phone, IP));
        f.policy.recordSend(start(phone, IP));
        f.policy.checkVerify(verify(phone, IP));
        f.policy.recordVerifyFailure(verify(phone, IP));
        assertThatThrownBy(() -> f.policy.checkVerify(verify(phone, IP))).isInstanceOf(PhonepassException.class);
        assertThat(f.audit.events)
                .extracting(AuditEvent::type)
                .containsExactly(AuditEvent.Type.SEND, AuditEvent.Type.VERIFY, AuditEvent.Type.VERIFY);
        assertThat(f.audit.events).allSatisfy(e -> {
            assertThat(e.maskedPhone()).isEqualTo(phone.masked()).endsWith("3456");
            assertThat(e.country()).isEqualTo("GB");
            assertThat(e.ip()).isEqualTo(IP);
            assertThat(e.clientId()).isEqualTo(PolicyFixture.CLIENT);
            assertThat(e.toString()).doesNotContain(phone.e164());
        });
        assertThat(f.audit.events.get(2).outcome()).isEqualTo(AuditEvent.Outcome.REFUSED);
        assertThat(f.audit.events.get(2).detail()).isEqualTo("limit=verify_per_ip");
    }

    // ------------------------------------------------------------ revoke and repeated refusals (issue 16 #14)

    @Test
    void revokePerIpWhenSpentThenTooManyRequestsAndOtherAddressesUnaffected() {
        PolicyFixture f = new PolicyFixture("limits: {revoke_per_ip: {capacity: 3, period: 1h}}");
        for (int i = 0; i < 3; i++) {
            f.policy.checkRevoke(IP);
        }
        long now = f.clock.instant().getEpochSecond();
        PhonepassException e = refusal(() -> f.policy.checkRevoke(IP));
        assertRefusal(e, ErrorCode.TOO_MANY_REQUESTS, 3, 1200, now + 3600);
        f.policy.checkRevoke("198.51.100.1");
        assertThat(f.audit.of(AuditEvent.Type.REVOKE))
                .singleElement()
                .satisfies(ev -> assertThat(ev.detail()).isEqualTo("limit=revoke_per_ip"));
    }

    @Test
    void revokePerIpWhenDisabledThenUnlimited() {
        PolicyFixture f = new PolicyFixture("limits: {revoke_per_ip: {enabled: false}}");
        for (int i = 0; i < 2_000; i++) {
            f.policy.checkRevoke(IP);
        }
    }

    @Test
    void verifyRefusalsWhenRepeatedThenOneAuditRowPerMinute() {
        PolicyFixture f = new PolicyFixture("limits: {verify_per_ip: {capacity: 1, period: 1h}}");
        f.policy.checkVerify(verify(ukMobile(1), IP));
        for (int i = 0; i < 200; i++) {
            refusal(() -> f.policy.checkVerify(verify(ukMobile(1), IP)));
        }
        assertThat(f.audit.events.stream().filter(e -> e.outcome() == AuditEvent.Outcome.REFUSED))
                .hasSize(1);
        assertThat(f.metrics.refusals).as("the metrics count every refusal").hasSize(200);
        f.advance(Duration.ofMinutes(1));
        refusal(() -> f.policy.checkVerify(verify(ukMobile(1), IP)));
        assertThat(f.audit.events.stream()
                        .filter(e -> e.outcome() == AuditEvent.Outcome.REFUSED)
                        .map(AuditEvent::detail))
                .containsExactly("limit=verify_per_ip", "limit=verify_per_ip repeats=199");
    }

    // ------------------------------------------------------------ helpers

    static org.phonepass.core.ratelimit.Limit wrongCodes() {
        return new org.phonepass.core.ratelimit.Limit(
                DefaultAbusePolicy.WRONG_CODES_PER_PHONE, 10, Duration.ofHours(1));
    }

    static PhonepassException refusal(Runnable call) {
        try {
            call.run();
        } catch (PhonepassException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    static void assertRefusal(PhonepassException e, ErrorCode code, long limit, long retryAfter, long reset) {
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.retryAfterSeconds()).isEqualTo(retryAfter);
        assertThat(e.details())
                .containsEntry(RateLimitHeaders.DETAIL_LIMIT, limit)
                .containsEntry(RateLimitHeaders.DETAIL_REMAINING, 0L)
                .containsEntry(RateLimitHeaders.DETAIL_RESET, reset);
        Map<String, String> headers = RateLimitHeaders.fromDetails(e.details(), e.retryAfterSeconds())
                .orElseThrow()
                .toHeaders();
        assertThat(headers)
                .containsEntry("Retry-After", Long.toString(retryAfter))
                .containsEntry("x-ratelimit-limit", Long.toString(limit))
                .containsEntry("x-ratelimit-remaining", "0")
                .containsEntry("x-ratelimit-reset", Long.toString(reset));
    }

    private static PhoneNumber example(String region, PhoneNumberType type, PhoneNumberParser parser) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        String e164 = util.format(util.getExampleNumberForType(region, type), PhoneNumberUtil.PhoneNumberFormat.E164);
        return parser.parse(e164).orElseThrow();
    }
}
