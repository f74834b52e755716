package org.phonepass.store.sql;

import org.phonepass.testkit.ExternalServices;

/**
 * One throwaway PostgreSQL database per test JVM, migrated once and dropped when the JVM exits, so that the
 * engineers sharing the server never see each other's rows. Without PostgreSQL each test is skipped (or, under
 * {@code CI=true}, fails): see {@link ExternalServices}.
 */
final class PostgresDatabase {
    private static SqlStorage storage;

    private PostgresDatabase() {
    }

    static synchronized SqlStorage get() {
        if (storage == null) {
            ExternalServices.PostgresDatabase db = ExternalServices.postgresDatabase();
            SqlStorage opened;
            try {
                // 8 connections: the contract's concurrency tests run 8 threads and must really overlap.
                opened = SqlStorage.postgres(db.url(), db.user(), db.password(), 8);
            } catch (RuntimeException e) {
                db.drop();
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                opened.close();
                db.drop();
            }, "drop-" + db.name()));
            storage = opened;
        }
        return storage;
    }
}
