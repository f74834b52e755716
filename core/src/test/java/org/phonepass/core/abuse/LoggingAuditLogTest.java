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

    @Test
    void isoInstantWhenAnyInstantThenAsInstantToString() {
        java.util.Random random = new java.util.Random(19);
        java.util.List<Instant> instants = new java.util.ArrayList<>(java.util.List.of(
                Instant.EPOCH,
                Instant.parse("2026-12-06T12:00:00Z"),
                Instant.parse("2026-12-06T12:00:00.100Z"),
                Instant.parse("2026-12-06T23:59:59.000001Z"),
                Instant.parse("2024-02-29T00:00:59.000000001Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("1969-12-31T23:59:59.5Z"),
                Instant.now()));
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(-100_000_000_000L, 300_000_000_000L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(seconds, nano));
        }
        for (Instant t : instants) {
            assertThat(LoggingAuditLog.isoInstant(t)).isEqualTo(t.toString());
        }
    }

    @Test
    void quoteWhenEmptyOrWithSpaceOrEqualsThenQuoted() {
        assertThat(LoggingAuditLog.quote("")).isEqualTo("\"\"");
        assertThat(LoggingAuditLog.quote("a b")).isEqualTo("\"a b\"");
        assertThat(LoggingAuditLog.quote("a=b")).isEqualTo("\"a=b\"");
    }
}
