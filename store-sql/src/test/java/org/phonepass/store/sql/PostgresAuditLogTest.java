package org.phonepass.store.sql;

class PostgresAuditLogTest extends AuditLogChecks {
    // Opened here, on the test's own thread: a skip (no PostgreSQL) must not surface from a worker thread.
    private final SqlStorage storage = PostgresDatabase.get();

    @Override
    protected SqlStorage storage() {
        return storage;
    }

    @Override
    protected SqlStorage disposableStorage() {
        // A database of its own that the test closes; PostgresDatabase drops it when the JVM exits.
        return PostgresDatabase.get("audit-closed-" + System.nanoTime());
    }
}
