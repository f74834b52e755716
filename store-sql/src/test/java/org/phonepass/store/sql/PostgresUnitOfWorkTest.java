package org.phonepass.store.sql;

class PostgresUnitOfWorkTest extends UnitOfWorkChecks {
    // Opened on the test's own thread, so that a skip (no PostgreSQL) is reported as one.
    private final SqlStorage storage = PostgresDatabase.get();

    @Override
    protected SqlStorage storage() {
        return storage;
    }
}
