package org.phonepass.store.sql;

/** The SQL differences between the embedded database and PostgreSQL. */
public enum SqlDialect {
    SQLITE("sqlite", ""),
    POSTGRESQL("postgresql", " FOR UPDATE");

    private final String migrationFolder;
    private final String forUpdate;

    SqlDialect(String migrationFolder, String forUpdate) {
        this.migrationFolder = migrationFolder;
        this.forUpdate = forUpdate;
    }

    /** Flyway location of this dialect's migrations. */
    public String migrations() {
        return "classpath:db/migration/" + migrationFolder;
    }

    /**
     * Row locking for read-then-write transactions. SQLite has no row locks: its write transactions start
     * IMMEDIATE (see {@link SqlStorage}), which serialises writers for the whole database.
     */
    public String forUpdate() {
        return forUpdate;
    }
}
