package org.phonepass.server.admin;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.server.config.Settings;
import org.phonepass.store.sql.AuditCount;
import org.phonepass.store.sql.ProviderStat;

/**
 * The dashboard's figures for one time range (docs/management.md#console): built from the stored audit events
 * (codes sent and verified, refusals, the pumping breaker's trips), the SMS price table, and every node's tally of
 * SMS send attempts per day and provider ({@link ProviderTally}: provider latency and errors, which the audit events
 * do not hold).
 *
 * @param from       first day shown (UTC)
 * @param to         last day shown (UTC)
 * @param days       one row per day, oldest first
 * @param countries  one row per destination country, most codes sent first
 * @param refusals   refusals per reason, most first
 * @param breaker    the pumping breaker's trips and clears in the range, newest first
 * @param tripped    what the breaker holds tripped now (its latest event was a trip)
 * @param providers  per SMS provider, every node's send attempts in the range
 * @param providerDays per UTC day and SMS provider with attempts, oldest first
 * @param currency   the prices' currency
 * @param segments   segments one code message takes (the default template, worst case)
 * @param totals     the range's totals
 */
public record Dashboard(
        LocalDate from,
        LocalDate to,
        List<Day> days,
        List<Country> countries,
        List<Refusal> refusals,
        List<BreakerEvent> breaker,
        List<String> tripped,
        List<Provider> providers,
        List<Provider> providerDays,
        String currency,
        int segments,
        Totals totals) {

    public record Day(LocalDate day, long sent, long verified, long failed, long refused) {
        public String conversion() {
            return percent(verified, sent);
        }
    }

    public record Country(String country, long sent, long verified, BigDecimal price, BigDecimal spend) {
        public String conversion() {
            return percent(verified, sent);
        }
    }

    public record Refusal(String reason, long count) {}

    /** A breaker event: when, what it covers ({@code calling_code=+44} or {@code ip=...}), tripped or cleared. */
    public record BreakerEvent(Instant time, String scope, boolean tripped, String detail) {}

    /**
     * Send attempts at one provider over the range or one day: accepted, failed, and how long they took (all
     * attempts, failed ones included). The percentiles are the upper bound of the latency bucket they fall in
     * ({@link ProviderTally#BOUNDS}), or the longest attempt when that is shorter.
     *
     * @param day    the day, or null for the whole range
     * @param errors failed attempts by kind ({@code transient 2, configuration 1}), empty when none failed
     */
    public record Provider(
            String provider,
            LocalDate day,
            long sent,
            long failed,
            double meanMillis,
            long p50Millis,
            long p95Millis,
            long maxMillis,
            String errors) {}

    public record Totals(long sent, long verified, long refused, long trips, BigDecimal spend) {
        public String conversion() {
            return percent(verified, sent);
        }
    }

    /** Conversion as a percentage with one decimal, or an en dash when nothing was sent. */
    static String percent(long part, long whole) {
        if (whole == 0) {
            return "–";
        }
        return BigDecimal.valueOf(part * 1000L / whole, 1).toPlainString() + " %";
    }

    static Dashboard build(
            LocalDate from,
            LocalDate to,
            List<AuditCount> counts,
            List<AuditEvent> breakerEvents,
            List<AuditEvent> recentBreakerEvents,
            List<ProviderStat> providerStats,
            Settings.Admin admin,
            int segments) {
        Map<LocalDate, long[]> perDay = new TreeMap<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            perDay.put(d, new long[4]);
        }
        Map<String, long[]> perCountry = new LinkedHashMap<>();
        Map<String, Long> perReason = new LinkedHashMap<>();
        for (AuditCount c : counts) {
            long[] day = perDay.computeIfAbsent(c.day(), d -> new long[4]);
            String country = c.country() == null ? "ZZ" : c.country();
            if (c.type() == AuditEvent.Type.SEND && c.outcome() == AuditEvent.Outcome.SUCCESS) {
                day[0] += c.count();
                perCountry.computeIfAbsent(country, k -> new long[2])[0] += c.count();
            } else if (c.type() == AuditEvent.Type.VERIFY && c.outcome() == AuditEvent.Outcome.SUCCESS) {
                day[1] += c.count();
                perCountry.computeIfAbsent(country, k -> new long[2])[1] += c.count();
            } else if (c.type() == AuditEvent.Type.VERIFY && c.outcome() == AuditEvent.Outcome.FAILURE) {
                day[2] += c.count();
            }
            if (c.outcome() == AuditEvent.Outcome.REFUSED || c.type() == AuditEvent.Type.LOCKOUT) {
                day[3] += c.count();
                String reason = c.type() == AuditEvent.Type.LOCKOUT
                        ? "lockout"
                        : c.reason() == null ? c.type().name().toLowerCase(java.util.Locale.ROOT) : c.reason();
                perReason.merge(reason, c.count(), Long::sum);
            }
        }
        List<Day> days = new ArrayList<>();
        perDay.forEach((d, v) -> days.add(new Day(d, v[0], v[1], v[2], v[3])));

        BigDecimal fallback = admin.smsPrices().get(Settings.Admin.DEFAULT_PRICE);
        List<Country> countries = new ArrayList<>();
        BigDecimal totalSpend = BigDecimal.ZERO;
        boolean anyPrice = false;
        for (Map.Entry<String, long[]> e : perCountry.entrySet()) {
            BigDecimal price = admin.smsPrices().getOrDefault(e.getKey(), fallback);
            BigDecimal spend = price == null
                    ? null
                    : price.multiply(BigDecimal.valueOf(e.getValue()[0] * (long) segments))
                            .setScale(2, RoundingMode.HALF_UP);
            if (spend != null) {
                totalSpend = totalSpend.add(spend);
                anyPrice = true;
            }
            countries.add(new Country(e.getKey(), e.getValue()[0], e.getValue()[1], price, spend));
        }
        countries.sort(Comparator.comparingLong(Country::sent).reversed().thenComparing(Country::country));

        List<Refusal> refusals = new ArrayList<>();
        perReason.forEach((r, n) -> refusals.add(new Refusal(r, n)));
        refusals.sort(Comparator.comparingLong(Refusal::count).reversed().thenComparing(Refusal::reason));

        List<BreakerEvent> breaker =
                breakerEvents.stream().map(Dashboard::breakerEvent).toList();
        long trips = breaker.stream().filter(BreakerEvent::tripped).count();
        // The newest event of each scope says whether it is tripped now.
        Map<String, Boolean> state = new LinkedHashMap<>();
        for (AuditEvent e : recentBreakerEvents) {
            BreakerEvent b = breakerEvent(e);
            state.putIfAbsent(b.scope(), b.tripped());
        }
        List<String> tripped = state.entrySet().stream()
                .filter(Map.Entry::getValue)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();

        long sent = days.stream().mapToLong(Day::sent).sum();
        long verified = days.stream().mapToLong(Day::verified).sum();
        long refused = days.stream().mapToLong(Day::refused).sum();
        return new Dashboard(
                from,
                to,
                days,
                countries,
                refusals,
                breaker,
                tripped,
                providers(providerStats, false),
                providers(providerStats, true),
                admin.currency(),
                segments,
                new Totals(sent, verified, refused, trips, anyPrice ? totalSpend : null));
    }

    private static BreakerEvent breakerEvent(AuditEvent e) {
        String detail = e.detail() == null ? "" : e.detail();
        int space = detail.indexOf(' ');
        String scope = space < 0 ? detail : detail.substring(0, space);
        String rest = space < 0 ? "" : detail.substring(space + 1);
        return new BreakerEvent(e.time(), scope, !rest.startsWith("cleared"), rest);
    }

    /**
     * Every node's send attempts per provider (docs/management.md#console), over the range or per day: attempts
     * accepted and failed, failures by kind, mean, p50, p95 and longest latency.
     */
    static List<Provider> providers(List<ProviderStat> stats, boolean perDay) {
        record Group(LocalDate day, String provider) {}
        Map<Group, List<ProviderStat>> groups =
                new TreeMap<>(Comparator.comparing((Group g) -> g.day() == null ? LocalDate.MIN : g.day())
                        .thenComparing(Group::provider));
        for (ProviderStat s : stats) {
            groups.computeIfAbsent(new Group(perDay ? s.day() : null, s.provider()), g -> new ArrayList<>())
                    .add(s);
        }
        List<Provider> out = new ArrayList<>();
        groups.forEach((g, rows) -> {
            long sent = 0;
            long failed = 0;
            long total = 0;
            long max = 0;
            Map<String, Long> kinds = new TreeMap<>();
            Map<Long, Long> buckets = new TreeMap<>();
            for (ProviderStat r : rows) {
                if ("sent".equals(r.outcome())) {
                    sent += r.attempts();
                } else {
                    failed += r.attempts();
                    kinds.merge(r.outcome(), r.attempts(), Long::sum);
                }
                total += r.totalMillis();
                max = Math.max(max, r.maxMillis());
                buckets.merge(r.leMillis(), r.attempts(), Long::sum);
            }
            long attempts = sent + failed;
            StringBuilder errors = new StringBuilder();
            kinds.forEach((kind, n) -> {
                if (errors.length() > 0) {
                    errors.append(", ");
                }
                errors.append(kind).append(' ').append(n);
            });
            out.add(new Provider(
                    g.provider(),
                    g.day(),
                    sent,
                    failed,
                    attempts == 0 ? 0 : Math.round(total * 10.0 / attempts) / 10.0,
                    percentile(buckets, attempts, 0.50, max),
                    percentile(buckets, attempts, 0.95, max),
                    max,
                    errors.toString()));
        });
        return out;
    }

    /** The bucket bound the {@code q}-quantile falls under, or the longest attempt when that is shorter. */
    static long percentile(Map<Long, Long> buckets, long attempts, double q, long max) {
        if (attempts == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * attempts));
        long seen = 0;
        for (Map.Entry<Long, Long> b : buckets.entrySet()) {
            seen += b.getValue();
            if (seen >= rank) {
                return Math.min(b.getKey(), max);
            }
        }
        return max;
    }
}
