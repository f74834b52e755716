package org.phonepass.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditEvent.Outcome;
import org.phonepass.core.abuse.AuditEvent.Type;
import org.phonepass.server.config.Settings;
import org.phonepass.store.sql.AuditCount;
import org.phonepass.store.sql.ProviderStat;

/**
 * The dashboard's arithmetic: days without events, conversion, spend per country, refusals, breaker state, and the
 * provider figures from every node's tally.
 */
class DashboardTest {
    private static final LocalDate D1 = LocalDate.parse("2026-03-01");
    private static final LocalDate D3 = LocalDate.parse("2026-03-03");

    private static AuditEvent breaker(String at, String detail) {
        return new AuditEvent(Instant.parse(at), Type.PUMPING_BREAKER, null, null, null, null, Outcome.REFUSED, detail);
    }

    @Test
    void buildWhenCountsOfSomeDaysThenEveryDayShownWithConversionSpendRefusalsAndBreakerState() {
        List<AuditCount> counts = List.of(
                new AuditCount(D1, Type.SEND, Outcome.SUCCESS, "GB", null, 10),
                new AuditCount(D1, Type.VERIFY, Outcome.SUCCESS, "GB", null, 7),
                new AuditCount(D1, Type.VERIFY, Outcome.FAILURE, "GB", null, 2),
                new AuditCount(D3, Type.SEND, Outcome.SUCCESS, "US", null, 4),
                new AuditCount(D3, Type.SEND, Outcome.SUCCESS, "NG", null, 30),
                new AuditCount(D3, Type.START, Outcome.REFUSED, "NG", "limit=start_per_country_hourly", 5),
                new AuditCount(D3, Type.START, Outcome.REFUSED, "US", "number_type=voip", 1),
                new AuditCount(D3, Type.LOCKOUT, Outcome.REFUSED, "US", "limit=wrong_codes", 2));
        Settings.Admin admin = new Settings.Admin(
                List.of("+447400123456"),
                null,
                null,
                "EUR",
                Map.of("GB", new BigDecimal("0.04"), "default", new BigDecimal("0.05")));
        List<AuditEvent> recent = List.of(
                breaker("2026-03-03T10:00:00Z", "calling_code=+234 tripped sent=30 verified=0"),
                breaker("2026-03-03T09:00:00Z", "calling_code=+44 cleared sent=10 verified=7"),
                breaker("2026-03-02T09:00:00Z", "calling_code=+44 tripped sent=10 verified=1"));

        Dashboard d = Dashboard.build(D1, D3, counts, recent, recent, List.of(), admin, 2);

        assertThat(d.days()).extracting(Dashboard.Day::day).containsExactly(D1, D1.plusDays(1), D3);
        assertThat(d.days().get(0).conversion()).isEqualTo("70.0 %");
        assertThat(d.days().get(1).conversion()).isEqualTo("–");
        assertThat(d.days().get(2).refused()).isEqualTo(8);
        assertThat(d.countries()).extracting(Dashboard.Country::country).containsExactly("NG", "GB", "US");
        // 30 sends x 2 segments x the default price; GB has its own price.
        assertThat(d.countries().get(0).spend()).isEqualByComparingTo("3.00");
        assertThat(d.countries().get(1).spend()).isEqualByComparingTo("0.80");
        assertThat(d.totals().spend()).isEqualByComparingTo("4.20");
        assertThat(d.totals().sent()).isEqualTo(44);
        assertThat(d.refusals())
                .extracting(Dashboard.Refusal::reason)
                .containsExactly("limit=start_per_country_hourly", "lockout", "number_type=voip");
        assertThat(d.breaker()).hasSize(3);
        assertThat(d.totals().trips()).isEqualTo(2);
        // The newest event per scope decides: +44 was cleared after its trip, +234 is tripped.
        assertThat(d.tripped()).containsExactly("calling_code=+234");
    }

