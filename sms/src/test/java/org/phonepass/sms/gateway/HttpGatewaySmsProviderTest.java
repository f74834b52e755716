package org.phonepass.sms.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.phonepass.sms.support.Fixtures.IN;
import static org.phonepass.sms.support.Fixtures.US;
import static org.phonepass.sms.support.Fixtures.await;
import static org.phonepass.sms.support.Fixtures.failure;
import static org.phonepass.sms.support.Fixtures.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
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

class HttpGatewaySmsProviderTest {
    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!!";
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private final FakeVendor gateway = new FakeVendor();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        gateway.close();
        executor.shutdownNow();
    }

    private HttpGatewaySmsProvider provider(HttpGatewaySettings raw, Map<String, String> env) {
        HttpGatewaySettings settings =
                raw.resolved("sms.http_gateway", "sms.provider is http_gateway", new Secrets(env::get));
        return new HttpGatewaySmsProvider(
                settings,
                new VendorHttp(
                        "http_gateway", "The SMS gateway", settings.connectTimeout(), settings.timeout(), executor),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static HttpGatewaySettings settings(
            String url,
            String method,
            String format,
            Map<String, String> fields,
            String recipientFormat,
            Map<String, String> params,
            Map<String, String> headers,
            HttpGatewaySettings.Auth auth) {
        return new HttpGatewaySettings(
                url,
                method == null ? null : HttpGatewaySettings.Method.valueOf(method),
                format == null ? null : HttpGatewaySettings.Format.valueOf(format.toUpperCase(Locale.ROOT)),
                "+15550001111",
                fields == null
                        ? null
                        : fields.entrySet().stream()
                                .collect(Collectors.toMap(
                                        e -> HttpGatewaySettings.Field.valueOf(
                                                e.getKey().toUpperCase(Locale.ROOT)),
                                        Map.Entry::getValue)),
                recipientFormat == null
                        ? null
                        : HttpGatewaySettings.RecipientFormat.valueOf(recipientFormat.toUpperCase(Locale.ROOT)),
                params,
                headers,
                auth,
                null,
                Duration.ofSeconds(5));
    }

    @Test
    void auth0StyleJsonWithBearerJwtAndExtraHeaders() throws Exception {
        gateway.enqueue(Reply.json(200, "{\"id\":\"msg-42\"}"));
        HttpGatewaySettings s = settings(
                gateway.baseUrl() + "/sms",
                null,
                null,
                null,
                null,
                null,
                Map.of("X-Tenant", "${GATEWAY_TENANT}"),
                new HttpGatewaySettings.Auth(
                        "phonepass", "https://gateway.example.com", "${GATEWAY_SECRET}", null, null));

        SmsReceipt receipt = await(provider(s, Map.of("GATEWAY_SECRET", SECRET, "GATEWAY_TENANT", "acme"))
                .send(message(US)));

        assertThat(receipt).isEqualTo(new SmsReceipt("http_gateway", "msg-42"));
        FakeVendor.Recorded request = gateway.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/sms");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("X-Tenant")).isEqualTo("acme");
        JsonNode body = new ObjectMapper().readTree(request.body());
        assertThat(body.get("recipient").asText()).isEqualTo("+12015550123");
        assertThat(body.get("body").asText()).isEqualTo("Your verification code is: 123456");
        assertThat(body.get("sender").asText()).isEqualTo("+15550001111");

        String authorization = request.header("Authorization");
        assertThat(authorization).startsWith("Bearer ");
        SignedJWT jwt = SignedJWT.parse(authorization.substring("Bearer ".length()));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(jwt.verify(new MACVerifier(SECRET))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("phonepass");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("https://gateway.example.com");
        assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(NOW);
        assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    }

    @Test
    void base64SecretIsDecodedBeforeSigning() throws Exception {
        gateway.enqueue(Reply.json(200, "{}"));
        byte[] key = SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpGatewaySettings s = settings(
                gateway.baseUrl(),
                null,
                null,
                null,
                null,
                null,
                null,
                new HttpGatewaySettings.Auth(
                        "sub", "aud", java.util.Base64.getEncoder().encodeToString(key), true, null));

        SmsReceipt receipt = await(provider(s, Map.of()).send(message(US)));

        assertThat(receipt.messageId()).isNull();
        SignedJWT jwt =
                SignedJWT.parse(gateway.lastRequest().header("Authorization").substring(7));
        assertThat(jwt.verify(new MACVerifier(key))).isTrue();
    }

    @Test
    void formVariantPostsUrlEncodedFieldsWithParams() {
        gateway.enqueue(Reply.json(202, "{\"message_id\":\"abc\"}"));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("dlt_template_id", "1107160000000000001");
        HttpGatewaySettings s = settings(
                gateway.baseUrl() + "/send",
                null,
                "form",
                Map.of("recipient", "to", "body", "text", "sender", "from"),
                "digits",
                params,
                null,
                null);

        SmsReceipt receipt = await(provider(s, Map.of()).send(message(IN)));

        assertThat(receipt.messageId()).isEqualTo("abc");
        FakeVendor.Recorded request = gateway.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(request.form())
                .containsExactly(
                        Map.entry("to", "919876543210"),
                        Map.entry("text", "Your verification code is: 123456"),
                        Map.entry("from", "+15550001111"),
                        Map.entry("dlt_template_id", "1107160000000000001"));
    }

    @Test
    void queryVariantSendsAGetWithTheFieldsInTheUrl() {
        gateway.enqueue(Reply.json(200, "OK"));
        HttpGatewaySettings s = settings(
                gateway.baseUrl() + "/api?user=acme",
                null,
                "query",
                null,
                null,
                Map.of("apikey", "${GW_KEY}"),
                null,
                null);

        await(provider(s, Map.of("GW_KEY", "k-123")).send(message(US)));

        FakeVendor.Recorded request = gateway.lastRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/api");
        assertThat(request.body()).isEmpty();
        assertThat(request.query())
                .containsEntry("user", "acme")
                .containsEntry("recipient", "+12015550123")
                .containsEntry("body", "Your verification code is: 123456")
                .containsEntry("apikey", "k-123");
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({
        "400, REJECTED_NUMBER",
        "422, REJECTED_NUMBER",
        "401, CONFIGURATION",
        "403, CONFIGURATION",
        "404, CONFIGURATION",
        "408, TRANSIENT",
        "429, TRANSIENT",
        "500, TRANSIENT",
        "503, TRANSIENT"
    })
    void statusesMapToTheDocumentedKinds(int status, Kind kind) {
        gateway.enqueue(
                Reply.json(status, "{\"code\":\"invalid_recipient\",\"message\":\"bad number " + "+12015550123\"}"));

        SmsDeliveryException e =
                failure(provider(settings(gateway.baseUrl(), null, null, null, null, null, null, null), Map.of())
                        .send(message(US)));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.providerCode()).isEqualTo("invalid_recipient");
        assertThat(e.getMessage()).doesNotContain("2015550123");
    }

    @Test
    void slowGatewayTimesOutAsTransient() {
        gateway.enqueue(Reply.json(200, "{}").after(Duration.ofSeconds(3)));
        HttpGatewaySettings s = new HttpGatewaySettings(
                gateway.baseUrl(), null, null, null, null, null, null, null, null, null, Duration.ofMillis(250));

        SmsDeliveryException e = failure(provider(s, Map.of()).send(message(US)));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void settingsAreValidatedWithTheKeyNamed() throws Exception {
        Secrets secrets = new Secrets(name -> null);
        assertThatThrownBy(() -> settings(null, null, null, null, null, null, null, null)
                        .resolved("sms.http_gateway", "sms.provider is http_gateway", secrets))
                .hasMessage("sms.http_gateway.url is required when sms.provider is http_gateway");
        // format, method and recipient_format are closed sets: a value outside them fails when the YAML is bound
        // (the server's loader names the key; ConfigLoaderTest), in any case for the values that exist.
        ObjectMapper yaml =
                new ObjectMapper(new YAMLFactory()).setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        assertThatThrownBy(
                        () -> yaml.readValue("{url: https://gw.example.com, format: xml}", HttpGatewaySettings.class))
                .isInstanceOf(InvalidFormatException.class)
                .hasMessageContaining("xml")
                .hasMessageContaining("json")
                .hasMessageContaining("form")
                .hasMessageContaining("query");
        assertThat(yaml.readValue(
                        "{url: https://gw.example.com, format: QUERY, method: get, recipient_format: " + "Digits}",
                        HttpGatewaySettings.class))
                .satisfies(g -> {
                    assertThat(g.format()).isEqualTo(HttpGatewaySettings.Format.QUERY);
                    assertThat(g.method()).isEqualTo(HttpGatewaySettings.Method.GET);
                    assertThat(g.recipientFormat()).isEqualTo(HttpGatewaySettings.RecipientFormat.DIGITS);
                });
        assertThatThrownBy(() -> settings("https://gw.example.com", "GET", "json", null, null, null, null, null)
                        .resolved("sms.http_gateway", "x", secrets))
                .hasMessageStartingWith("sms.http_gateway.method GET goes with sms.http_gateway.format query");
        assertThatThrownBy(() -> settings(
                                "https://gw.example.com",
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                new HttpGatewaySettings.Auth("s", "a", "short", null, null))
                        .resolved("sms.http_gateway", "x", secrets))
                .hasMessage("sms.http_gateway.auth.secret must be at least 32 bytes (256 bits) for HS256");
        assertThatThrownBy(() -> settings(
                                "https://gw.example.com",
                                null,
                                null,
                                null,
                                null,
                                null,
                                Map.of("X-Key", "${MISSING_KEY}"),
                                null)
                        .resolved("sms.http_gateway", "x", secrets))
                .hasMessage("sms.http_gateway.headers.X-Key refers to the environment variable MISSING_KEY, "
                        + "which is not set");
        assertThat(settings("https://gw.example.com", null, null, null, null, null, Map.of("X-Key", "sekrit"), null)
                        .toString())
                .doesNotContain("sekrit");
        assertThat(settings("https://gw.example.com", null, null, null, null, null, null, null)
                        .format())
                .isEqualTo(HttpGatewaySettings.Format.JSON);
    }
}
