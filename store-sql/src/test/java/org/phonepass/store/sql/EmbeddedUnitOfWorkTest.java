package org.phonepass.store.sql;

class EmbeddedUnitOfWorkTest extends UnitOfWorkChecks {
    @Override
    protected SqlStorage storage() {
        return EmbeddedDatabase.get();
    }
}
