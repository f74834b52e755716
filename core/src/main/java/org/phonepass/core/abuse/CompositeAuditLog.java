package org.phonepass.core.abuse;

import java.util.List;

/**
 * Hands every event to several audit logs, typically the structured log line ({@link LoggingAuditLog}) and the
 * stored table. One failing log never keeps the event from the others, and never reaches the caller.
 */
public final class CompositeAuditLog implements AuditLog {
    private final List<AuditLog> logs;

    public CompositeAuditLog(List<AuditLog> logs) {
        this.logs = List.copyOf(logs);
    }

    @Override
    public void record(AuditEvent event) {
        for (AuditLog log : logs) {
            try {
                log.record(event);
            } catch (RuntimeException e) {
                // AuditLog's contract: losing one audit record must never turn a request into an error.
            }
        }
    }
}
