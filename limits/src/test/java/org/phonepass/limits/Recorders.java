package org.phonepass.limits;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.phonepass.core.abuse.AbuseMetrics;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;

/** In-memory audit log and metrics for assertions. */
final class Recorders {
    private Recorders() {}

    static final class Audit implements AuditLog {
        final List<AuditEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void record(AuditEvent event) {
            events.add(event);
        }

        List<AuditEvent> of(AuditEvent.Type type) {
            return events.stream().filter(e -> e.type() == type).toList();
        }
    }

    static final class Metrics implements AbuseMetrics {
        final List<String> refusals = new CopyOnWriteArrayList<>();
        final List<String> trips = new CopyOnWriteArrayList<>();
        final List<String> clears = new CopyOnWriteArrayList<>();

        @Override
        public void refused(String reason) {
            refusals.add(reason);
        }

        @Override
        public void breakerTripped(Scope scope, String key, long sent, long verified) {
            trips.add(scope + ":" + key);
        }

        @Override
        public void breakerCleared(Scope scope, String key) {
            clears.add(scope + ":" + key);
        }
    }
}
