package org.phonepass.sms.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.phonepass.sms.support.Fixtures.IN;
import static org.phonepass.sms.support.Fixtures.US;
import static org.phonepass.sms.support.Fixtures.await;
import static org.phonepass.sms.support.Fixtures.failure;
import static org.phonepass.sms.support.Fixtures.message;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.phonepass.core.sms.SmsDeliveryException.Kind;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsReceipt;
import org.phonepass.sms.SmsProviders;
import org.phonepass.sms.SmsStack;
import org.phonepass.sms.dev.DevSmsInbox;
import org.phonepass.sms.support.FakeVendor;
import org.phonepass.sms.support.FakeVendor.Reply;

/** The {@code sms:} YAML, bound as the server binds it, and the stack built from it. */
class SmsProvidersTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);
    // Bound the way the server's configuration loader binds every section.
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(DurationSetting.module())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private SmsSettings parse(String text) throws Exception {
        return yaml.readValue(text, SmsSettings.class);
    }

    private SmsStack build(SmsSettings settings, Map<String, String> env, boolean production) {
        return SmsProviders.build(settings, CLOCK, registry, env::get, production);
    }

    @Test
    void theFullShapeBindsWithSnakeCaseKeysAndDurations() throws Exception {
        SmsSettings s = parse("""
                provider: twilio
                failover: [vonage]
                routes:
                  - calling_codes: [91]
                    providers: [http_gateway, twilio]
                retry: {max_attempts: 4, initial_backoff: 100ms, max_backoff: 1s, multiplier: 3, jitter: 0.2, deadline: 20s}
                circuit_breaker: {failure_threshold: 3, open_duration: 1m}
                message:
                  max_segments: 1
                  webotp_host: login.example.com
                  android_app_hash: FA+9qCX9VSu
                  clients:
                    mobile-app: {android_app_hash: AB+9qCX9VSu}
                test_numbers:
                  allow_in_production: true
                  numbers:
                    - {number: "+15555550100", code: "123456", expires: 2026-12-31}
                dev: {capacity: 50}
                twilio:
                  account_sid: AC0123
                  auth_token: ${TWILIO_AUTH_TOKEN}
                  from: "+15005550006"
                  base_url: https://api.twilio.example
                  timeout: 7s
                http_gateway:
                  url: https://gw.example.in/send
                  format: form
                  fields: {recipient: to}
                  headers: {X-Api-Key: "${GW_KEY}"}
                  auth: {subject: phonepass, audience: gw, secret: "${GW_SECRET}", secret_base64_encoded: false}
                vonage: {api_key: k, api_secret: "${VONAGE_SECRET}", from: Acme}
                sns: {region: eu-west-1, sender_id: Acme, sms_type: Transactional, max_concurrency: 10}
                """);

        assertThat(s.provider()).isEqualTo(ProviderId.TWILIO);
        assertThat(s.failover()).containsExactly(ProviderId.VONAGE);
        assertThat(s.routes().get(0).callingCodes()).containsExactly(91);
        assertThat(s.retry().maxAttempts()).isEqualTo(4);
        assertThat(s.retry().initialBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.retry().deadline()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.circuitBreaker().openDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.message().clients().get("mobile-app").androidAppHash()).isEqualTo("AB+9qCX9VSu");
        assertThat(s.testNumbers().numbers().get(0).expires()).isEqualTo("2026-12-31");
        assertThat(s.twilio().timeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(s.twilio().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.httpGateway().auth().subject()).isEqualTo("phonepass");
        assertThat(s.sns().maxConcurrency()).isEqualTo(10);
        assertThat(s.toString()).doesNotContain("123456");
    }

    @Test
    void anUnknownKeyIsRefusedByTheBinder() {
        assertThatThrownBy(() -> parse("twilio: {acount_sid: AC1}"))
                .isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("acount_sid");
    }

    @Test
    void aBadDurationNamesTheValue() {
        assertThatThrownBy(() -> parse("retry: {deadline: 10 parsecs}"))
                .hasMessageContaining("'10 parsecs' is not a duration");
    }

    @Test
    void defaultsGiveTheDevInboxThatShowsTheFormattedMessage() throws Exception {
        try (SmsStack stack = build(parse("message: {webotp_host: login.example.com}"), Map.of(), false)) {
            SmsReceipt receipt = await(stack.provider().send(message(US)));

            assertThat(receipt.providerId()).isEqualTo("dev");
            DevSmsInbox inbox = stack.devInbox().orElseThrow();
            assertThat(inbox.recent(Optional.empty()).get(0).body())
                    .isEqualTo("Your verification code is: 123456\n\n@login.example.com #123456");
            assertThat(registry.find("phonepass.sms.sent")
                            .tags("provider", "dev", "region", "US")
                            .counter()
                            .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void validationMessagesNameTheKey() throws Exception {
        assertThatThrownBy(() -> build(parse("provider: twilio"), Map.of(), false))
                .hasMessage("sms.twilio.account_sid is required when sms.provider is twilio");
        assertThatThrownBy(() -> build(parse("provider: vonage"), Map.of(), false))
                .hasMessage("sms.vonage.api_key is required when sms.provider is vonage");
        assertThatThrownBy(() -> build(parse("{provider: dev, failover: [sns]}"), Map.of(), false))
                .hasMessage("sms.sns.region is required when sms.failover lists sns");
        assertThatThrownBy(() ->
                        build(parse("routes: [{calling_codes: [91], providers: [http_gateway]}]"), Map.of(), false))
                .hasMessage("sms.http_gateway.url is required when sms.routes[0].providers lists http_gateway");
        // Provider ids are a closed set matched exactly: an unknown one fails binding, naming it and the known ones
        // (the server's loader adds the key; ConfigLoaderTest).
        assertThatThrownBy(() -> build(parse("provider: twillio"), Map.of(), false))
                .isInstanceOf(InvalidFormatException.class)
                .hasMessageContaining("twillio")
                .hasMessageContaining("twilio")
                .hasMessageContaining("http_gateway");
        assertThatThrownBy(() -> parse("routes: [{calling_codes: [91], providers: [Twilio]}]"))
                .isInstanceOf(InvalidFormatException.class)
                .hasMessageContaining("Twilio");
        assertThatThrownBy(() -> build(parse("{provider: dev, failover: [dev]}"), Map.of(), false))
                .hasMessageStartingWith("sms.failover names a provider twice");
        assertThatThrownBy(() -> build(
                        parse("routes: [{calling_codes: [91], providers: [dev]}, "
                                + "{calling_codes: [91], providers: [dev]}]"),
                        Map.of(),
                        false))
                .hasMessage("sms.routes[1].calling_codes: +91 already has a route in an earlier entry");
        assertThatThrownBy(() -> build(parse("retry: {jitter: 2}"), Map.of(), false))
                .hasMessage("sms.retry.jitter must be between 0 and 1");
        assertThatThrownBy(() -> build(parse("message: {webotp_host: 'https://x.example.com/'}"), Map.of(), false))
                .hasMessageStartingWith("sms.message.webotp_host:");
        assertThatThrownBy(() -> build(parse("""
                provider: twilio
                twilio: {account_sid: AC1, auth_token: "${TWILIO_AUTH_TOKEN}", from: "+1500"}
                """), Map.of(), false))
                .hasMessage("sms.twilio.auth_token refers to the environment variable TWILIO_AUTH_TOKEN, "
                        + "which is not set");
    }

    @Test
    void productionModeRefusesTheDevInboxAndUnallowedTestNumbers() throws Exception {
        assertThatThrownBy(() -> build(SmsSettings.DEFAULTS, Map.of(), true))
                .hasMessageStartingWith("the dev SMS inbox is refused in production mode: sms.provider is dev");
        String withNumbers = """
                provider: vonage
                vonage: {api_key: k, api_secret: s, from: Acme}
                test_numbers:
                  numbers: [{number: "+15555550100", code: "123456"}]
                """;
        assertThatThrownBy(() -> build(parse(withNumbers), Map.of(), true))
                .hasMessageStartingWith("sms.test_numbers.numbers is refused in production mode");
        try (SmsStack stack = build(parse(withNumbers), Map.of(), false)) {
            assertThat(stack.testNumbers()
                            .fixedCode(
                                    new org.phonepass.core.phone.PhoneNumber("+15555550100", "US", 1), CLOCK.instant()))
                    .contains("123456");
        }
    }

    @Test
    void secretsComeFromTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("twilio_token");
        Files.writeString(tokenFile, "from-file\n");
        try (FakeVendor twilio = new FakeVendor()) {
            twilio.always(r -> Reply.json(201, "{\"sid\":\"SM1\",\"status\":\"queued\"}"));
            SmsSettings s = parse("provider: twilio\ntwilio: {account_sid: \"${TWILIO_SID}\", auth_token: \"${file:"
                    + tokenFile + "}\", from: \"+1500\", base_url: \"" + twilio.baseUrl() + "\"}");
            try (SmsStack stack = build(s, Map.of("TWILIO_SID", "AC777"), false)) {
                await(stack.provider().send(message(US)));
            }
            assertThat(twilio.lastRequest().path()).isEqualTo("/2010-04-01/Accounts/AC777/Messages.json");
            assertThat(twilio.lastRequest().header("Authorization"))
                    .isEqualTo("Basic "
                            + java.util.Base64.getEncoder()
                                    .encodeToString(
                                            "AC777:from-file".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    @Test
    void endToEndTwilioRetriesA503ThenFailsOverToTheGatewayAndRoutesIndiaToTheGateway() throws Exception {
        try (FakeVendor twilio = new FakeVendor();
                FakeVendor gateway = new FakeVendor()) {
            twilio.enqueue(
                    Reply.json(503, "{\"code\":20503,\"status\":503}"),
                    Reply.json(201, "{\"sid\":\"SM-after-retry\",\"status\":\"queued\"}"));
            gateway.always(r -> Reply.json(200, "{\"id\":\"gw-1\"}"));
            SmsSettings s = parse("""
                    provider: twilio
                    failover: [http_gateway]
                    routes: [{calling_codes: [91], providers: [http_gateway]}]
                    retry: {initial_backoff: 10ms, max_backoff: 20ms, max_attempts: 2}
                    twilio: {account_sid: AC1, auth_token: t, from: "+1500", base_url: "%s"}
                    http_gateway: {url: "%s/sms"}
                    """.formatted(twilio.baseUrl(), gateway.baseUrl()));
            try (SmsStack stack = build(s, Map.of(), false)) {
                assertThat(await(stack.provider().send(message(US))).messageId())
                        .isEqualTo("SM-after-retry");
                assertThat(twilio.requests()).hasSize(2);

                twilio.always(r -> Reply.json(500, "{}"));
                assertThat(await(stack.provider().send(message(US))).messageId())
                        .isEqualTo("gw-1");
                assertThat(twilio.requests()).hasSize(4);

                assertThat(await(stack.provider().send(message(IN))).providerId())
                        .isEqualTo("http_gateway");
                assertThat(twilio.requests()).hasSize(4);
                assertThat(gateway.requests()).hasSize(2);
            }
            assertThat(registry.find("phonepass.sms.retried")
                            .tags("provider", "twilio")
                            .counters())
                    .isNotEmpty();
            assertThat(registry.find("phonepass.sms.failed_over")
                            .tags("provider", "twilio", "region", "US")
                            .counter()
                            .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void twilio21211ThroughTheStackIsARejectionWithItsCode() throws Exception {
        try (FakeVendor twilio = new FakeVendor()) {
            twilio.always(r -> Reply.json(
                    400,
                    "{\"code\":21211,\"message\":\"The 'To' number is not a valid phone "
                            + "number.\",\"status\":400}"));
            SmsSettings s = parse("provider: twilio\nfailover: [dev]\ntwilio: {account_sid: AC1, auth_token: t, "
                    + "from: \"+1500\", base_url: \"" + twilio.baseUrl() + "\"}");
            try (SmsStack stack = build(s, Map.of(), false)) {
                var e = failure(stack.provider().send(message(US)));
                assertThat(e.kind()).isEqualTo(Kind.REJECTED_NUMBER);
                assertThat(e.providerCode()).isEqualTo("21211");
                assertThat(stack.devInbox().orElseThrow().recent(Optional.empty()))
                        .isEmpty();
            }
        }
    }

    @Test
    void testNumbersNeverReachAProvider() throws Exception {
        SmsSettings s = parse("test_numbers: {numbers: [{number: \"+12015550123\", code: \"000000\"}]}");
        try (SmsStack stack = build(s, Map.of(), false)) {
            SmsMessage m = message(US);
            assertThat(await(stack.provider().send(m)).providerId()).isEqualTo("test_number");
            assertThat(stack.devInbox().orElseThrow().recent(Optional.empty())).isEmpty();
            await(stack.provider().send(message(IN)));
            assertThat(stack.devInbox().orElseThrow().recent(Optional.empty())).hasSize(1);
        }
    }
}
