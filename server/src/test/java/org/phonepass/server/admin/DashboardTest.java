package org.phonepass.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

/** The dashboard's arithmetic: days without events, conversion, spend per country, refusals and breaker state. */
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

        Dashboard d = Dashboard.build(D1, D3, counts, recent, recent, new SimpleMeterRegistry(), admin, 2);

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
                new SimpleMeterRegistry(),
                admin,
                1);
        assertThat(d.countries().get(0).spend()).isNull();
        assertThat(d.totals().spend()).isNull();
    }
}
