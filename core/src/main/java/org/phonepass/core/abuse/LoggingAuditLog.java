package org.phonepass.core.abuse;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each audit event as one {@code key=value} line on the logger {@value #LOGGER_NAME}, at INFO, so operators
 * can route audit lines to their own file or collector:
 * <pre>audit type=VERIFY outcome=FAILURE time=2025-01-01T00:00:00Z client_id=app1 phone=+*******0123 ip=203.0.113.7 country=GB detail="wrong_code"</pre>
 * Values that hold spaces, quotes, {@code =} or control characters are quoted and escaped, so hostile input (a
 * client id or header with a line break) cannot forge a second line.
 */
public final class LoggingAuditLog implements AuditLog {
    public static final String LOGGER_NAME = "phonepass.audit";
    private final Logger log;

    public LoggingAuditLog() {
        this(LoggerFactory.getLogger(LOGGER_NAME));
    }

    public LoggingAuditLog(Logger log) {
        this.log = Objects.requireNonNull(log, "log cannot be null");
    }

    @Override
    public void record(AuditEvent event) {
        try {
            log.info(format(event));
        } catch (RuntimeException e) {
            // A broken appender must not fail the request that is being audited.
        }
    }

    /** The line, without a trailing newline. */
    public static String format(AuditEvent event) {
        StringBuilder sb = new StringBuilder(160).append("audit");
        append(sb, "type", event.type().name());
        append(sb, "outcome", event.outcome().name());
        append(sb, "time", isoInstant(event.time()));
        append(sb, "client_id", event.clientId());
        append(sb, "phone", event.maskedPhone());
        append(sb, "ip", event.ip());
        append(sb, "country", event.country());
        append(sb, "detail", event.detail());
        return sb.toString();
    }

    /**
     * What {@link Instant#toString()} writes ({@code DateTimeFormatter.ISO_INSTANT}: seconds always, the fraction in
     * groups of three digits as needed), written here for the years 1970 to 9999 without the formatter, which took
     * half of an audit line's formatting (docs/benchmarks.md, "The request path, cut again"); other instants are
     * left to {@code toString}.
     */
    static String isoInstant(Instant time) {
        long seconds = time.getEpochSecond();
        if (seconds < 0 || seconds >= LAST_SECOND_OF_9999) {
            return time.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(seconds / 86_400);
        int ofDay = (int) (seconds % 86_400);
        int nano = time.getNano();
        StringBuilder sb = new StringBuilder(30);
        sb.append(date.getYear()).append('-');
        two(sb, date.getMonthValue()).append('-');
        two(sb, date.getDayOfMonth()).append('T');
        two(sb, ofDay / 3600).append(':');
        two(sb, ofDay / 60 % 60).append(':');
        two(sb, ofDay % 60);
        if (nano > 0) {
            int digits;
            int value;
            if (nano % 1_000_000 == 0) {
                digits = 3;
                value = nano / 1_000_000;
            } else if (nano % 1_000 == 0) {
                digits = 6;
                value = nano / 1_000;
            } else {
                digits = 9;
                value = nano;
            }
            sb.append('.');
            String v = Integer.toString(value);
            for (int i = v.length(); i < digits; i++) {
                sb.append('0');
            }
            sb.append(v);
        }
        return sb.append('Z').toString();
    }

    /** 10 000-01-01T00:00:00Z: from there on the year takes five digits and a sign. */
    private static final long LAST_SECOND_OF_9999 = 253_402_300_800L;

    private static StringBuilder two(StringBuilder sb, int value) {
        return sb.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private static void append(StringBuilder sb, String key, String value) {
        if (value == null) {
            return;
        }
        sb.append(' ').append(key).append('=');
        appendValue(sb, value);
    }

    /**
     * A value as one log token: as it is when it is plain printable ASCII, else quoted with every character that
     * could split, hide or reorder a log line escaped. Other log lines that carry request text (the access log's
     * path) use it too.
     */
    public static String quote(String value) {
        if (plain(value)) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + 8);
        appendValue(sb, value);
        return sb.toString();
    }

    private static void appendValue(StringBuilder sb, String value) {
        if (plain(value)) {
            sb.append(value);
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length() && i < 256; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (escaped(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (value.length() > 256) {
            sb.append("...");
        }
        sb.append('"');
    }

    /** Printable ASCII without a quote, {@code =} or a backslash, and not empty: written as it is. */
    private static boolean plain(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '=' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /**
     * C0 controls, DEL and C1 controls (U+0085 among them), the Unicode line and paragraph separators (U+2028,
     * U+2029), which split a line for many viewers, and the bidirectional controls (U+200E, U+200F, U+202A to
     * U+202E, U+2066 to U+2069), which make a line read differently from what it holds.
     */
    private static boolean escaped(char c) {
        return c < 0x20
                || c >= 0x7f && c < 0xa0
                || c == '\u2028'
                || c == '\u2029'
                || c == '\u200e'
                || c == '\u200f'
                || c >= '\u202a' && c <= '\u202e'
                || c >= '\u2066' && c <= '\u2069';
    }
}
