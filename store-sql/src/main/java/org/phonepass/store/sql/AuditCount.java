package org.phonepass.store.sql;

import java.time.LocalDate;
import java.util.Objects;
import org.phonepass.core.abuse.AuditEvent;

/**
 * How many stored audit events share a UTC day, a type, an outcome, a country and, for refusals, a reason. The rows
 * the admin console's dashboard is built from (docs/management.md#console).
 *
 * @param day     the UTC day of the events
 * @param type    what happened
 * @param outcome how it ended
 * @param country ISO region of the phone number, or null when the event has none
 * @param reason  for a refusal, its machine-readable reason ({@code limit=start_per_ip}); null otherwise
 * @param count   how many events
 */
public record AuditCount(
        LocalDate day, AuditEvent.Type type, AuditEvent.Outcome outcome, String country, String reason, long count) {
    public AuditCount {
        Objects.requireNonNull(day, "day cannot be null");
        Objects.requireNonNull(type, "type cannot be null");
        Objects.requireNonNull(outcome, "outcome cannot be null");
    }
}
