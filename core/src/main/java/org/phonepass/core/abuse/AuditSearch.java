package org.phonepass.core.abuse;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Reads the stored audit events back, for the management API's logs and statistics (docs/management.md#logs). */
public interface AuditSearch {
    /** A stored event with its id, which grows with time. */
    record Stored(long id, AuditEvent event) {
        public Stored {
            Objects.requireNonNull(event, "event cannot be null");
        }
    }

    /**
     * A filter; every non-null part must match.
     *
     * @param types     the event types, or null for all
     * @param outcomes  the outcomes, or null for all
     * @param clientId  the client, or null
     * @param userId    the user, or null
     * @param ip        the address, or null
     * @param from      events at or after, or null
     * @param to        events before, or null
     * @param excluded  (type, outcome) pairs left out, as {@code TYPE/OUTCOME}
     */
    record Filter(
            Set<AuditEvent.Type> types,
            Set<AuditEvent.Outcome> outcomes,
            String clientId,
            String userId,
            String ip,
            Instant from,
            Instant to,
            Set<String> excluded) {
        public static Filter all() {
            return new Filter(null, null, null, null, null, null, null, Set.of());
        }
    }

    /**
     * Events matching {@code filter}. With {@code afterId} set, the events with a greater id, oldest first
     * (checkpoint paging); otherwise newest first, skipping {@code offset}.
     */
    List<Stored> search(Filter filter, Long afterId, int offset, int limit);

    long count(Filter filter);

    Optional<Stored> find(long id);

    /** Events per UTC day in {@code [from, to)} of one type and outcome, keyed by ISO date. */
    Map<String, Long> perDay(AuditEvent.Type type, AuditEvent.Outcome outcome, Instant from, Instant to);
}
