package org.phonepass.core.abuse;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Reads the stored audit events back, for the management API's logs and statistics (docs/management.md#logs). */
public interface AuditSearch {
    /** A stored event with its id, which grows with time. */
    record Stored(long id, AuditEvent event) {
        public Stored {
            Objects.requireNonNull(event, "event cannot be null");
        }
    }

    /**
     * A kind of event: a type, and optionally an outcome and a detail that must be ({@code detailIs}) or must not be
     * the given one.
     */
    record Kind(AuditEvent.Type type, AuditEvent.Outcome outcome, String detail, boolean detailIs) {
        public Kind {
            Objects.requireNonNull(type, "type cannot be null");
        }

        public static Kind of(AuditEvent.Type type, AuditEvent.Outcome outcome) {
            return new Kind(type, outcome, null, true);
        }

        /** Whether an event is of this kind. */
        public boolean matches(AuditEvent e) {
            if (e.type() != type || (outcome != null && e.outcome() != outcome)) {
                return false;
            }
            return detail == null || (detailIs == detail.equals(e.detail()));
        }
    }

    /**
     * A filter; every non-null part must match.
     *
     * @param kinds    the kinds of event, any of them, or null for all
     * @param excluded kinds left out
     * @param clientId the client, or null
     * @param userId   the user, or null
     * @param ip       the address, or null
     * @param from     events at or after, or null
     * @param to       events before, or null
     */
    record Filter(
            List<Kind> kinds,
            List<Kind> excluded,
            String clientId,
            String userId,
            String ip,
            Instant from,
            Instant to) {
        public Filter {
            kinds = kinds == null ? null : List.copyOf(kinds);
            excluded = excluded == null ? List.of() : List.copyOf(excluded);
        }

        public static Filter all() {
            return new Filter(null, List.of(), null, null, null, null, null);
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
