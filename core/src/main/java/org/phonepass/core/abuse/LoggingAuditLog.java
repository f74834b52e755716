package org.phonepass.core.abuse;

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
        append(sb, "time", event.time().toString());
        append(sb, "client_id", event.clientId());
        append(sb, "phone", event.maskedPhone());
        append(sb, "ip", event.ip());
        append(sb, "country", event.country());
        append(sb, "detail", event.detail());
        return sb.toString();
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
        StringBuilder sb = new StringBuilder(value.length() + 8);
        appendValue(sb, value);
        return sb.toString();
    }

    private static void appendValue(StringBuilder sb, String value) {
        boolean plain = !value.isEmpty()
                && value.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '=' && c != '\\');
        if (plain) {
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