    @Test
    void buildWhenNoPriceForACountryThenNoEstimateForIt() {
        Settings.Admin admin = new Settings.Admin(List.of(), null, null, null, Map.of("GB", new BigDecimal("0.04")));
        Dashboard d = Dashboard.build(
                D1,
                D1,
                List.of(new AuditCount(D1, Type.SEND, Outcome.SUCCESS, "US", null, 3)),
                List.of(),
                List.of(),
                List.of(),
                admin,
                1);
        assertThat(d.countries().get(0).spend()).isNull();
        assertThat(d.totals().spend()).isNull();
    }

    @Test
    void providersWhenTwoNodesTalliedThenSummedPerProviderAndDayWithPercentilesFromTheBuckets() {
        // What two nodes wrote for D1 and D3 (rows of one key already summed by the database).
        List<ProviderStat> stats = List.of(
                new ProviderStat(D1, "twilio", "sent", 100, 80, 6_000, 98),
                new ProviderStat(D1, "twilio", "sent", 300, 15, 3_300, 280),
                new ProviderStat(D1, "twilio", "transient", 10_000, 5, 45_000, 10_000),
                new ProviderStat(D1, "vonage", "sent", 200, 10, 1_500, 190),
                new ProviderStat(D3, "twilio", "sent", 50, 4, 120, 40),
                new ProviderStat(D3, "twilio", "configuration", 100, 1, 60, 60),
                new ProviderStat(D3, "twilio", "rejected_number", 200, 2, 300, 160));
        Settings.Admin admin = new Settings.Admin(List.of(), null, null, null, Map.of());

        Dashboard d = Dashboard.build(D1, D3, List.of(), List.of(), List.of(), stats, admin, 1);

        assertThat(d.providers()).extracting(Dashboard.Provider::provider).containsExactly("twilio", "vonage");
        Dashboard.Provider twilio = d.providers().get(0);
        assertThat(twilio.day()).isNull();
        assertThat(twilio.sent()).isEqualTo(99);
        assertThat(twilio.failed()).isEqualTo(8);
        assertThat(twilio.errors()).isEqualTo("configuration 1, rejected_number 2, transient 5");
        // (6000 + 3300 + 45000 + 120 + 60 + 300) ms / 107 attempts, to a tenth.
        assertThat(twilio.meanMillis()).isEqualTo(512.0);
        // 107 attempts in bands 50 (4), 100 (81), 200 (2), 300 (15), 10 000 (5): the 54th is in the 100 ms band,
        // the 102nd (95 %) the last of the 300 ms band.
        assertThat(twilio.p50Millis()).isEqualTo(100);
        assertThat(twilio.p95Millis()).isEqualTo(300);
        assertThat(twilio.maxMillis()).isEqualTo(10_000);
        // A band's bound above the longest attempt gives the longest: vonage's are all under 190 ms.
        assertThat(d.providers().get(1).p95Millis()).isEqualTo(190);

        assertThat(d.providerDays())
                .extracting(p -> p.day() + " " + p.provider() + " " + p.sent() + "/" + p.failed())
                .containsExactly("2026-03-01 twilio 95/5", "2026-03-01 vonage 10/0", "2026-03-03 twilio 4/3");
        Dashboard.Provider lastDay = d.providerDays().get(2);
        assertThat(lastDay.p50Millis()).isEqualTo(50);
        assertThat(lastDay.p95Millis()).isEqualTo(160);
        assertThat(lastDay.errors()).isEqualTo("configuration 1, rejected_number 2");
    }

    @Test
    void tallyBucketsAreTheBandsTheDashboardReads() {
        assertThat(ProviderTally.bucket(0)).isEqualTo(50);
        assertThat(ProviderTally.bucket(50)).isEqualTo(50);
        assertThat(ProviderTally.bucket(51)).isEqualTo(100);
        assertThat(ProviderTally.bucket(29_999)).isEqualTo(30_000);
        assertThat(ProviderTally.bucket(3_600_000)).isEqualTo(Long.MAX_VALUE);
    }
}
