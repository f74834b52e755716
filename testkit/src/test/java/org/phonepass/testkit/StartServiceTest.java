package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.phonepass.core.client.Client;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.OtpSettings;
import org.phonepass.core.login.StartService;
import org.phonepass.core.ratelimit.RateLimitHeaders;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;

/**
 * The rules of {@code /passwordless/start}, run on the in-memory seams without a server: the number, the limits
 * and screens before the send, sign-up disabled, the message, and what a failed send leaves behind.
 */
class StartServiceTest {
    private static final String PHONE = "+12015550123";
    private final Client client = TestClients.client().name("Acme").build();

    private static StartService.StartResult start(LoginFixture f, Client client, String phone, String language) {
        return f.starts
                .start(new StartService.StartCommand(client, phone, language, LoginFixture.IP, "bot"), h -> {})
                .toCompletableFuture()
                .join();
    }

    private static PhonepassException failure(Runnable call) {
        try {
            call.run();
        } catch (PhonepassException e) {
            return e;
        } catch (CompletionException e) {
            if (e.getCause() instanceof PhonepassException pe) {
                return pe;
            }
            throw e;
        }
        throw new AssertionError("expected a PhonepassException");
    }

    @Test
    void startWhenAllowedThenCodeStoredSentAndSendRecordedAfterTheScreens() {
        LoginFixture f = LoginFixture.builder().build();
        StartService.StartResult result = start(f, client, "+1 (201) 555-0123", "en");
        assertThat(result.sent()).isTrue();
        assertThat(result.phone().e164()).isEqualTo(PHONE);
        assertThat(result.id()).matches("[0-9a-f]{24}");
        SmsMessage message = f.sms.last();
        assertThat(message.code()).matches("[0-9]{6}");
        assertThat(message.body()).isEqualTo("Your Acme code is " + message.code());
        assertThat(message.to().e164()).isEqualTo(PHONE);
        assertThat(f.challenges.size()).isEqualTo(1);
        assertThat(((RecordingAbusePolicy) f.policy).names()).containsExactly("checkStart", "screenStart", "send");
    }

    @Test
    void startWhenLanguageHasTemplateThenItsTemplateAndBaseLanguageFallback() {
        LoginFixture f = LoginFixture.builder()
                .settings(TestOtpSettings.otp()
                        .codeLength(4)
                        .template("fr", "Votre code : {{ code }}")
                        .build())
                .build();
        start(f, client, PHONE, "fr-CA");
        assertThat(f.sms.last().body()).isEqualTo("Votre code : " + f.sms.last().code());
        assertThat(f.sms.last().code()).hasSize(4);
        start(f, client, PHONE, "de");
        assertThat(f.sms.last().body()).startsWith("Your Acme code is ");
    }

