package org.phonepass.server.management;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditSearch;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.user.UserAdminStore;

/**
 * Logs and statistics through the management API (docs/management.md#logs, #stats), read from the stored audit
 * events. Logins per day count the {@code LOGIN} events; sign-ups per day count the users created that day (users
 * deleted since are not counted); active users are those whose last login is within 30 days.
 */
public final class LogsAndStats {
    public static final int MAX_PER_PAGE = 100;
    public static final int MAX_TAKE = 100;
    /** As Auth0: page-based reads reach the newest 1000 events; older ones are read with from/take. */
    public static final int MAX_RESULTS = 1_000;

    static final int MAX_DAYS = 366;
    private static final Pattern TERM =
            Pattern.compile("\\G\\s*(?:(AND)\\s+)?([a-z_]+):(\\[[^\\]]*\\]|\\{[^}]*\\}|\"[^\"]*\"|[^\\s()\"]+)");
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.BASIC_ISO_DATE;

    private final AuditSearch events;
    private final UserAdminStore users;
    private final ClientRegistry clients;
    private final Clock clock;

    public LogsAndStats(AuditSearch events, UserAdminStore users, ClientRegistry clients, Clock clock) {
        this.events = Objects.requireNonNull(events, "events cannot be null");
        this.users = Objects.requireNonNull(users, "users cannot be null");
        this.clients = Objects.requireNonNull(clients, "clients cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
    }

    /** One page of logs and, when asked, the total. */
    public record Page(List<AuditSearch.Stored> logs, long total) {}

    /**
     * {@code GET /logs}: newest first by {@code page}/{@code per_page}, or, with {@code from} (a log id), the events
     * after it oldest first, {@code take} of them.
     */
    public Page search(
            String q, Integer page, Integer perPage, String from, Integer take, boolean includeTotals, String sort) {
        AuditSearch.Filter filter = parse(q, null);
        if (from != null) {
            long after;
            try {
                after = Long.parseLong(from);
            } catch (NumberFormatException e) {
                throw ManagementException.badRequest("invalid_query_string", "from must be a log_id.");
            }
            int n = take == null ? 50 : take;
            if (n < 1 || n > MAX_TAKE) {
                throw ManagementException.badRequest(
                        "invalid_query_string", "take must be from 1 to " + MAX_TAKE + ".");
            }
            return new Page(events.search(filter, after, 0, n), -1);
        }
        return paged(filter, page, perPage, includeTotals, sort);
    }

    /** {@code GET /users/{id}/logs}: the user's logins and the management writes about them, newest first. */
    public Page forUser(String userId, Integer page, Integer perPage, boolean includeTotals, String sort) {
        UserManagement.localId(userId);
        AuditSearch.Filter f = new AuditSearch.Filter(null, LogTypes.HIDDEN, null, userId, null, null, null);
        return paged(f, page, perPage, includeTotals, sort);
    }

    private Page paged(AuditSearch.Filter filter, Integer page, Integer perPage, boolean includeTotals, String sort) {
        int p = page == null ? 0 : page;
        int n = perPage == null ? 50 : perPage;
        if (n < 1 || n > MAX_PER_PAGE) {
            throw ManagementException.badRequest(
                    "invalid_query_string", "per_page must be from 1 to " + MAX_PER_PAGE + ".");
        }
        if (p < 0 || (long) (p + 1) * n > MAX_RESULTS) {
            throw ManagementException.badRequest(
                    "invalid_paging",
                    "You can only page through the newest " + MAX_RESULTS + " logs; use from and take for older ones.");
        }
        if (sort != null && !sort.equals("date:-1") && !sort.equals("date:1")) {
            throw ManagementException.badRequest("invalid_query_string", "sort must be date:1 or date:-1.");
        }
        List<AuditSearch.Stored> logs = events.search(filter, null, p * n, n);
        if ("date:1".equals(sort)) {
            logs = new ArrayList<>(logs);
            java.util.Collections.reverse(logs);
        }
        return new Page(logs, includeTotals ? events.count(filter) : -1);
    }

    public AuditSearch.Stored get(String logId) {
        long id;
        try {
            id = Long.parseLong(logId);
        } catch (NumberFormatException e) {
            throw notFound();
        }
        return events.find(id)
                .filter(s -> LogTypes.HIDDEN.stream().noneMatch(k -> k.matches(s.event())))
                .orElseThrow(LogsAndStats::notFound);
    }

    /**
     * The filter of a logs {@code q}: {@code type:}, {@code client_id:}, {@code user_id:}, {@code ip:} and
     * {@code date:[from TO to]} terms joined by spaces or AND. Anything else is refused.
     */
    static AuditSearch.Filter parse(String q, String userId) {
        List<AuditSearch.Kind> kinds = null;
        String client = null;
        String user = userId;
        String ip = null;
        Instant from = null;
        Instant to = null;
        if (q != null && !q.isBlank()) {
            if (q.length() > 500) {
                throw badQuery("The query is longer than 500 characters.");
            }
            Matcher m = TERM.matcher(q);
            int end = 0;
            int terms = 0;
            while (m.find() && m.start() == end) {
                end = m.end();
                if (++terms > 10) {
                    throw badQuery("The query has more than 10 terms.");
                }
                String field = m.group(2);
                String raw = m.group(3);
                String value = raw.startsWith("\"") ? raw.substring(1, raw.length() - 1) : raw;
                switch (field) {
                    case "type" -> {
                        if (kinds != null) {
                            throw badQuery("type can be named once.");
                        }
                        kinds = LogTypes.kindsFor(value)
                                .orElseThrow(
                                        () -> badQuery("type: unknown log type; types: " + LogTypes.codes() + "."));
                    }
                    case "client_id" -> client = value;
                    case "user_id" -> user = value;
                    case "ip" -> ip = value;
                    case "date" -> {
                        if (!(raw.startsWith("[") || raw.startsWith("{"))) {
                            throw badQuery("date: use a range, as in date:[2024-01-01 TO 2024-01-31].");
                        }
                        String[] ends =
                                raw.substring(1, raw.length() - 1).trim().split("\\s+TO\\s+");
                        if (ends.length != 2) {
                            throw badQuery("date: use a range, as in date:[2024-01-01 TO 2024-01-31].");
                        }
                        from = ends[0].equals("*") ? null : instant(ends[0], false);
                        to = ends[1].equals("*") ? null : instant(ends[1], raw.endsWith("]"));
                    }
                    default ->
                        throw badQuery("The field '" + (field.length() > 40 ? field.substring(0, 40) : field)
                                + "' cannot be searched; fields: type, client_id, user_id, ip, date.");
                }
            }
            if (end != q.length() && !q.substring(end).isBlank()) {
                throw badQuery("The query could not be parsed at character " + (end + 1)
                        + "; supported: field:value terms joined by spaces or AND.");
            }
        }
        return new AuditSearch.Filter(kinds, LogTypes.HIDDEN, client, user, ip, from, to);
    }

    private static Instant instant(String s, boolean endOfDay) {
        try {
            if (s.length() == 10) {
                LocalDate d = LocalDate.parse(s);
                return (endOfDay ? d.plusDays(1) : d)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant();
            }
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw badQuery("date: expected 2024-05-31 or 2024-05-31T12:00:00Z.");
        }
    }

    /** The Auth0 log object of an event. */
    public Map<String, Object> toJson(AuditSearch.Stored s) {
        AuditEvent e = s.event();
        LogTypes.Row type = LogTypes.of(e);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("log_id", Long.toString(s.id()));
        m.put("_id", Long.toString(s.id()));
        m.put("date", e.time().toString());
        m.put("type", type.code());
        m.put("description", e.detail() == null ? type.description() : type.description() + " (" + e.detail() + ")");
        if (e.clientId() != null) {
            m.put("client_id", e.clientId());
            clients.findByClientId(e.clientId()).map(Client::name).ifPresent(n -> m.put("client_name", n));
        }
        if (e.ip() != null) {
            m.put("ip", e.ip());
        }
        if (e.userId() != null) {
            m.put("user_id", e.userId());
        }
        if (e.maskedPhone() != null) {
            m.put("user_name", e.maskedPhone());
        }
        m.put("connection", ConnectionManagement.NAME);
        m.put("connection_id", ConnectionManagement.ID);
        m.put("strategy", ConnectionManagement.NAME);
        m.put("strategy_type", "passwordless");
        m.put("isMobile", false);
        if (e.country() != null) {
            m.put("location_info", Map.of("country_code", e.country()));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event", e.type().name());
        details.put("outcome", e.outcome().name());
        if (e.detail() != null) {
            details.put("detail", e.detail());
        }
        m.put("details", details);
        return m;
    }

    /** {@code GET /stats/daily}: one entry per UTC day from {@code from} to {@code to} (YYYYMMDD), inclusive. */
    public List<Map<String, Object>> daily(String from, String to) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate end = to == null ? today : day(to, "to");
        LocalDate start = from == null ? end.minusDays(29) : day(from, "from");
        if (start.isAfter(end)) {
            throw ManagementException.badRequest("invalid_query_string", "from must not be after to.");
        }
        if (start.plusDays(MAX_DAYS).isBefore(end.plusDays(1))) {
            throw ManagementException.badRequest(
                    "invalid_query_string", "Ask for at most " + MAX_DAYS + " days at a time.");
        }
        Instant a = start.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant b = end.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<String, Long> logins = events.perDay(AuditEvent.Type.LOGIN, AuditEvent.Outcome.SUCCESS, a, b);
        Map<String, Long> signups = users.signupsPerDay(a, b);
        List<Map<String, Object>> out = new ArrayList<>();
        String now = clock.instant().toString();
        for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("date", d.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
            row.put("logins", logins.getOrDefault(d.toString(), 0L));
            row.put("signups", signups.getOrDefault(d.toString(), 0L));
            row.put("leaked_passwords", 0);
            row.put("updated_at", now);
            row.put("created_at", now);
            out.add(row);
        }
        return out;
    }

    /** {@code GET /stats/active-users}: users who logged in within the last 30 days. */
    public long activeUsers() {
        return users.activeSince(clock.instant().minus(Duration.ofDays(30)));
    }

    private static LocalDate day(String s, String key) {
        try {
            return LocalDate.parse(s, COMPACT);
        } catch (DateTimeParseException e) {
            throw ManagementException.badRequest("invalid_query_string", key + " must be a date as YYYYMMDD.");
        }
    }

    private static ManagementException badQuery(String message) {
        return ManagementException.badRequest("invalid_query_string", message);
    }

    private static ManagementException notFound() {
        return ManagementException.notFound("inexistent_log", "The log does not exist");
    }
}
