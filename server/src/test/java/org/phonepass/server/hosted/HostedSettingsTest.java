package org.phonepass.server.hosted;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.phonepass.server.config.ConfigException;
import org.phonepass.server.config.ConfigLoader;
import org.phonepass.server.config.Settings;

/** The branding settings are checked at load, and every language file has every text. */
class HostedSettingsTest {
    private static final String BASE = """
            mode: dev
            storage:
              type: embedded
            clients:
              - client_id: app
                callbacks: [https://app.example.com/cb]
            sms:
              provider: dev
            """;

    @TempDir
    Path dir;

    private Settings load(String yaml) throws Exception {
        Path file = dir.resolve("phonepass.yaml");
        Files.writeString(file, yaml + "data_dir: " + dir.resolve("data") + "\n");
        return new ConfigLoader().load(file, Map.of());
    }

    @Test
    void defaultsAreThePhonepassLookWithThirtySecondsBeforeAResend() throws Exception {
        Settings.Hosted h = load(BASE).hosted();
        assertThat(h.productName()).isEqualTo("Phonepass");
        assertThat(h.primaryColor()).isEqualTo("#1d4ed8");
        assertThat(h.resendAfter()).hasSeconds(30);
        assertThat(Contrast.ratio(h.primaryColor(), "#ffffff")).isGreaterThan(4.5);
    }

    @Test
    void aPrimaryColourWhiteTextCannotBeReadOnIsRefusedWithItsRatio() {
        assertThatThrownBy(() -> load(BASE + "hosted:\n  primary_color: \"#4f9cf9\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hosted.primary_color")
                .hasMessageContaining("2.82:1")
                .hasMessageContaining("4.5:1");
        assertThatThrownBy(() -> load(BASE + "hosted:\n  primary_color: blue\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("#rrggbb");
    }

    @Test
    void contrastRatiosMatchWcagsFormula() {
        assertThat(Contrast.ratio("#000000", "#ffffff")).isEqualTo(21.0);
        assertThat(Contrast.ratio("#767676", "#ffffff")).isBetween(4.54, 4.55);
        assertThat(Contrast.ratio("#ffffff", "#ffffff")).isEqualTo(1.0);
    }

    @Test
    void logosMustBeHttpsAndTheBotCheckNeedsItsSiteKey() throws Exception {
        assertThatThrownBy(() -> load(BASE + "hosted:\n  logo_url: javascript:alert(1)\n"))
                .hasMessageContaining("hosted.logo_url");
        assertThatThrownBy(() -> load(BASE + "hosted:\n  logo_url: http://cdn.example.com/l.png\n"))
                .hasMessageContaining("hosted.logo_url");
        assertThat(load(BASE + "hosted:\n  logo_url: /brand/logo.svg\n")
                        .hosted()
                        .logoUrl())
                .isEqualTo("/brand/logo.svg");
        assertThatThrownBy(() -> load(BASE.replace(
                        "callbacks: [https://app.example.com/cb]",
                        "callbacks: [https://app.example.com/cb]\n    logo_uri: data:image/png;base64,AAAA")))
                .hasMessageContaining("clients[0].logo_uri");
        assertThatThrownBy(() -> load(BASE + "hosted:\n  logo_file: " + dir.resolve("missing.png") + "\n"))
                .hasMessageContaining("hosted.logo_file");
        assertThatThrownBy(() -> load(BASE + "limits:\n  bot_check:\n    enabled: true\n    secret: s3cr3t\n"))
                .hasMessageContaining("hosted.bot_check_site_key");
        assertThatThrownBy(() -> load(BASE + "hosted:\n  resend_after: 1s\n"))
                .hasMessageContaining("hosted.resend_after");
    }

    @Test
    void everyLanguageFileHasEveryEnglishTextAndNoOther() throws Exception {
        Properties english = properties("messages.properties");
        for (String tag : Languages.SUPPORTED) {
            if (tag.equals("en")) {
                continue;
            }
            Properties p = properties("messages_" + tag + ".properties");
            assertThat(p.stringPropertyNames())
                    .as("keys of messages_" + tag)
                    .containsExactlyInAnyOrderElementsOf(english.stringPropertyNames());
            Set<String> same = new HashSet<>();
            for (String key : p.stringPropertyNames()) {
                new java.text.MessageFormat(p.getProperty(key)); // a broken pattern fails here
                if (p.getProperty(key).equals(english.getProperty(key))
                        && p.getProperty(key).length() > 12
                        && !key.startsWith("time.")) {
                    same.add(key);
                }
            }
            assertThat(same).as("texts of messages_" + tag + " left in English").isEmpty();
        }
    }

    private static Properties properties(String name) throws Exception {
        Properties p = new Properties();
        try (var in = HostedSettingsTest.class.getResourceAsStream("/org/phonepass/server/hosted/" + name)) {
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        return p;
    }
}
