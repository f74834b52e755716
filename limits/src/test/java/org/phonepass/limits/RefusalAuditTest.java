package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.testkit.MutableClock;

/** Repeated refusals become one audit row per key and minute, with the count of those left out (issue 16 #14). */
class RefusalAuditTest {
    private final MutableClock clock = MutableClock.atEpochSecond(1_700_000_000L);
    private final Recorders.Audit audit = new Recorders.Audit();

    private AuditEvent refusal(String ip) {
        return new AuditEvent(
                clock.instant(),
                AuditEvent.Type.VERIFY,
                "app1",
                null,
                ip,
                null,
                AuditEvent.Outcome.REFUSED,
                "limit=verify_per_ip");
    }

    @Test
    void recordWhenRepeatedWithinTheWindowThenOneRowAndTheNextCarriesTheCount() {
        RefusalAudit refusals = new RefusalAudit(audit, clock, 1_000);
        for (int i = 0; i < 500; i++) {
            refusals.record(refusal("203.0.113.7"));
        }
        assertThat(audit.events).hasSize(1);
        assertThat(audit.events.get(0).detail()).isEqualTo("limit=verify_per_ip");
        clock.advance(RefusalAudit.WINDOW);
        refusals.record(refusal("203.0.113.7"));
        assertThat(audit.events).hasSize(2);
        assertThat(audit.events.get(1).detail()).isEqualTo("limit=verify_per_ip repeats=499");
    }

    @Test
    void recordWhenDifferentAddressesThenARowEach() {
        RefusalAudit refusals = new RefusalAudit(audit, clock, 1_000);
        refusals.record(refusal("203.0.113.7"));
        refusals.record(refusal("203.0.113.8"));
        assertThat(audit.events).extracting(AuditEvent::ip).containsExactly("203.0.113.7", "203.0.113.8");
    }

    @Test
    void recordWhenAddressesRotateWithinOneIpv6Slash64ThenOneRow() {
        RefusalAudit refusals = new RefusalAudit(audit, clock, 1_000);
        for (int i = 0; i < 100; i++) {
            refusals.record(refusal("2001:db8:1:2::" + Integer.toHexString(i + 1)));
        }
        refusals.record(refusal("2001:db8:1:3::1"));
        assertThat(audit.events).hasSize(2);
    }

    @Test
    void recordWhenTableFullOfLiveWindowsThenNewKeysAreNotWrittenUntilWindowsEnd() {
        RefusalAudit refusals = new RefusalAudit(audit, clock, 1_000);
        for (int i = 0; i < 3_000; i++) {
            refusals.record(refusal("198.51." + (i / 250) + "." + (i % 250)));
        }
        assertThat(audit.events).hasSize(1_000);
        clock.advance(Duration.ofMinutes(2));
        refusals.record(refusal("198.51.100.1"));
        assertThat(audit.events).hasSize(1_001);
    }
}
