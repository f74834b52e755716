package org.phonepass.testkit;

import java.util.ArrayList;
import java.util.List;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;

/** An audit log that keeps the events, for tests that check what was audited. */
public final class RecordingAuditLog implements AuditLog {
    private final List<AuditEvent> events = new ArrayList<>();

    @Override
    public synchronized void record(AuditEvent event) {
        events.add(event);
    }

    public synchronized List<AuditEvent> events() {
        return List.copyOf(events);
    }
}
