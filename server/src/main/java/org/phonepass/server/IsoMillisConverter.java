package org.phonepass.server;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * A log line's time as Logback's {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSX}} writes it, in the JVM's time zone, but with
 * the date, the time of day and the offset formatted once a second and only the milliseconds written per line:
 * Logback's own converter caches the last millisecond alone, and formatting was two thirds of laying out a log line,
 * three of which go out per verify (docs/benchmarks.md, "The request path, cut again").
 */
public final class IsoMillisConverter extends ClassicConverter {
    /** The conversion word {@link LogbackDefaults#PATTERN} uses. */
    static final String WORD = "isoMillis";
    /** What the conversion word stands for. */
    static final String DATE_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSX";

    private final DateTimeFormatter format;
    private volatile Second cached;

    /** The text of one second, around its three digits of milliseconds. */
    private record Second(long second, String before, String after) {}

    public IsoMillisConverter() {
        this(ZoneId.systemDefault());
    }

    IsoMillisConverter(ZoneId zone) {
        this.format = DateTimeFormatter.ofPattern(DATE_PATTERN).withZone(zone);
    }

    @Override
    public String convert(ILoggingEvent event) {
        return format(event.getTimeStamp());
    }

    String format(long millis) {
        long second = Math.floorDiv(millis, 1000);
        Second s = cached;
        if (s == null || s.second() != second) {
            String text = format.format(Instant.ofEpochSecond(second));
            int at = text.lastIndexOf(".000") + 1;
            s = new Second(second, text.substring(0, at), text.substring(at + 3));
            cached = s;
        }
        int ms = (int) Math.floorMod(millis, 1000);
        return new StringBuilder(s.before().length() + 3 + s.after().length())
                .append(s.before())
                .append((char) ('0' + ms / 100))
                .append((char) ('0' + ms / 10 % 10))
                .append((char) ('0' + ms % 10))
                .append(s.after())
                .toString();
    }
}
