package org.phonepass.sms.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.sms.support.Fixtures.US;
import static org.phonepass.sms.support.Fixtures.await;
import static org.phonepass.sms.support.Fixtures.failure;
import static org.phonepass.sms.support.Fixtures.message;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsDeliveryException.Kind;
import org.phonepass.core.sms.SmsReceipt;
import org.phonepass.sms.config.Secrets;
import org.phonepass.sms.support.FakeVendor;
import org.phonepass.sms.support.FakeVendor.Reply;

/**
 * SNS through the real AWS SDK against a fake endpoint speaking the SNS query protocol. One client per timeout
 * for the whole class: closing a Netty event loop takes a couple of seconds of graceful shutdown.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnsSmsProviderTest {
    private static final String PUBLISHED = """
            <PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
              <PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>
              <ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata>
            </PublishResponse>""";
    private final FakeVendor sns = new FakeVendor();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final Map<Duration, SnsSmsProvider> providers = new HashMap<>();

    @BeforeEach
    void forget() {
        sns.reset();
    }

    @AfterAll
    void stop() {
        providers.values().forEach(SnsSmsProvider::close);
        sns.close();
        executor.shutdownNow();
    }

    private SnsSmsProvider provider(Duration timeout) {
        return providers.computeIfAbsent(timeout, this::create);
    }

    private SnsSmsProvider create(Duration timeout) {
        SnsSettings settings = new SnsSettings(
                        "eu-west-1",
                        sns.baseUrl(),
                        "${AWS_KEY_FOR_TEST}",
                        "${file:" + secretFile() + "}",
                        "Acme",
                        null,
                        null,
                        null,
                        Duration.ofSeconds(2),
                        timeout)
                .resolved(
                        "sms.sns", "sms.provider is sns", new Secrets(Map.of("AWS_KEY_FOR_TEST", "AKIDEXAMPLE")::get));
        return new SnsSmsProvider("sns", settings, executor);
    }

    private static String secretFile() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("sns-secret", ".txt");
            java.nio.file.Files.writeString(file, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n");
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String error(String type, String code, String text) {
        return "<ErrorResponse xmlns=\"https://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>" + type
                + "</Type><Code>" + code + "</Code><Message>" + text + "</Message></Error>"
                + "<RequestId>42d59b56-7407-4c4a-be0f-4c88daeea257</RequestId></ErrorResponse>";
    }

    @Test
    void publishIsSignedAndCarriesTheNumberMessageAndAttributes() {
        sns.enqueue(Reply.xml(200, PUBLISHED));

        SmsReceipt receipt = await(provider(Duration.ofSeconds(5)).send(message(US)));

        assertThat(receipt).isEqualTo(new SmsReceipt("sns", "94f20ce6-13c5-43a0-9a9e-ca52d816e90b"));
        FakeVendor.Recorded request = sns.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/");
        assertThat(request.header("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/eu-west-1/sns/aws4_request");
        Map<String, String> form = request.form();
        assertThat(form)
                .containsEntry("Action", "Publish")
                .containsEntry("Version", "2010-03-31")
                .containsEntry("PhoneNumber", "+12015550123")
                .containsEntry("Message", "Your verification code is: 123456");
        Map<String, String> attributes = new HashMap<>();
        for (int i = 1; form.containsKey("MessageAttributes.entry." + i + ".Name"); i++) {
            attributes.put(
                    form.get("MessageAttributes.entry." + i + ".Name"),
                    form.get("MessageAttributes.entry." + i + ".Value.StringValue"));
            assertThat(form.get("MessageAttributes.entry." + i + ".Value.DataType"))
                    .isEqualTo("String");
        }
        assertThat(attributes)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("AWS.SNS.SMS.SMSType", "Transactional", "AWS.SNS.SMS.SenderID", "Acme"));
        assertThat(sns.requests()).hasSize(1);
    }

    @Test
    void anInvalidPhoneNumberIsARejection() {
        sns.enqueue(Reply.xml(
                400,
                error(
                        "Sender",
                        "InvalidParameter",
                        "Invalid parameter: PhoneNumber Reason: +12015550123 is not valid to publish to")));

        SmsDeliveryException e = failure(provider(Duration.ofSeconds(5)).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED_NUMBER);
        assertThat(e.providerCode()).isEqualTo("InvalidParameter");
        assertThat(e.getMessage()).doesNotContain("2015550123");
    }

    @Test
    void anOptedOutNumberIsARejection() {
        sns.enqueue(Reply.xml(400, error("Sender", "OptedOut", "Phone number is opted out")));

        SmsDeliveryException e = failure(provider(Duration.ofSeconds(5)).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED_NUMBER);
        assertThat(e.providerCode()).isEqualTo("OptedOut");
    }

    @Test
    void throttlingAndServerErrorsAreTransientAndTheSdkDoesNotRetryOnItsOwn() {
        sns.enqueue(
                Reply.xml(400, error("Sender", "Throttling", "Rate exceeded")),
                Reply.xml(500, error("Receiver", "InternalError", "Internal failure")));
        SnsSmsProvider p = provider(Duration.ofSeconds(5));

        assertThat(failure(p.send(message(US))).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(failure(p.send(message(US))).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(sns.requests()).hasSize(2);
    }

    @Test
    void refusedCredentialsAreAConfigurationFailure() {
        sns.enqueue(Reply.xml(
                403, error("Sender", "AuthorizationError", "User is not authorized to perform: SNS:Publish")));

        SmsDeliveryException e = failure(provider(Duration.ofSeconds(5)).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION);
        assertThat(e.providerCode()).isEqualTo("AuthorizationError");
    }

    @Test
    void aSlowEndpointTimesOutAsTransient() {
        sns.enqueue(Reply.xml(200, PUBLISHED).after(Duration.ofSeconds(3)));

        SmsDeliveryException e = failure(provider(Duration.ofMillis(300)).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    }
}
