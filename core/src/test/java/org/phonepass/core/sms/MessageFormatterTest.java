package org.phonepass.core.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageFormatterTest {
    private static final String BODY = "Your verification code is: 123456";

    @Test
    void withoutOptionsTheBodyIsUnchanged() {
        assertThat(MessageFormatter.plain(1).format(BODY, "123456", "c1")).isEqualTo(BODY);
    }

    @Test
    void webOtpAddsTheOriginBoundLastLine() {
        MessageFormatter f = new MessageFormatter(new MessageFormatter.Options("login.example.com", null), Map.of(), 2);

        assertThat(f.format(BODY + "\n", "123456", "c1")).isEqualTo(BODY + "\n\n@login.example.com #123456");
    }

    @Test
    void theAppHashGoesBeforeTheWebOtpLineWhichStaysLast() {
        MessageFormatter f =
                new MessageFormatter(new MessageFormatter.Options("login.example.com", "FA+9qCX9VSu"), Map.of(), 2);

        String text = f.format(BODY, "123456", "c1");

        assertThat(text).isEqualTo(BODY + "\nFA+9qCX9VSu\n\n@login.example.com #123456");
        assertThat(text.lines().reduce((a, b) -> b).orElseThrow()).isEqualTo("@login.example.com #123456");
    }

    @Test
    void perClientOptionsReplaceTheDefaults() {
        MessageFormatter f = new MessageFormatter(
                new MessageFormatter.Options("login.example.com", null),
                Map.of("android", new MessageFormatter.Options(null, "FA+9qCX9VSu")),
                2);

        assertThat(f.format(BODY, "123456", "android")).isEqualTo(BODY + "\nFA+9qCX9VSu");
        assertThat(f.format(BODY, "123456", "web")).endsWith("@login.example.com #123456");
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> new MessageFormatter.Options("https://login.example.com", null))
                .hasMessageContaining("bare host name");
        assertThatThrownBy(() -> new MessageFormatter.Options(null, "too-short"))
                .hasMessageContaining("11 characters");
        assertThat(new MessageFormatter.Options("localhost:8443", null).webOtpHost())
                .isEqualTo("localhost:8443");
    }

    @Test
    void aTemplateOverTheSegmentLimitIsRefusedWithTheKeyAndCount() {
        MessageFormatter f = new MessageFormatter(new MessageFormatter.Options("login.example.com", null), Map.of(), 1);
        MessageTemplate russian = MessageTemplate.parse(
                "Ваш код для входа в {{ application.name }}: {{ code }}. " + "Никому его не сообщайте.");
        Map<String, String> sample = MessageFormatter.sampleVariables(6, "Acme Banking", 5);

        assertThatThrownBy(() -> f.requireWithinLimit("otp.templates.ru", russian, sample))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("otp.templates.ru is 2 segments (UCS-2, ")
                .hasMessageContaining("with its WebOTP/app-hash lines")
                .hasMessageContaining("at most 1 segment is allowed");
    }

    @Test
    void aTemplateWithinTheLimitReportsItsWorstCount() {
        MessageFormatter f = new MessageFormatter(
                MessageFormatter.Options.NONE,
                Map.of("web", new MessageFormatter.Options("login.example.com", "FA+9qCX9VSu")),
                1);

        SmsSegments worst = f.requireWithinLimit(
                "otp.template",
                MessageTemplate.parse("Code: @@password@@"),
                MessageFormatter.sampleVariables(6, "Acme", 5));

        assertThat(worst.segments()).isEqualTo(1);
        assertThat(worst.units()).isEqualTo("Code: 999999\nFA+9qCX9VSu\n\n@login.example.com #999999".length());
    }
}
