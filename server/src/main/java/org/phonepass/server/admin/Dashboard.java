package org.phonepass.server.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
import java.util.concurrent.TimeUnit;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.server.config.Settings;
import org.phonepass.sms.delivery.SmsMetrics;
import org.phonepass.store.sql.AuditCount;

/**
 * The dashboard's figures for one time range (docs/management.md#dashboard): built from the stored audit events
 * (codes sent and verified, refusals, the pumping breaker's trips), the SMS price table, and this node's delivery
 * meters (provider latency and errors, which the audit events do not hold).
 *
 * @param from       first day shown (UTC)
 * @param to         last day shown (UTC)
 * @param days       one row per day, oldest first
 * @param countries  one row per destination country, most codes sent first
 * @param refusals   refusals per reason, most first
 * @param breaker    the pumping breaker's trips and clears in the range, newest first
 * @param tripped    what the breaker holds tripped now (its latest event was a trip)
 * @param providers  per SMS provider, this node's delivery figures since it started
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

    public record Provider(
            String provider, long sent, long failed, double meanMillis, double maxMillis, String errors) {}

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
            MeterRegistry meters,
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
                providers(meters),
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

    /** This node's delivery meters per provider (docs/sms-providers.md): sends, failures, latency. */
    private static List<Provider> providers(MeterRegistry meters) {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, double[]> latency = new TreeMap<>();
        Map<String, Map<String, Long>> errors = new TreeMap<>();
        for (Counter c : meters.find(SmsMetrics.SENT).counters()) {
            counts.computeIfAbsent(c.getId().getTag("provider"), p -> new long[2])[0] += (long) c.count();
        }
        for (Counter c : meters.find(SmsMetrics.FAILED).counters()) {
            String provider = c.getId().getTag("provider");
            counts.computeIfAbsent(provider, p -> new long[2])[1] += (long) c.count();
            errors.computeIfAbsent(provider, p -> new TreeMap<>())
                    .merge(c.getId().getTag("kind"), (long) c.count(), Long::sum);
        }
        for (Timer t : meters.find(SmsMetrics.LATENCY).timers()) {
            double[] l = latency.computeIfAbsent(t.getId().getTag("provider"), p -> new double[3]);
            l[0] += t.totalTime(TimeUnit.MILLISECONDS);
            l[1] += t.count();
            l[2] = Math.max(l[2], t.max(TimeUnit.MILLISECONDS));
        }
        List<Provider> out = new ArrayList<>();
        counts.forEach((provider, n) -> {
            double[] l = latency.getOrDefault(provider, new double[3]);
            StringBuilder kinds = new StringBuilder();
            errors.getOrDefault(provider, Map.of()).forEach((kind, count) -> {
                if (kinds.length() > 0) {
                    kinds.append(", ");
                }
                kinds.append(kind).append(' ').append(count);
            });
            out.add(new Provider(
                    provider, n[0], n[1], l[1] == 0 ? 0 : Math.round(l[0] / l[1] * 10) / 10.0, l[2], kinds.toString()));
        });
        return out;
    }
}
