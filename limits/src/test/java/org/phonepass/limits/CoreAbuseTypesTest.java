package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.IpKeys;
import org.phonepass.core.abuse.LoggingAuditLog;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.ratelimit.Decision;
import org.phonepass.core.ratelimit.Limit;
import org.phonepass.core.ratelimit.RateLimitHeaders;
import org.slf4j.LoggerFactory;

/** The pure types the seams in core define: audit lines, address keys, header values. */
class CoreAbuseTypesTest {
    private static final Instant T = Instant.parse("2025-01-02T03:04:05Z");

    @Test
    void auditLineIsOneKeyValueLineThatHostileInputCannotSplit() {
        AuditEvent event = AuditEvent.of(
                T,
                AuditEvent.Type.VERIFY,
                "app\n audit type=FORGED",
                new PhoneNumber("+447400123456", "GB", 44),
                "203.0.113.7",
                AuditEvent.Outcome.FAILURE,
                "wrong_code");
        String line = LoggingAuditLog.format(event);
        assertThat(line)
                .isEqualTo("audit type=VERIFY outcome=FAILURE time=2025-01-02T03:04:05Z "
                        + "client_id=\"app\\n audit type=FORGED\" phone=+********3456 ip=203.0.113.7 country=GB "
                        + "detail=wrong_code");
        assertThat(line).doesNotContain("\n").doesNotContain("447400123456");
    }

    @Test
    void auditLogWritesToThePhonepassAuditLogger() {
        Logger logger = (Logger) LoggerFactory.getLogger(LoggingAuditLog.LOGGER_NAME);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            new LoggingAuditLog()
                    .record(new AuditEvent(
                            T,
                            AuditEvent.Type.KEY_ROTATION,
                            null,
                            null,
                            null,
                            null,
                            AuditEvent.Outcome.SUCCESS,
                            "kid=abc"));
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list)
                .singleElement()
                .satisfies(
                        e -> assertThat(e.getFormattedMessage())
                                .isEqualTo(
                                        "audit type=KEY_ROTATION outcome=SUCCESS time=2025-01-02T03:04:05Z detail=\"kid=abc\""));
    }

    @Test
    void auditEventRefusesAnUnmaskedNumber() {
        assertThatThrownBy(() -> new AuditEvent(
                        T, AuditEvent.Type.SEND, "c", "+447400123456", null, null, AuditEvent.Outcome.SUCCESS, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipv4CountsPerAddressAndIpv6PerSlash64() {
        assertThat(IpKeys.of("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(IpKeys.of("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(IpKeys.of("2001:db8:1:2:aaaa::1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(IpKeys.of("[2001:DB8:1:2:ffff:ffff:ffff:ffff]")).isEqualTo("2001:db8:1:2::/64");
        assertThat(IpKeys.of("fe80::1%eth0")).isEqualTo("fe80:0:0:0::/64");
        // Not a literal: never resolved through DNS, just namespaced.
        assertThat(IpKeys.of("attacker.example.com")).isEqualTo("other:attacker.example.com");
        assertThat(IpKeys.of(null)).isEqualTo("other:");
    }

    @Test
    void headersRoundTripThroughExceptionDetails() {
        Limit limit = new Limit("start_per_ip", 50, Duration.ofHours(1));
        Decision refused = new Decision(false, limit, 0, T.plusMillis(1500), Duration.ofMillis(72_001));
        RateLimitHeaders headers = RateLimitHeaders.of(refused);
        assertThat(headers).isEqualTo(new RateLimitHeaders(50, 0, T.getEpochSecond() + 2, 73L));
        Map<String, Object> details = headers.toDetails();
        assertThat(details).containsOnlyKeys(RateLimitHeaders.DETAIL_KEYS);
        assertThat(RateLimitHeaders.fromDetails(details, 73L)).contains(headers);
        assertThat(RateLimitHeaders.fromDetails(Map.of("attempts_remaining", 2), null))
                .isEmpty();
        assertThat(headers.toHeaders())
                .containsExactly(
                        Map.entry("Retry-After", "73"),
                        Map.entry("x-ratelimit-limit", "50"),
                        Map.entry("x-ratelimit-remaining", "0"),
                        Map.entry("x-ratelimit-reset", Long.toString(T.getEpochSecond() + 2)));
    }

    @Test
    void refusalAlwaysAsksToWaitAtLeastOneSecond() {
        Limit limit = new Limit("x", 1000, Duration.ofSeconds(1));
        Decision d = new Decision(false, limit, 0, T, Duration.ofMillis(1));
        assertThat(d.retryAfterSeconds()).isEqualTo(1);
        assertThatThrownBy(() -> new Limit("Bad Name", 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limit("ok", 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
