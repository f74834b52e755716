package org.phonepass.core.abuse;

/**
 * Where audit events go. Implementations must not throw for a failure to record: losing one audit line must never
 * turn a login into an error. A store-backed implementation (readable by the management API) comes with the store;
 * {@link LoggingAuditLog} writes structured log lines.
 */
public interface AuditLog {
    void record(AuditEvent event);
}
