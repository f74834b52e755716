package org.phonepass.store.sql;

class EmbeddedManagementStoreTest extends ManagementStoreChecks {
    @Override
    protected SqlStorage storage() {
        return EmbeddedDatabase.get();
    }
}
