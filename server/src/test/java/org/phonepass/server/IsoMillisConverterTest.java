package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.util.CachingDateFormatter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The log line's time, formatted once a second: the same text as Logback's {@code %d} with the same pattern. */
class IsoMillisConverterTest {
    @Test
    void formatWhenAnyMillisecondInAnyZoneThenAsLogbacksDateConverter() {
        Random random = new Random(19);
        for (String zone : List.of("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham")) {
            ZoneId id = ZoneId.of(zone);
            IsoMillisConverter converter = new IsoMillisConverter(id);
            CachingDateFormatter logback = new CachingDateFormatter(IsoMillisConverter.DATE_PATTERN, id);
            long t = 1_700_000_000_000L;
            for (int i = 0; i < 20_000; i++) {
                // Mostly forward in small steps, as log lines come, with jumps across seconds, days and DST changes.
                t += i % 100 == 0 ? random.nextLong(-40L * 86_400_000, 40L * 86_400_000) : random.nextInt(700);
                assertThat(converter.format(t)).as(zone + " " + t).isEqualTo(logback.format(t));
            }
            for (long edge : List.of(0L, -1L, 999L, 1000L, 253_402_300_799_999L, -62_135_596_800_000L)) {
                assertThat(converter.format(edge)).as(zone + " " + edge).isEqualTo(logback.format(edge));
            }
        }
    }

    @Test
    void applyWhenLineLaidOutThenTheTimeComesFromThisConverter() {
        LoggerContext context = new LoggerContext();
        LogbackDefaults.apply(context);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(LogbackDefaults.PATTERN);
        encoder.start();
        LoggingEvent event = new LoggingEvent(
                "x", context.getLogger("phonepass.access"), Level.INFO, "POST /oauth/token 200", null, null);
        event.setTimeStamp(1_765_022_400_123L);
        // A fresh context has no MDC adapter; the request id is empty here, as outside a request.
        event.setMDCPropertyMap(java.util.Map.of());
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line)
                .startsWith(new CachingDateFormatter(IsoMillisConverter.DATE_PATTERN, ZoneId.systemDefault())
                                .format(1_765_022_400_123L)
                        + " INFO  access [-] POST /oauth/token 200");
        context.stop();
    }
}
