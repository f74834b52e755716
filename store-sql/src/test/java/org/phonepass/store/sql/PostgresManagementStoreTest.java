package org.phonepass.store.sql;

class PostgresManagementStoreTest extends ManagementStoreChecks {
    private final SqlStorage storage = PostgresDatabase.get();

    @Override
    protected SqlStorage storage() {
        return storage;
    }
}
