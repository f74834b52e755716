package org.phonepass.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SettingsBinder} binds the plain settings without Jackson's databind and leaves everything else to Jackson.
 * Whatever it takes must come out exactly as Jackson would bind it: each input here is loaded twice, by
 * {@link ConfigLoader} as the server runs it and by a loader that binds with Jackson alone, and the two must give
 * equal settings or the same refusal.
 */
class SettingsBinderTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    /** The settings, or the message that refused them. */
    private Object outcome(ConfigLoader loader, String yaml, Map<String, String> env) throws Exception {
        Path file = null;
        if (yaml != null) {
            file = dir.resolve("phonepass.yaml");
            Files.writeString(file, yaml);
        }
        try {
            return loader.load(file, env);
        } catch (ConfigException e) {
            return "refused: " + e.getMessage();
        }
    }

    private void sameAsJackson(String yaml, Map<String, String> env) throws Exception {
        Object fast = outcome(new ConfigLoader(), yaml, env);
        Object jackson = outcome(new ConfigLoader(false), yaml, env);
        assertThat(fast).as("%s with %s", yaml, env).isEqualTo(jackson);
    }

    private static ObjectNode tree(String yaml) throws Exception {
        return (ObjectNode) YAML.readTree(yaml);
    }

    @Test
    void loadWhenNoFileThenBoundWithoutJacksonAndAsJacksonBindsIt() throws Exception {
        Map<String, String> env = Map.of(
                "PHONEPASS_HTTPS_PORT", "18443",
                "PHONEPASS_DATA_DIR", "pp-data",
                "PHONEPASS_BIND_ADDRESS", "127.0.0.1",
                "PHONEPASS_MODE", "dev",
                "PHONEPASS_BEHIND_TLS_PROXY", "true",
                "PHONEPASS_CRYPTO_PROVIDER", "jdk",
                "PHONEPASS_SMS_PROVIDER", "dev");
        sameAsJackson(null, Map.of());
        sameAsJackson(null, env);
        assertThat(SettingsBinder.bind(YAML.createObjectNode(), Settings.class)).isNotNull();
        assertThat(SettingsBinder.bind(tree("https_port: \"18443\"\nmode: production\n"), Settings.class))
                .isNotNull();
    }

    /** The files people run: the sample, the example's, and the benchmark's; none needs Jackson. */
    @Test
    void loadWhenCommonFilesThenBoundWithoutJacksonAndAsJacksonBindsThem() throws Exception {
        String bench = """
                mode: dev
                https_port: 18443
                bind_address: 127.0.0.1
                http:
                  max_connections_per_address: 4096
                data_dir: bench/phonepass-data
                storage:
                  type: embedded
                  synchronous: full
                clients:
                  - client_id: bench
                    name: Bench
                    callbacks: [https://app.example/callback]
                apis:
                  - identifier: https://api.example/rs256
                  - identifier: https://api.example/eddsa
                    signing_alg: EdDSA
                sms:
                  code_ttl: 10m
                  provider: dev
                  dev:
                    capacity: 5000
                limits:
                  start_per_ip: {enabled: true, capacity: 1000000000, period: 1h}
                  verify_per_ip: {enabled: true, capacity: 1000000000, period: 1h}
                  max_keys: 1000000
                  pumping:
                    enabled: false
                """;
        String example = Files.readString(Path.of("..", "examples", "spa-js-sms", "phonepass.yaml"));
        for (String yaml : List.of(ConfigLoaderTest.SAMPLE, bench, example)) {
            sameAsJackson(yaml, Map.of());
            assertThat(SettingsBinder.bind(tree(yaml), Settings.class)).as(yaml).isNotNull();
        }
    }

    /** Every YAML block of the docs, with the variables the blocks refer to set. */
    @Test
    void loadWhenDocsExamplesThenSameAsJackson() throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String name : List.of(
                "TWILIO_AUTH_TOKEN",
                "GATEWAY_API_KEY",
                "GATEWAY_JWT_SECRET",
                "VONAGE_API_SECRET",
                "SNS_ACCESS_KEY_ID",
                "SNS_SECRET_ACCESS_KEY")) {
            env.put(name, "value-of-" + name);
        }
        Pattern block = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
        int blocks = 0;
        try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
                Matcher m = block.matcher(Files.readString(doc));
                while (m.find()) {
                    sameAsJackson(m.group(1), env);
                    blocks++;
                }
            }
        }
        assertThat(blocks).isGreaterThan(10);
    }

    /**
     * Values at the edges of each type, as a file and as a variable: each must bind as Jackson binds it or be left
     * to Jackson. Jackson's own leniencies (a number for a string, a duration with blanks, a case it folds) are not
     * reimplemented; they stay Jackson's.
     */
    @Test
    void loadWhenEdgeValuesThenSameAsJackson() throws Exception {
        List<String> yamls = new ArrayList<>();
        for (String port : List.of(
                "8443",
                "\"8443\"",
                "\"08443\"",
                "\"+8443\"",
                "\" 8443\"",
                "\"\"",
                "null",
                "~",
                "8443.0",
                "\"8443.5\"",
                "99999999999",
                "\"99999999999\"",
                "true",
                "-1",
                "0",
                "\"0\"",
                "\"-0\"",
                "[8443]",
                "{a: 1}")) {
            yamls.add("https_port: " + port + "\n");
        }
        for (String bool : List.of(
                "true",
                "false",
                "\"true\"",
                "\"True\"",
                "\"TRUE\"",
                "\"yes\"",
                "yes",
                "on",
                "1",
                "0",
                "\"1\"",
                "\"\"",
                "null")) {
            yamls.add("http:\n  behind_tls_proxy: " + bool + "\n");
            yamls.add("dev:\n  sample_app: " + bool + "\n");
        }
        for (String mode : List.of(
                "dev", "DEV", "Dev", "production", "\" dev\"", "\"dev \"", "\"\"", "1", "\"1\"", "staging", "null")) {
            yamls.add("mode: " + mode + "\n");
        }
        for (String ttl : List.of(
                "180s",
                "180",
                "\"180\"",
                "3m",
                "PT3M",
                "\" 180s\"",
                "180 s",
                "1.5",
                "true",
                "\"\"",
                "null",
                "3 minutes")) {
            yamls.add("sms:\n  code_ttl: " + ttl + "\n");
        }
        for (String provider : List.of("dev", "twilio", "Twilio", "DEV", "\"dev\"", "pigeon", "1")) {
            yamls.add("sms:\n  provider: " + provider + "\n");
        }
        for (String grants : List.of(
                "[password]",
                "[Password, REFRESH_TOKEN]",
                "[\"http://auth0.com/oauth/grant-type/passwordless/otp\"]",
                "[device_code]",
                "[password, null]",
                "password",
                "[]",
                "[1]")) {
            yamls.add("clients:\n  - client_id: a\n    grants: " + grants + "\n");
        }
        for (String text : List.of("Bench", "\"\"", "123", "1.5", "true", "null", "[a]", "\"  spaced  \"")) {
            yamls.add("clients:\n  - client_id: a\n    name: " + text + "\n");
            yamls.add("hosted:\n  product_name: " + text + "\n");
        }
        for (String list : List.of("[a, b]", "[]", "a", "[a, null]", "[1, 2]", "null", "{a: b}")) {
            yamls.add("http:\n  trusted_proxies: " + list + "\n");
        }
        for (String capacity : List.of("5", "5000000000", "\"5000\"", "5.5", "-3", "null")) {
            yamls.add("limits:\n  start_per_ip: {capacity: " + capacity + "}\n");
        }
        for (String onFailure : List.of(
                "{on_failure: deny}", "{default: deny}", "{on_failure: DENY}", "{on_failure: deny, default: allow}")) {
            yamls.add("limits:\n  pre_send_hook: " + onFailure + "\n");
        }
        for (String number : List.of("0.5", "1", "\"0.5\"", "1e-2", "null")) {
            yamls.add("sms:\n  retry:\n    multiplier: " + number + "\n");
            yamls.add("limits:\n  pumping:\n    min_conversion: " + number + "\n");
        }
        for (String url : List.of(
                "https://hook.example/check", "\" https://hook.example/check\"", "\"\"", "\"not a uri\"", "5")) {
            yamls.add("limits:\n  pre_send_hook: {enabled: true, url: " + url + "}\n");
        }
        for (String templates : List.of("{es: \"Tu código: @@password@@\"}", "{es: 5}", "{es: null}", "{}", "[a]")) {
            yamls.add("sms:\n  templates: " + templates + "\n");
        }
        yamls.add("admin:\n  sms_prices: {GB: 0.04, default: 0.0625}\n  phone_numbers: [\"+447400123456\"]\n");
        yamls.add("sms:\n  message:\n    clients:\n      app: {webotp_host: login.example.com}\n");
        yamls.add("sms:\n  routes:\n    - {calling_codes: [91, 44], providers: [sns, vonage]}\n");
        yamls.add("sms:\n  http_gateway:\n    url: https://g.example\n    fields: {recipient: to}\n");
        yamls.add("https_port: 8443\nhttps_port: 9443\n");
        yamls.add("crypto:\n  provider: JDK\n");
        yamls.add("crypto:\n  provider: openssl\n");
        yamls.add("crypto: jdk\n");
        yamls.add("clients: null\n");
        yamls.add("production: true\n");
        yamls.add("issuer: https://x.example/\n");
        for (String yaml : yamls) {
            sameAsJackson(yaml, Map.of());
        }
        for (String port : List.of("18443", "018443", "+18443", " 18443", "18443 ", "abc", "99999999999")) {
            sameAsJackson(null, Map.of("PHONEPASS_HTTPS_PORT", port));
        }
        for (String bool : List.of("true", "false", "True", "TRUE", "yes", "1", "0")) {
            sameAsJackson(null, Map.of("PHONEPASS_BEHIND_TLS_PROXY", bool));
        }
        for (String mode : List.of("dev", "PRODUCTION", "Production", " dev", "0", "1")) {
            sameAsJackson(null, Map.of("PHONEPASS_MODE", mode));
        }
        for (String provider : List.of("jdk", "AUTO", "openssl")) {
            sameAsJackson(null, Map.of("PHONEPASS_CRYPTO_PROVIDER", provider));
        }
    }
}
