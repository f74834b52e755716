package org.phonepass.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** The SQL differences between the embedded database and PostgreSQL. */
public enum SqlDialect {
    SQLITE("sqlite", "", null, List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10")),
    // The two-key form keeps our locks apart from any other application's advisory locks on the same database:
    // the first key is "PPch" (Phonepass challenges), the second a hash of the client and phone. A hash collision
    // only makes two unrelated phones wait for each other for one short transaction.
    POSTGRESQL(
            "postgresql",
            " FOR UPDATE",
            "SELECT pg_advisory_xact_lock(1347445608, hashtext(?))",
            List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"));

    private final String migrationFolder;
    private final String forUpdate;
    private final String challengeLock;
    private final List<String> migrationVersions;

    SqlDialect(String migrationFolder, String forUpdate, String challengeLock, List<String> migrationVersions) {
        this.migrationFolder = migrationFolder;
        this.forUpdate = forUpdate;
        this.challengeLock = challengeLock;
        this.migrationVersions = migrationVersions;
    }

    /**
     * The versions of the migrations in {@link #migrations()}, in order. A test checks this list against the
     * folder, so a new migration cannot be forgotten here.
     */
    public List<String> migrationVersions() {
        return migrationVersions;
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

    /**
     * Takes, until the end of the transaction, the lock that serialises every write to the challenges of one
     * client and phone, or does nothing where the database already serialises writers.
     *
     * <p>PostgreSQL needs it: under READ COMMITTED, two concurrent {@code create}s for one phone each insert a row,
     * neither sees the other's uncommitted row when it retires the older ones, and both codes stay live; and a
     * {@code consume} that locked the live rows with {@code FOR UPDATE} does not see a row inserted after its
     * snapshot. {@code FOR UPDATE} cannot lock a row that does not exist yet; the advisory lock on the pair can.
     * It must be the first statement of the transaction, so that every later statement reads a snapshot taken
     * after the previous holder committed.
     */
    void lockChallenges(Connection c, String clientId, String phone) throws SQLException {
        if (challengeLock == null) {
            return;
        }
        // Length-prefixed, so that no two (client, phone) pairs make the same text.
        String key = clientId.length() + ":" + clientId + ":" + phone;
        try (PreparedStatement ps = Jdbc.prepare(c, challengeLock, key)) {
            ps.execute();
        }
    }
}
