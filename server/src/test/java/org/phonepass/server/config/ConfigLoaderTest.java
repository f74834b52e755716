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
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOf(ConfigException.class)
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
        assertThat(s.sms().provider()).isEqualTo("dev");
        assertThat(s.sms().codeLength()).isEqualTo(6);
    }

    @Test
    void loadWhenEnvironmentSetThenOverridesFile() throws Exception {
        Settings s = load(SAMPLE, Map.of("PHONEPASS_HTTPS_PORT", "9443", "PHONEPASS_DATA_DIR", "/srv/pp",
                "PHONEPASS_PUBLIC_URL", "https://login.example.com/"));
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
    void loadWhenAuditRetentionThenDefaultNinetyDaysAndLessThanADayRefused() throws Exception {
        assertThat(new ConfigLoader().load(null, Map.of()).storage().auditRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(load("storage:\n  audit_retention: 400d\n", Map.of()).storage().auditRetention())
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
        rejects("clients:\n  - client_id: a\n    allowed_origins: [http://localhost:3000/]\n",
                "clients[0].allowed_origins[0]", "no path or trailing slash");
        rejects("clients:\n  - client_id: a\n    grants: [implicit]\n", "clients[0].grants[0]", "passwordless_otp");
        rejects("clients:\n  - client_id: a\n  - client_id: a\n", "used by two clients");
        rejects("public_url: not a url\n", "public_url");
        rejects("http:\n  trusted_proxies: [nonsense]\n", "http.trusted_proxies[0]");
        rejects("apis:\n  - identifier: https://api.example.com/\n    signing_alg: HS256\n", "apis[0].signing_alg",
                "RS256, ES256, EdDSA");
        rejects("- a\n- b\n", "must be a YAML mapping");
        rejects("sms: [\n", "not valid YAML");
    }

    /** API scopes and client grants (issue 16 #1): a grant names a configured API and only scopes it defines. */
    @Test
    void loadWhenApiScopesAndGrantsThenBoundAndCheckedAgainstEachOther() throws Exception {
        String apis = "apis:\n  - identifier: https://api.example.com/\n    scopes: [read:orders, admin]\n";
        Settings s = load(apis + "clients:\n  - client_id: app\n    api_grants:\n"
                + "      - {audience: https://api.example.com/, scopes: [read:orders]}\n", Map.of());
        assertThat(s.apis().get(0).scopes()).containsExactly("read:orders", "admin");
        assertThat(s.clients().get(0).apiGrants()).singleElement().satisfies(g -> {
            assertThat(g.audience()).isEqualTo("https://api.example.com/");
            assertThat(g.scopes()).containsExactly("read:orders");
        });
        rejects(apis + "clients:\n  - client_id: app\n    api_grants:\n"
                + "      - {audience: https://other.example.com/, scopes: [read:orders]}\n",
                "clients[0].api_grants[0].audience", "https://other.example.com/", "not the identifier");
        rejects(apis + "clients:\n  - client_id: app\n    api_grants:\n"
                + "      - {audience: https://api.example.com/, scopes: [read:orders, delete:users]}\n",
                "clients[0].api_grants[0].scopes[1]", "delete:users", "not defined by the API");
        rejects(apis + "clients:\n  - client_id: app\n    api_grants:\n"
                + "      - {audience: https://api.example.com/, scopes: [read:orders]}\n"
                + "      - {audience: https://api.example.com/, scopes: [admin]}\n",
                "clients[0].api_grants[1].audience", "granted twice");
        rejects("apis:\n  - identifier: https://api.example.com/\n    scopes: [openid]\n",
                "apis[0].scopes[0]", "OpenID Connect scope");
        rejects("apis:\n  - identifier: https://api.example.com/\n    scopes: [\"read orders\"]\n",
                "apis[0].scopes[0]", "one scope token");
        rejects("apis:\n  - identifier: https://api.example.com/\n    scopes: [admin, admin]\n",
                "apis[0].scopes[1]", "listed twice");
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
            String key = prefix + (named != null && !named.value().isEmpty() ? named.value()
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