    @Test
    void startWhenNumberInvalidThenBadPhoneNumberBeforeAnyLimit() {
        LoginFixture f = LoginFixture.builder().build();
        PhonepassException e = failure(() -> start(f, client, "12", "en"));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_PHONE_NUMBER);
        PhonepassException missing = failure(() -> start(f, client, " ", "en"));
        assertThat(missing.description()).isEqualTo("Missing required property: phone_number");
        assertThat(((RecordingAbusePolicy) f.policy).calls()).isEmpty();
    }

    @Test
    void startWhenLimitRefusesThenNothingStoredOrSent() {
        LoginFixture f = LoginFixture.builder().build();
        ((RecordingAbusePolicy) f.policy).refuseStart(PhonepassException.of(ErrorCode.TOO_MANY_REQUESTS, "No."));
        assertThat(failure(() -> start(f, client, PHONE, "en")).code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        assertThat(f.sms.sent()).isEmpty();
        assertThat(f.challenges.size()).isZero();
    }

    @Test
    void startWhenScreenRefusesThenNothingStoredOrSentOrRecorded() {
        LoginFixture f = LoginFixture.builder().build();
        RecordingAbusePolicy policy = (RecordingAbusePolicy) f.policy;
        policy.refuseScreen(PhonepassException.of(ErrorCode.INVALID_REQUEST, "bot check failed"));
        assertThat(failure(() -> start(f, client, PHONE, "en")).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(f.sms.sent()).isEmpty();
        assertThat(f.challenges.size()).isZero();
        assertThat(policy.names()).containsExactly("checkStart", "screenStart");
    }

    @Test
    void startWhenSignupDisabledThenErrorOrSilentAnswerForUnknownNumbers() {
        LoginFixture error = LoginFixture.builder()
                .settings(TestOtpSettings.otp()
                        .signupDisabled(OtpSettings.SignupDisabledResponse.ERROR)
                        .build())
                .build();
        assertThat(failure(() -> start(error, client, PHONE, "en")).code()).isEqualTo(ErrorCode.SIGNUP_DISABLED);

        LoginFixture silent = LoginFixture.builder()
                .settings(TestOtpSettings.otp()
                        .signupDisabled(OtpSettings.SignupDisabledResponse.SILENT)
                        .build())
                .build();
        StartService.StartResult quiet = start(silent, client, PHONE, "en");
        assertThat(quiet.sent()).isFalse();
        assertThat(quiet.id()).matches("[0-9a-f]{24}");
        assertThat(silent.sms.sent()).isEmpty();
        assertThat(((RecordingAbusePolicy) silent.policy).names()).doesNotContain("send");

        silent.users.add("0123456789abcdef01234567", PHONE, silent.clock.instant());
        assertThat(start(silent, client, PHONE, "en").sent()).isTrue();
    }

    /** The {@code attempts_remaining} of four wrong guesses after a start, or the answers that were not wrong codes. */
    private static List<Object> fourWrongGuesses(LoginFixture f, Client client, String phone) {
        List<Object> remaining = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try {
                // Ten digits never match a six-digit code, whatever was stored.
                f.verify(client, phone, "0000000000");
                remaining.add("accepted");
            } catch (PhonepassException e) {
                remaining.add(e.code() == ErrorCode.WRONG_CODE ? e.details().get("attempts_remaining") : e.code());
            }
        }
        return remaining;
    }

    @Test
    void startWhenSilentThenUnknownNumberAnswersVerificationsExactlyLikeAKnownOne() {
        // Issue 16 #3: attempts_remaining counted down for a known number and stayed 0 for an unknown one.
        LoginFixture f = LoginFixture.builder()
                .settings(TestOtpSettings.otp()
                        .signupDisabled(OtpSettings.SignupDisabledResponse.SILENT)
                        .build())
                .build();
        String known = "+12015550111";
        String unknown = "+12015550122";
        f.users.add("0123456789abcdef01234567", known, f.clock.instant());
        StartService.StartResult k = start(f, client, known, "en");
        StartService.StartResult u = start(f, client, unknown, "en");
        assertThat(u.id()).matches("[0-9a-f]{24}").isNotEqualTo(k.id());
        assertThat(fourWrongGuesses(f, client, unknown))
                .containsExactly(2, 1, 0, 0)
                .isEqualTo(fourWrongGuesses(f, client, known));
        // Only the known number got a message; the decoy was never sent and signs nobody up.
        assertThat(f.sms.sent()).extracting(m -> m.to().e164()).containsExactly(known);
        assertThat(f.users.findByPhone(unknown)).isEmpty();
    }

    @Test
    void startWhenSilentThenTheDecoyAcceptsNoCode() {
        LoginFixture f = LoginFixture.builder()
                .settings(TestOtpSettings.otp()
                        .codeLength(4)
                        .maxAttempts(10_000)
                        .signupDisabled(OtpSettings.SignupDisabledResponse.SILENT)
                        .build())
                .build();
        start(f, client, PHONE, "en");
        // Every 4-digit code: none is accepted, so nothing of the decoy can be guessed, even by luck.
        for (int code = 0; code < 10_000; code++) {
            String guess = String.format("%04d", code);
            assertThatThrownBy(() -> f.verify(client, PHONE, guess))
                    .isInstanceOf(PhonepassException.class)
                    .extracting(e -> ((PhonepassException) e).code())
                    .isEqualTo(ErrorCode.WRONG_CODE);
        }
        assertThat(f.users.findByPhone(PHONE)).isEmpty();
    }

    @Test
    void startWhenSilentThenTheAnswerDoesNotWaitForTheProviderAndAFailureIsNotAnswered() {
        OtpSettings silent = TestOtpSettings.otp()
                .signupDisabled(OtpSettings.SignupDisabledResponse.SILENT)
                .build();
        LoginFixture f = LoginFixture.builder().settings(silent).build();
        List<CompletableFuture<SmsReceipt>> pending = new ArrayList<>();
        SmsProvider slow = new SmsProvider() {
            @Override
            public String id() {
                return "slow";
            }

            @Override
            public synchronized CompletionStage<SmsReceipt> send(SmsMessage message) {
                CompletableFuture<SmsReceipt> delivery = new CompletableFuture<>();
                pending.add(delivery);
                return delivery;
            }
        };
        StartService starts = new StartService(
                silent,
                new StartService.Parts(f.phones, f.challenges, f.users, slow, f.hasher, StartService.FixedCodes.NONE),
                f.policy,
                f.clock,
                new SecureRandom());
        RecordingAbusePolicy policy = (RecordingAbusePolicy) f.policy;
        f.users.add("0123456789abcdef01234567", PHONE, f.clock.instant());

        CompletableFuture<StartService.StartResult> answer = starts.start(
                        new StartService.StartCommand(client, PHONE, "en", LoginFixture.IP, null), h -> {})
                .toCompletableFuture();
        // Answered while the provider has not answered: a known number waits no longer than an unknown one.
        assertThat(answer).isCompletedWithValueMatching(StartService.StartResult::sent);
        assertThat(pending).hasSize(1);
        assertThat(policy.names()).doesNotContain("send");
        pending.get(0).complete(new SmsReceipt("slow", "m1"));
        assertThat(policy.names()).endsWith("send");

        // A failed delivery is logged, not answered (an unknown number could not fail): no send recorded.
        CompletableFuture<StartService.StartResult> second = starts.start(
                        new StartService.StartCommand(client, PHONE, "en", LoginFixture.IP, null), h -> {})
                .toCompletableFuture();
        assertThat(second).isCompletedWithValueMatching(StartService.StartResult::sent);
        pending.get(1)
                .completeExceptionally(new SmsDeliveryException(
                        "slow", SmsDeliveryException.Kind.REJECTED_NUMBER, "21211", "invalid number", null));
        assertThat(policy.names().stream().filter("send"::equals)).hasSize(1);
    }

    @Test
    void startWhenProviderFailsThenUnavailableWithRetryAndNoSendRecorded() {
        LoginFixture f = LoginFixture.builder().build();
        f.sms.failWith(new SmsDeliveryException("twilio", SmsDeliveryException.Kind.TRANSIENT, null, "down", null));
        PhonepassException e = failure(() -> start(f, client, PHONE, "en"));
        assertThat(e.code()).isEqualTo(ErrorCode.SMS_PROVIDER_UNAVAILABLE);
        assertThat(e.retryAfterSeconds()).isEqualTo(60L);
        assertThat(((RecordingAbusePolicy) f.policy).names()).doesNotContain("send");
    }

    @Test
    void startWhenProviderRejectsNumberThenRejectedWithVendorCode() {
        LoginFixture f = LoginFixture.builder().build();
        f.sms.failWith(new SmsDeliveryException(
                "twilio", SmsDeliveryException.Kind.REJECTED_NUMBER, "21211", "The number is not valid", null));
        PhonepassException e = failure(() -> start(f, client, PHONE, "en"));
        assertThat(e.code()).isEqualTo(ErrorCode.SMS_PROVIDER_REJECTED);
        assertThat(e.description()).isEqualTo("The number is not valid (Code: 21211)");
    }

    @Test
    void startWhenPolicyAdvertisesLimitsThenCallerToldEvenIfTheScreenRefuses() {
        LoginFixture f = LoginFixture.builder().build();
        RecordingAbusePolicy policy = (RecordingAbusePolicy) f.policy;
        RateLimitHeaders headers = new RateLimitHeaders(5, 4, 1_800_000_000L, null);
        policy.advertise(headers);
        policy.refuseScreen(PhonepassException.of(ErrorCode.INVALID_REQUEST, "bot check failed"));
        List<RateLimitHeaders> told = new ArrayList<>();
        assertThatThrownBy(() -> f.starts
                        .start(new StartService.StartCommand(client, PHONE, "en", LoginFixture.IP, null), told::add)
                        .toCompletableFuture()
                        .join())
                .isInstanceOf(CompletionException.class);
        assertThat(told).containsExactly(headers);
    }
}
