package org.phonepass.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.phonepass.core.client.GrantType;
import org.phonepass.server.keys.SigningAlgorithm;
import org.phonepass.sms.config.ProviderId;
import org.phonepass.sms.gateway.HttpGatewaySettings;
import org.phonepass.sms.sns.SnsSettings;

class ConfigLoaderTest {
    /** The settings file from the server issue, which must be accepted as is. */
    static final String SAMPLE = """
            mode: dev                          # dev | production
            public_url: https://localhost:8443 # the issuer is public_url + "/"
            https_port: 8443
            data_dir: ./phonepass-data
            storage:
              type: embedded
            clients:
              - client_id: sample-spa
                name: Sample SPA
                allowed_origins: [http://localhost:3000]
                callbacks: [http://localhost:3000/]
            sms:
              provider: dev
              code_length: 6                   # 4..10
              code_ttl: 180s
              max_attempts: 3                  # wrong codes before the code is dead
              disable_signup: false
              template: "Your verification code is: @@password@@"
            """;

    @TempDir
    Path dir;

    private Settings load(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("phonepass.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader().load(file, env);
    }

    private void rejects(String yaml, String... parts) {
        assertThatThrownBy(() -> load(yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(parts));
    }

    @Test
    void loadWhenIssueSampleThenAcceptedAsIs() throws Exception {
        Settings s = load(SAMPLE, Map.of());
        assertThat(s.mode()).isEqualTo(Settings.Mode.DEV);
        assertThat(s.issuer()).isEqualTo("https://localhost:8443/");
        assertThat(s.httpsPort()).isEqualTo(8443);
        assertThat(s.clients()).hasSize(1);
        assertThat(s.clients().get(0).allowedOrigins()).containsExactly("http://localhost:3000");
        assertThat(s.sms().codeTtl()).isEqualTo(Duration.ofSeconds(180));
        assertThat(s.sms().maxAttempts()).isEqualTo(3);
    }

    @Test
    void loadWhenNoFileThenDevDefaults() {
        Settings s = new ConfigLoader().load(null, Map.of());
        assertThat(s.mode()).isEqualTo(Settings.Mode.DEV);
        assertThat(s.httpsPort()).isEqualTo(8443);
        assertThat(s.dataDir()).isEqualTo("./phonepass-data");
        assertThat(s.sms().provider()).isEqualTo(ProviderId.DEV);
        assertThat(s.sms().codeLength()).isEqualTo(6);
        assertThat(s.http().maxThreads())
                .isEqualTo(Settings.Http.defaultMaxThreads(Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void defaultMaxThreadsWhenCoresVaryThenEightPerCoreWithinTheSettingsBounds() {
        assertThat(Settings.Http.defaultMaxThreads(1)).isEqualTo(16);
        assertThat(Settings.Http.defaultMaxThreads(2)).isEqualTo(16);
        assertThat(Settings.Http.defaultMaxThreads(3)).isEqualTo(24);
        assertThat(Settings.Http.defaultMaxThreads(8)).isEqualTo(64);
        assertThat(Settings.Http.defaultMaxThreads(1024)).isEqualTo(4096);
    }

    @Test
    void loadWhenEnvironmentSetThenOverridesFile() throws Exception {
        Settings s = load(
                SAMPLE,
                Map.of(
                        "PHONEPASS_HTTPS_PORT",
                        "9443",
                        "PHONEPASS_DATA_DIR",
                        "/srv/pp",
                        "PHONEPASS_PUBLIC_URL",
                        "https://login.example.com/"));
        assertThat(s.httpsPort()).isEqualTo(9443);
        assertThat(s.dataDir()).isEqualTo("/srv/pp");
        assertThat(s.issuer()).isEqualTo("https://login.example.com/");
    }

    @Test
    void loadWhenUnknownKeyThenNamesKeyAndAcceptedKeys() {
        rejects("sms:\n  provder: dev\n", "unknown setting 'sms.provder'", "provider");
        rejects("colour: blue\n", "unknown setting 'colour'", "https_port");
        rejects("clients:\n  - client_id: a\n    origins: [x]\n", "clients[0].origins", "allowed_origins");
    }

    @Test
    void loadWhenCodeTtlIsTenMinutesThenAcceptedAsAsvsUpperBound() throws Exception {
        assertThat(load("sms:\n  code_ttl: 10m\n", Map.of()).sms().codeTtl()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void loadWhenAdminSectionThenDefaultsConsoleOffAndBadNumbersPricesAndLifetimesRefused() throws Exception {
        Settings.Admin defaults = new ConfigLoader().load(null, Map.of()).admin();
        assertThat(defaults.consoleEnabled()).isFalse();
        assertThat(defaults.sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.sessionMaxLifetime()).isEqualTo(Duration.ofHours(8));
        assertThat(defaults.currency()).isEqualTo("USD");

        Settings.Admin admin = load(
                        "admin:\n  phone_numbers: [\"+447400123456\"]\n  currency: EUR\n"
                                + "  sms_prices: {GB: 0.04, default: 0.0625}\n",
                        Map.of())
                .admin();
        assertThat(admin.consoleEnabled()).isTrue();
        assertThat(admin.smsPrices()).containsEntry("GB", new java.math.BigDecimal("0.04"));

        rejects("admin:\n  phone_numbers: [\"07700900123\"]\n", "admin.phone_numbers[0]", "E.164");
        rejects("admin:\n  phone_numbers: [\"+44 7400 123456\"]\n", "admin.phone_numbers[0]", "E.164");
        rejects("admin:\n  phone_numbers: [\"+4477009\"]\n", "admin.phone_numbers[0]");
        rejects(
                "admin:\n  phone_numbers: [\"+447400123456\", \"+447400123456\"]\n",
                "admin.phone_numbers[1]",
                "listed twice");
        rejects("admin:\n  session_idle_timeout: 30s\n", "admin.session_idle_timeout", "1m to 2h");
        rejects("admin:\n  session_idle_timeout: 1h\n  session_max_lifetime: 30m\n", "admin.session_max_lifetime");
        rejects("admin:\n  session_max_lifetime: 48h\n", "admin.session_max_lifetime", "24h");
        rejects("admin:\n  currency: euro\n", "admin.currency", "ISO 4217");
        rejects("admin:\n  sms_prices: {XX: 0.1}\n", "admin.sms_prices", "XX");
        rejects("admin:\n  sms_prices: {GB: -0.1}\n", "admin.sms_prices.GB");
        rejects("admin:\n  sms_prices: {GB: 11}\n", "admin.sms_prices.GB", "0 to 10");
        rejects("admin:\n  sms_prices: {GB: 0.1234567}\n", "admin.sms_prices.GB", "6 decimals");
        rejects("clients:\n  - client_id: phonepass-admin-console\n", "clients[0].client_id", "reserved");
    }

    @Test
    void loadWhenAuditRetentionThenDefaultNinetyDaysAndLessThanADayRefused() throws Exception {
        assertThat(new ConfigLoader().load(null, Map.of()).storage().auditRetention())
                .isEqualTo(Duration.ofDays(90));
        assertThat(load("storage:\n  audit_retention: 400d\n", Map.of())
                        .storage()
                        .auditRetention())
                .isEqualTo(Duration.ofDays(400));
        rejects("storage:\n  audit_retention: 12h\n", "storage.audit_retention", "at least 1d");
    }

    @Test
    void loadWhenBadValueThenNamesKeyAndAcceptedValues() {
        rejects("mode: staging\n", "'mode'", "dev, production");
        rejects("https_port: abc\n", "'https_port'", "whole number");
        rejects("sms:\n  code_ttl: 3 minutes\n", "sms.code_ttl", "180s");
        rejects("sms:\n  code_length: 12\n", "sms.code_length", "4 to 10");
        rejects("sms:\n  code_ttl: 11m\n", "sms.code_ttl", "30s to 10m");
        rejects("sms:\n  code_ttl: 1h\n", "sms.code_ttl", "30s to 10m");
        rejects("sms:\n  max_attempts: 0\n", "sms.max_attempts");
        rejects("sms:\n  template: Your code\n", "sms.template", "@@password@@");
        rejects("sms:\n  signup_disabled_response: maybe\n", "sms.signup_disabled_response", "error, silent");
        rejects("storage:\n  type: mysql\n", "storage.type", "embedded, postgres");
        rejects("storage:\n  type: postgres\n", "storage.url is required");
        rejects(
                "clients:\n  - client_id: a\n    allowed_origins: [http://localhost:3000/]\n",
                "clients[0].allowed_origins[0]",
                "no path or trailing slash");
        rejects("clients:\n  - client_id: a\n    grants: [device_code]\n", "clients[0].grants[0]", "passwordless_otp");
        rejects(
                "clients:\n  - client_id: a\n    cross_origin_authentication: true\n",
                "clients[0].cross_origin_authentication needs at least one allowed_origins entry");
        rejects(
                "clients:\n  - client_id: a\n    allowed_origins: [http://localhost:3000]\n"
                        + "    cross_origin_loc: https://elsewhere.example/verify.html\n",
                "clients[0].cross_origin_loc",
                "a page on one of the client's allowed_origins");
        rejects("clients:\n  - client_id: a\n  - client_id: a\n", "used by two clients");
        rejects("public_url: not a url\n", "public_url");
        rejects("http:\n  trusted_proxies: [nonsense]\n", "http.trusted_proxies[0]");
        rejects(
                "apis:\n  - identifier: https://api.example.com/\n    signing_alg: HS256\n",
                "apis[0].signing_alg",
                "RS256, ES256, EdDSA");
        rejects("- a\n- b\n", "must be a YAML mapping");
        rejects("sms: [\n", "not valid YAML");
    }

    /** The Management API (docs/management.md#access): granted under audience management, to machines only. */
    @Test
    void loadWhenManagementGrantsThenOnlyItsScopesAndOnlyConfidentialMachineClients() throws Exception {
        String grant = "    grants: [client_credentials]\n    api_grants:\n"
                + "      - {audience: management, scopes: [read:users, read:logs]}\n";
        Settings s =
                load("clients:\n  - client_id: ops\n    client_secret: " + "s".repeat(40) + "\n" + grant, Map.of());
        assertThat(s.clients().get(0).grants()).containsExactly(GrantType.CLIENT_CREDENTIALS);
        assertThat(s.clients().get(0).apiGrants().get(0).audience()).isEqualTo("management");
        rejects("clients:\n  - client_id: ops\n" + grant, "clients[0].grants", "confidential clients only");
        rejects(
                "clients:\n  - client_id: ops\n    client_secret: " + "s".repeat(40) + "\n"
                        + "    api_grants:\n      - {audience: management, scopes: [read:everything]}\n",
                "clients[0].api_grants[0].scopes[0]",
                "read:everything");
        rejects(
                "public_url: https://login.example.com\napis:\n  - identifier: https://login.example.com/api/v2/\n",
                "apis[0].identifier",
                "built-in Management API");
        rejects("apis:\n  - identifier: management\n", "apis[0].identifier", "built-in Management API");
    }

    /** API scopes and client grants (issue 16 #1): a grant names a configured API and only scopes it defines. */
    @Test
    void loadWhenApiScopesAndGrantsThenBoundAndCheckedAgainstEachOther() throws Exception {
        String apis = "apis:\n  - identifier: https://api.example.com/\n    scopes: [read:orders, admin]\n";
        Settings s = load(
                apis + "clients:\n  - client_id: app\n    api_grants:\n"
                        + "      - {audience: https://api.example.com/, scopes: [read:orders]}\n",
                Map.of());
        assertThat(s.apis().get(0).scopes()).containsExactly("read:orders", "admin");
        assertThat(s.clients().get(0).apiGrants()).singleElement().satisfies(g -> {
            assertThat(g.audience()).isEqualTo("https://api.example.com/");
            assertThat(g.scopes()).containsExactly("read:orders");
        });
        rejects(
                apis + "clients:\n  - client_id: app\n    api_grants:\n"
                        + "      - {audience: https://other.example.com/, scopes: [read:orders]}\n",
                "clients[0].api_grants[0].audience",
                "https://other.example.com/",
                "not the identifier");
        rejects(
                apis + "clients:\n  - client_id: app\n    api_grants:\n"
                        + "      - {audience: https://api.example.com/, scopes: [read:orders, delete:users]}\n",
                "clients[0].api_grants[0].scopes[1]",
                "delete:users",
                "not defined by the API");
        rejects(
                apis + "clients:\n  - client_id: app\n    api_grants:\n"
                        + "      - {audience: https://api.example.com/, scopes: [read:orders]}\n"
                        + "      - {audience: https://api.example.com/, scopes: [admin]}\n",
                "clients[0].api_grants[1].audience",
                "granted twice");
        rejects(
                "apis:\n  - identifier: https://api.example.com/\n    scopes: [openid]\n",
                "apis[0].scopes[0]",
                "OpenID Connect scope");
        rejects(
                "apis:\n  - identifier: https://api.example.com/\n    scopes: [\"read orders\"]\n",
                "apis[0].scopes[0]",
                "one scope token");
        rejects(
                "apis:\n  - identifier: https://api.example.com/\n    scopes: [admin, admin]\n",
                "apis[0].scopes[1]",
                "listed twice");
    }

    /** One bad value per section: each fails at load, before anything starts, with the key's full name. */
    @Test
    void loadWhenBadValueInAnySectionThenFailsAtLoadNamingTheKey() {
        rejects("tls:\n  cert_file: /etc/cert.pem\n", "tls.cert_file and tls.key_file go together");
        rejects("http:\n  max_threads: 2\n", "http.max_threads");
        rejects("storage:\n  synchronous: sometimes\n", "storage.synchronous", "full, normal");
        rejects("storage:\n  pool_size: 0\n", "storage.pool_size");
        rejects("secrets:\n  code_hmac_key: c2hvcnQ=\n", "secrets.code_hmac_key", "at least 32 bytes");
        rejects("secrets:\n  master_key: not*base64\n", "secrets.master_key");
        rejects("redis:\n  url: http://cache:6379\n", "redis.url");
        rejects("clients:\n  - client_id: a\n    id_token_lifetime: 0s\n", "clients[0].id_token_lifetime");
        rejects("apis:\n  - name: no identifier\n", "apis[0].identifier is required");
        rejects("geoloc:\n  default_country: XX\n", "geoloc.default_country");
        rejects("dev:\n  sample_app_port: 70000\n", "dev.sample_app_port");
        // sms.*: delivery keys are checked at load too, not when the server builds the providers.
        rejects("sms:\n  provider: carrier-pigeon\n", "sms.provider", "unknown provider", "twilio");
        rejects("crypto:\n  provider: openssl\n", "crypto.provider", "unknown crypto provider", "auto, jdk");
        rejects("sms:\n  retry:\n    max_attempts: 0\n", "sms.retry.max_attempts");
        rejects("sms:\n  retry:\n    deadline: soon\n", "sms.retry.deadline", "180s");
        rejects("sms:\n  circuit_breaker:\n    failure_threshold: 0\n", "sms.circuit_breaker.failure_threshold");
        rejects("sms:\n  message:\n    max_segments: 11\n", "sms.message.max_segments");
        rejects("sms:\n  template: \"" + "Long text ".repeat(40) + "@@password@@\"\n", "sms.template", "segment");
        rejects(
                "sms:\n  templates:\n    es: \"" + "Texto largo ".repeat(40) + "{{ code }}\"\n",
                "sms.templates.es",
                "segment");
        rejects("sms:\n  dev:\n    capacity: 0\n", "sms.dev.capacity");
        rejects(
                "sms:\n  routes:\n    - calling_codes: [1000]\n      providers: [dev]\n",
                "sms.routes[0].calling_codes");
        rejects(
                "sms:\n  test_numbers:\n    numbers:\n      - {number: \"+12015550100\", code: \"12\"}\n",
                "sms.test_numbers.numbers[0]");
        rejects("sms:\n  provider: twilio\n  twilio:\n    account_sid: AC1\n", "sms.twilio");
        rejects(
                "sms:\n  provider: http_gateway\n  http_gateway:\n    url: https://g.example\n    format: xml\n",
                "sms.http_gateway.format");
        rejects("sms:\n  twilio:\n    timeout: forever\n", "sms.twilio.timeout");
        // limits.*
        rejects("limits:\n  start_per_ip: {capacity: 0}\n", "limits.start_per_ip.capacity");
        rejects("limits:\n  countries: {deny: [Atlantis]}\n", "limits.countries.deny");
        rejects("limits:\n  pre_send_hook: {enabled: true}\n", "limits.pre_send_hook.url");
        rejects("limits:\n  pre_send_hook: {on_failure: maybe}\n", "limits.pre_send_hook.on_failure", "allow, deny");
        rejects("limits:\n  bot_check: {enabled: true}\n", "limits.bot_check.secret is required");
        rejects("limits:\n  max_keys: 5\n", "limits.max_keys");
    }

    /**
     * Closed sets are enums bound from the spelling the docs use; an unknown value fails at load naming the key and
     * every accepted value. Provider ids and signing algorithms match exactly; the gateway's method, format and
     * recipient format in any case, as they always did.
     */
    @Test
    void loadWhenClosedSetValueThenBoundAsDocumentedOrRefusedNamingKeyAndValues() throws Exception {
        String gateway = "sms:\n  provider: http_gateway\n  http_gateway:\n    url: https://g.example\n";
        Settings s = load(
                gateway + "    format: QUERY\n    method: get\n    recipient_format: Digits\n"
                        + "  failover: [dev]\n  routes:\n    - {calling_codes: [91], providers: [sns, vonage]}\n"
                        + "  sns: {region: eu-west-1, sms_type: promotional}\n"
                        + "  vonage: {api_key: k, api_secret: s, from: Acme}\n"
                        + "apis:\n  - {identifier: https://api.example.com/, signing_alg: EdDSA}\n",
                Map.of());
        assertThat(s.sms().provider()).isEqualTo(ProviderId.HTTP_GATEWAY);
        assertThat(s.sms().failover()).containsExactly(ProviderId.DEV);
        assertThat(s.sms().routes().get(0).providers()).containsExactly(ProviderId.SNS, ProviderId.VONAGE);
        assertThat(s.sms().httpGateway().format()).isEqualTo(HttpGatewaySettings.Format.QUERY);
        assertThat(s.sms().httpGateway().method()).isEqualTo(HttpGatewaySettings.Method.GET);
        assertThat(s.sms().httpGateway().recipientFormat()).isEqualTo(HttpGatewaySettings.RecipientFormat.DIGITS);
        assertThat(s.sms().sns().smsType()).isEqualTo(SnsSettings.SmsType.PROMOTIONAL);
        assertThat(s.apis().get(0).signingAlg()).isEqualTo(SigningAlgorithm.EDDSA);
        assertThat(load("apis:\n  - {identifier: https://api.example.com/}\n", Map.of())
                        .apis()
                        .get(0)
                        .signingAlg())
                .isEqualTo(SigningAlgorithm.RS256);
        assertThat(load(
                                "sms:\n  twilio: {account_sid: AC1, auth_token: t, from: \"+15005550006\"}\n",
                                Map.of("PHONEPASS_SMS_PROVIDER", "twilio"))
                        .sms()
                        .provider())
                .isEqualTo(ProviderId.TWILIO);

        String providers = "dev, twilio, http_gateway, vonage, sns";
        rejects("sms:\n  provider: Twilio\n", "'Twilio'", "'sms.provider'", "unknown provider", providers);
        rejects("sms:\n  failover: [twilio, pigeon]\n", "'pigeon'", "'sms.failover[1]'", providers);
        rejects(
                "sms:\n  routes:\n    - {calling_codes: [91], providers: [pigeon]}\n",
                "'sms.routes[0].providers[0]'",
                providers);
        assertThatThrownBy(() -> new ConfigLoader().load(null, Map.of("PHONEPASS_SMS_PROVIDER", "pigeon")))
                .hasMessageContaining("'sms.provider'")
                .hasMessageContaining(providers);
        rejects(gateway + "    format: xml\n", "'sms.http_gateway.format'", "json, form, query");
        rejects(gateway + "    method: PATCH\n", "'sms.http_gateway.method'", "POST, PUT, GET");
        rejects(
                gateway + "    fields: {recipient: to, text: body}\n",
                "'text'",
                "'sms.http_gateway.fields'",
                "recipient, body, sender");
        rejects(gateway + "    recipient_format: national\n", "'sms.http_gateway.recipient_format'", "e164, digits");
        assertThat(load(
                                "clients:\n  - client_id: a\n    grants: [password, Refresh_Token, "
                                        + "\"http://auth0.com/oauth/grant-type/passwordless/otp\"]\n",
                                Map.of())
                        .clients()
                        .get(0)
                        .grants())
                .containsExactly(GrantType.RESOURCE_OWNER, GrantType.REFRESH_TOKEN, GrantType.PASSWORDLESS_OTP);
        assertThat(load("clients:\n  - client_id: a\n", Map.of())
                        .clients()
                        .get(0)
                        .grants())
                .containsExactly(
                        GrantType.RESOURCE_OWNER,
                        GrantType.PASSWORDLESS_OTP,
                        GrantType.REFRESH_TOKEN,
                        GrantType.AUTHORIZATION_CODE);
        rejects(
                "clients:\n  - client_id: a\n    grants: [refresh_token, device_code]\n",
                "'device_code'",
                "'clients[0].grants[1]'",
                "password, passwordless_otp, refresh_token, authorization_code, client_credentials, implicit");
        rejects("sms:\n  sns: {sms_type: urgent}\n", "'sms.sns.sms_type'", "Transactional, Promotional");
        rejects(
                "apis:\n  - {identifier: https://api.example.com/, signing_alg: es256}\n",
                "'apis[0].signing_alg'",
                "RS256, ES256, EdDSA");
    }

    @Test
    void loadWhenOnFailureOrItsEarlierNameDefaultThenSameSetting() throws Exception {
        assertThat(load("limits:\n  pre_send_hook: {on_failure: deny}\n", Map.of())
                        .limits()
                        .preSendHook()
                        .onFailure())
                .isEqualTo(org.phonepass.limits.LimitsSettings.Fallback.DENY);
        assertThat(load("limits:\n  pre_send_hook: {default: deny}\n", Map.of())
                        .limits()
                        .preSendHook()
                        .onFailure())
                .isEqualTo(org.phonepass.limits.LimitsSettings.Fallback.DENY);
        assertThat(load("limits:\n  bot_check: {on_failure: allow}\n", Map.of())
                        .limits()
                        .botCheck()
                        .onFailure())
                .isEqualTo(org.phonepass.limits.LimitsSettings.Fallback.ALLOW);
    }

    /** ${ENV}, ${file:...} and the _file twin work the same for every secret key, limits and sms included. */
    @Test
    void loadWhenSecretReferencesInAnySectionThenResolvedAtLoad() throws Exception {
        Path hookSecret = dir.resolve("hook.secret");
        Files.writeString(hookSecret, "hook-secret-from-file\n");
        Path hmac = dir.resolve("hmac.key");
        Files.writeString(hmac, "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=\n");
        Path dbPassword = dir.resolve("db.password");
        Files.writeString(dbPassword, "pg-pass");
        Settings s = load(
                """
                limits:
                  pre_send_hook: {secret_file: %s}
                  bot_check: {secret: "${BOT_SECRET}"}
                sms:
                  twilio: {account_sid: AC1, auth_token: "${file:%s}", from: "+12015550100"}
                  http_gateway:
                    url: https://g.example
                    headers: {X-Api-Key: "${GATEWAY_KEY}"}
                secrets:
                  code_hmac_key_file: %s
                clients:
                  - client_id: backend
                    client_secret: "${BACKEND_SECRET}"
                """.formatted(hookSecret, hookSecret, hmac),
                Map.of(
                        "BOT_SECRET",
                        "bot-secret-from-env",
                        "GATEWAY_KEY",
                        "gw-key",
                        "BACKEND_SECRET",
                        "b".repeat(40),
                        "PHONEPASS_STORAGE_PASSWORD_FILE",
                        dbPassword.toString()));
        assertThat(s.limits().preSendHook().secret()).isEqualTo("hook-secret-from-file");
        assertThat(s.limits().botCheck().secret()).isEqualTo("bot-secret-from-env");
        assertThat(s.sms().twilio().authToken()).isEqualTo("hook-secret-from-file");
        assertThat(s.sms().httpGateway().headers()).containsEntry("X-Api-Key", "gw-key");
        assertThat(s.secrets().codeHmacKey()).isEqualTo("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=");
        assertThat(s.clients().get(0).clientSecret()).isEqualTo("b".repeat(40));
        assertThat(s.storage().password()).isEqualTo("pg-pass");
        assertThat(s.toString()).doesNotContain("pg-pass").doesNotContain("hook-secret-from-file");
    }

    @Test
    void loadWhenSecretVariableThenOverridesTheFilesKeyInEitherForm() throws Exception {
        Path key = dir.resolve("hmac.key");
        Files.writeString(key, "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=");
        String fromVariable = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=";
        assertThat(load(
                                "secrets:\n  code_hmac_key_file: " + key + "\n",
                                Map.of("PHONEPASS_CODE_HMAC_KEY", fromVariable))
                        .secrets()
                        .codeHmacKey())
                .isEqualTo(fromVariable);
        assertThat(load(
                                "secrets:\n  code_hmac_key: " + fromVariable + "\n",
                                Map.of("PHONEPASS_CODE_HMAC_KEY_FILE", key.toString()))
                        .secrets()
                        .codeHmacKey())
                .isEqualTo("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=");
        assertThatThrownBy(() -> load(
                        "", Map.of("PHONEPASS_MASTER_KEY", fromVariable, "PHONEPASS_MASTER_KEY_FILE", key.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("set PHONEPASS_MASTER_KEY or PHONEPASS_MASTER_KEY_FILE, not both");
    }

    @Test
    void loadWhenSecretReferenceCannotBeResolvedThenFailsNamingTheKeyNotTheValue() {
        rejects(
                "limits:\n  bot_check: {secret: \"${NOT_SET_ANYWHERE}\"}\n", "limits.bot_check.secret",
                "NOT_SET_ANYWHERE", "not set");
        rejects(
                "sms:\n  vonage: {api_secret: \"${file:/nonexistent/vonage}\"}\n",
                "sms.vonage.api_secret",
                "/nonexistent/vonage");
        rejects(
                "limits:\n  pre_send_hook: {secret: a, secret_file: /x}\n",
                "set limits.pre_send_hook.secret or limits.pre_send_hook.secret_file, not both");
        rejects("secrets:\n  master_key: \"${NO_SUCH_MASTER}\"\n", "secrets.master_key", "NO_SUCH_MASTER");
    }

    /** docs/configuration.md documents every key and every environment variable; this keeps them in step. */
    @Test
    void configurationDocsWhenReadThenEveryKeyAndEnvironmentVariableIsDocumented() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        List<String> keys = new ArrayList<>();
        collect(Settings.class, "", keys);
        for (String key : keys) {
            assertThat(docs).as("docs/configuration.md documents " + key).contains("`" + key + "`");
        }
        for (String env : ConfigLoader.ENVIRONMENT.keySet()) {
            assertThat(docs).as("docs/configuration.md documents " + env).contains("`" + env + "`");
        }
    }

    private static void collect(Class<?> type, String prefix, List<String> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            com.fasterxml.jackson.annotation.JsonProperty named =
                    c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
            String key = prefix
                    + (named != null && !named.value().isEmpty()
                            ? named.value()
                            : PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName()));
            out.add(key);
            Class<?> t = c.getType();
            if (t.isRecord()) {
                collect(t, key + ".", out);
            }
            if (List.class.isAssignableFrom(t)) {
                Type arg = ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
                if (arg instanceof Class<?> element && element.isRecord()) {
                    collect(element, key + "[].", out);
                }
            }
        }
    }

    @Test
    void loadWhenRedisWithEmbeddedStoreThenRefusedNamingBothKeys() {
        rejects(SAMPLE + "redis:\n  url: redis://127.0.0.1:6379\n", "redis.url", "storage.type", "postgres");
    }
}
