package org.phonepass.sms.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.sms.support.Fixtures.US;
import static org.phonepass.sms.support.Fixtures.await;
import static org.phonepass.sms.support.Fixtures.failure;
import static org.phonepass.sms.support.Fixtures.message;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsDeliveryException.Kind;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsReceipt;
import org.phonepass.sms.config.Secrets;
import org.phonepass.sms.http.VendorHttp;
import org.phonepass.sms.support.FakeVendor;
import org.phonepass.sms.support.FakeVendor.Reply;

class VonageSmsProviderTest {
    private final FakeVendor vonage = new FakeVendor();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        vonage.close();
        executor.shutdownNow();
    }

    private VonageSmsProvider provider(Duration timeout) {
        VonageSettings settings = new VonageSettings(
                        "${VONAGE_KEY}", "${VONAGE_SECRET}", "Acme", vonage.baseUrl(), null, timeout)
                .resolved(
                        "sms.vonage",
                        "sms.provider is vonage",
                        new Secrets(Map.of("VONAGE_KEY", "abcd1234", "VONAGE_SECRET", "s3cr3t")::get));
        return new VonageSmsProvider(
                settings, new VendorHttp("vonage", "Vonage", settings.connectTimeout(), settings.timeout(), executor));
    }

    private static String answer(String status, String errorText) {
        return "{\"message-count\":\"1\",\"messages\":[{\"to\":\"12015550123\",\"message-id\":\"0C000000217B7F02\","
                + "\"status\":\"" + status + "\"" + (errorText == null ? "" : ",\"error-text\":\"" + errorText + "\"")
                + "}]}";
    }

    @Test
    void sendPostsTheDocumentedFormAndReadsTheMessageId() {
        vonage.enqueue(Reply.json(200, answer("0", null)));

        SmsReceipt receipt = await(provider(Duration.ofSeconds(5)).send(message(US)));

        assertThat(receipt).isEqualTo(new SmsReceipt("vonage", "0C000000217B7F02"));
        FakeVendor.Recorded request = vonage.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/sms/json");
        assertThat(request.form())
                .containsExactly(
                        Map.entry("api_key", "abcd1234"),
                        Map.entry("api_secret", "s3cr3t"),
                        Map.entry("from", "Acme"),
                        Map.entry("to", "12015550123"),
                        Map.entry("text", "Your verification code is: 123456"));
    }

    @Test
    void aTextOutsideTheGsmAlphabetIsSentAsUnicode() {
        vonage.enqueue(Reply.json(200, answer("0", null)));
        SmsMessage russian =
                new SmsMessage(new PhoneNumber("+79161234567", "RU", 7), "Ваш код: 123456", "123456", "ru", "client-1");

        await(provider(Duration.ofSeconds(5)).send(russian));

        assertThat(vonage.lastRequest().form())
                .containsEntry("type", "unicode")
                .containsEntry("to", "79161234567")
                .containsEntry("text", "Ваш код: 123456");
    }

    @ParameterizedTest(name = "status {0} -> {1}")
    @CsvSource({
        "1, TRANSIENT",
        "2, CONFIGURATION",
        "3, CONFIGURATION",
        "4, CONFIGURATION",
        "5, TRANSIENT",
        "6, REJECTED_NUMBER",
        "7, REJECTED_NUMBER",
        "8, CONFIGURATION",
        "9, CONFIGURATION",
        "10, TRANSIENT",
        "15, CONFIGURATION",
        "29, CONFIGURATION",
        "33, REJECTED_NUMBER"
    })
    void documentedStatusesMapToTheirKind(String status, Kind kind) {
        vonage.enqueue(Reply.json(200, answer(status, "Some reason for 12015550123")));

        SmsDeliveryException e = failure(provider(Duration.ofSeconds(5)).send(message(US)));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.providerCode()).isEqualTo(status);
        assertThat(e.getMessage()).doesNotContain("2015550123");
    }

    @Test
    void everyPartOfALongMessageMustBeAccepted() {
        vonage.enqueue(Reply.json(
                200,
                "{\"message-count\":\"2\",\"messages\":[{\"status\":\"0\",\"message-id\":"
                        + "\"A\"},{\"status\":\"1\",\"error-text\":\"Throughput Rate Exceeded\"}]}"));

        SmsDeliveryException e = failure(provider(Duration.ofSeconds(5)).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.providerCode()).isEqualTo("1");
    }

    @Test
    void httpFailuresAndSlowAnswersAreTransient() {
        vonage.enqueue(Reply.json(503, ""), Reply.json(200, answer("0", null)).after(Duration.ofSeconds(3)));

        assertThat(failure(provider(Duration.ofSeconds(5)).send(message(US))).kind())
                .isEqualTo(Kind.TRANSIENT);
        assertThat(failure(provider(Duration.ofMillis(250)).send(message(US))).kind())
                .isEqualTo(Kind.TRANSIENT);
    }
}
