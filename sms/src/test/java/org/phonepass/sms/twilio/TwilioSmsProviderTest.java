package org.phonepass.sms.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.sms.support.Fixtures.US;
import static org.phonepass.sms.support.Fixtures.await;
import static org.phonepass.sms.support.Fixtures.failure;
import static org.phonepass.sms.support.Fixtures.message;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsDeliveryException.Kind;
import org.phonepass.core.sms.SmsReceipt;
import org.phonepass.sms.config.Secrets;
import org.phonepass.sms.http.VendorHttp;
import org.phonepass.sms.support.FakeVendor;
import org.phonepass.sms.support.FakeVendor.Reply;

class TwilioSmsProviderTest {
    private static final String CREATED = """
            {"sid":"SM1234567890abcdef1234567890abcdef","status":"queued","error_code":null,"to":"+12015550123"}""";
    private final FakeVendor twilio = new FakeVendor();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        twilio.close();
        executor.shutdownNow();
    }

    private TwilioSmsProvider provider(TwilioSettings raw) {
        TwilioSettings settings = raw.resolved("sms.twilio", "sms.provider is twilio", new Secrets(name -> null));
        return new TwilioSmsProvider(
                settings, new VendorHttp("twilio", "Twilio", settings.connectTimeout(), settings.timeout(), executor));
    }

    private TwilioSettings withToken(Duration timeout) {
        return new TwilioSettings(
                "AC0123456789abcdef0123456789abcdef",
                "token-secret",
                null,
                null,
                "+15005550006",
                null,
                twilio.baseUrl(),
                Duration.ofSeconds(2),
                timeout);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sendPostsTheDocumentedFormWithBasicAuthAndReturnsTheMessageSid() {
        twilio.enqueue(Reply.json(201, CREATED));

        SmsReceipt receipt = await(provider(withToken(Duration.ofSeconds(5))).send(message(US)));

        assertThat(receipt).isEqualTo(new SmsReceipt("twilio", "SM1234567890abcdef1234567890abcdef"));
        FakeVendor.Recorded request = twilio.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json");
        assertThat(request.header("Authorization"))
                .isEqualTo(basic("AC0123456789abcdef0123456789abcdef", "token-secret"));
        assertThat(request.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(request.form())
                .containsExactly(
                        java.util.Map.entry("To", "+12015550123"),
                        java.util.Map.entry("From", "+15005550006"),
                        java.util.Map.entry("Body", "Your verification code is: 123456"));
    }

    @Test
    void senderWhenChangedWhileRunningThenTheNextMessageGoesFromTheNewOneWithTheSameCredentials() {
        twilio.always(r -> Reply.json(201, CREATED));
        TwilioSettings settings = withToken(Duration.ofSeconds(5))
                .resolved("sms.twilio", "sms.provider is twilio", new Secrets(name -> null));
        java.util.concurrent.atomic.AtomicReference<TwilioSender> live =
                new java.util.concurrent.atomic.AtomicReference<>();
        TwilioSmsProvider provider = new TwilioSmsProvider(
                settings,
                new VendorHttp("twilio", "Twilio", settings.connectTimeout(), settings.timeout(), executor),
                live::get);

        await(provider.send(message(US)));
        assertThat(twilio.lastRequest().form()).containsEntry("From", "+15005550006");

        live.set(new TwilioSender("+447700900123", null));
        await(provider.send(message(US)));
        assertThat(twilio.lastRequest().form())
                .containsEntry("From", "+447700900123")
                .doesNotContainKey("MessagingServiceSid");

        live.set(new TwilioSender(null, "MGfedcba9876543210fedcba9876543210"));
        await(provider.send(message(US)));
        assertThat(twilio.lastRequest().form())
                .containsEntry("MessagingServiceSid", "MGfedcba9876543210fedcba9876543210")
                .doesNotContainKey("From");
        assertThat(twilio.lastRequest().header("Authorization"))
                .isEqualTo(basic("AC0123456789abcdef0123456789abcdef", "token-secret"));

        // Back to the settings' sender when the change is withdrawn.
        live.set(null);
        await(provider.send(message(US)));
        assertThat(twilio.lastRequest().form()).containsEntry("From", "+15005550006");
    }

    @Test
    void senderFormsAreE164NumbersAndMessagingServiceSids() {
        assertThat(TwilioSender.isNumber("+447700900123")).isTrue();
        assertThat(TwilioSender.isNumber("447700900123")).isFalse();
        assertThat(TwilioSender.isNumber("+0447700900123")).isFalse();
        assertThat(TwilioSender.isNumber("+1234567890123456")).isFalse();
        assertThat(TwilioSender.isNumber("Phonepass")).isFalse();
        assertThat(TwilioSender.isMessagingServiceSid("MG0123456789abcdef0123456789abcdef"))
                .isTrue();
        assertThat(TwilioSender.isMessagingServiceSid("MG0123456789abcdef0123456789abcde"))
                .isFalse();
        assertThat(TwilioSender.isMessagingServiceSid("AC0123456789abcdef0123456789abcdef"))
                .isFalse();
        assertThat(TwilioSender.isMessagingServiceSid("MG0123456789abcdef0123456789abcdeg"))
                .isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new TwilioSender("+447700900123", "MG0123456789abcdef0123456789abcdef"))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TwilioSender(null, " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void apiKeyAuthenticatesWithTheKeyAndAMessagingServiceIsTheSender() {
        twilio.enqueue(Reply.json(201, CREATED));
        TwilioSettings settings = new TwilioSettings(
                "AC0123456789abcdef0123456789abcdef",
                null,
                "SK0123456789abcdef0123456789abcdef",
                "key-secret",
                null,
                "MG0123456789abcdef0123456789abcdef",
                twilio.baseUrl(),
                null,
                null);

        await(provider(settings).send(message(US)));

        FakeVendor.Recorded request = twilio.lastRequest();
        assertThat(request.header("Authorization"))
                .isEqualTo(basic("SK0123456789abcdef0123456789abcdef", "key-secret"));
        assertThat(request.form())
                .containsEntry("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef")
                .doesNotContainKey("From");
    }

    @ParameterizedTest(name = "HTTP {0} code {1} -> {2}")
    @CsvSource({
        "400, 21211, REJECTED_NUMBER",
        "400, 21614, REJECTED_NUMBER",
        "400, 21610, REJECTED_NUMBER",
        "400, 21612, REJECTED_NUMBER",
        "400, 21408, CONFIGURATION",
        "400, 21606, CONFIGURATION",
        "400, 21608, CONFIGURATION",
        "401, 20003, CONFIGURATION",
        "404, 20404, CONFIGURATION",
        "429, 20429, TRANSIENT",
        "500, 20500, TRANSIENT",
        "400, 29999, CONFIGURATION",
        "503, 29999, TRANSIENT"
    })
    void documentedErrorsMapToTheirKindAndKeepTwiliosCode(int status, String code, Kind kind) {
        twilio.enqueue(Reply.json(
                status,
                "{\"code\":" + code + ",\"message\":\"The 'To' number +12015550123 is "
                        + "not valid\",\"more_info\":\"https://www.twilio.com/docs/errors/" + code + "\",\"status\":"
                        + status + "}"));

        SmsDeliveryException e =
                failure(provider(withToken(Duration.ofSeconds(5))).send(message(US)));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.providerCode()).isEqualTo(code);
        assertThat(e.providerId()).isEqualTo("twilio");
        assertThat(e.getMessage()).doesNotContain("2015550123");
    }

    @Test
    void invalidNumberGivesThePublicTextLockRecognises() {
        twilio.enqueue(Reply.json(
                400,
                "{\"code\":21211,\"message\":\"The 'To' number 5551234567 is not a valid "
                        + "phone number.\",\"status\":400}"));

        SmsDeliveryException e =
                failure(provider(withToken(Duration.ofSeconds(5))).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED_NUMBER);
        assertThat(e.providerCode()).isEqualTo("21211");
        assertThat(e.getMessage()).isEqualTo("The 'To' number is not a valid phone number.");
    }

    @Test
    void aMessageFailedAtCreationIsJudgedByItsErrorCode() {
        twilio.enqueue(Reply.json(201, "{\"sid\":\"SMx\",\"status\":\"failed\",\"error_code\":30006}"));

        SmsDeliveryException e =
                failure(provider(withToken(Duration.ofSeconds(5))).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED_NUMBER);
        assertThat(e.providerCode()).isEqualTo("30006");
    }

    @Test
    void aServerErrorWithoutBodyIsTransient() {
        twilio.enqueue(new Reply(502, "text/html", "", Duration.ZERO));

        SmsDeliveryException e =
                failure(provider(withToken(Duration.ofSeconds(5))).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.providerCode()).isNull();
    }

    @Test
    void anAnswerSlowerThanTheTimeoutIsTransient() {
        twilio.enqueue(Reply.json(201, CREATED).after(Duration.ofSeconds(3)));

        SmsDeliveryException e =
                failure(provider(withToken(Duration.ofMillis(300))).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).contains("did not answer within 300 ms");
    }

    @Test
    void aRefusedConnectionIsTransient() {
        String deadUrl = twilio.baseUrl();
        twilio.close();
        TwilioSettings settings = new TwilioSettings(
                "AC0123456789abcdef0123456789abcdef",
                "t",
                null,
                null,
                "+1500",
                null,
                deadUrl,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1));

        SmsDeliveryException e = failure(provider(settings).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void settingsNeedExactlyOneCredentialAndOneSender() {
        Secrets secrets = new Secrets(name -> null);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new TwilioSettings(null, "t", null, null, "+1", null, null, null, null)
                                .resolved("sms.twilio", "sms.provider is twilio", secrets))
                .hasMessage("sms.twilio.account_sid is required when sms.provider is twilio");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new TwilioSettings("AC1", "t", "SK1", "s", "+1", null, null, null, null)
                                .resolved("sms.twilio", "x", secrets))
                .hasMessageContaining("exactly one of sms.twilio.auth_token or sms.twilio.api_key_sid");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new TwilioSettings("AC1", "t", null, null, "+1", "MG1", null, null, null)
                                .resolved("sms.twilio", "x", secrets))
                .hasMessageContaining("exactly one of sms.twilio.from or sms.twilio.messaging_service_sid");
        assertThat(new TwilioSettings("AC1", "secret-token", null, null, "+1", null, null, null, null).toString())
                .doesNotContain("secret-token");
    }
}
