package org.phonepass.core.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One log token per value, whatever the value holds (issue 16 #11). */
class LoggingAuditLogTest {
    @Test
    void quoteWhenPlainAsciiThenUnchanged() {
        assertThat(LoggingAuditLog.quote("/oauth/token")).isEqualTo("/oauth/token");
    }

    @Test
    void quoteWhenLineSeparatorsNextLineOrBidiControlsThenEscaped() {
        String hostile = "/a\u2028b\u2029c\u0085d\u202ee\u2066f\u200fg\nh";
        String quoted = LoggingAuditLog.quote(hostile);
        assertThat(quoted).isEqualTo("\"/a\\u2028b\\u2029c\\u0085d\\u202ee\\u2066f\\u200fg\\nh\"");
        assertThat(quoted.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    @Test
    void formatWhenDetailHasRightToLeftOverrideThenEscaped() {
        AuditEvent event = new AuditEvent(
                Instant.parse("2026-01-01T00:00:00Z"),
                AuditEvent.Type.VERIFY,
                "app\u202e1",
                null,
                null,
                null,
                AuditEvent.Outcome.FAILURE,
                null);
        assertThat(LoggingAuditLog.format(event)).contains("client_id=\"app\\u202e1\"");
    }
}
