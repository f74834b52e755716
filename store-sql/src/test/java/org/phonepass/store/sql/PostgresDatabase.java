package org.phonepass.store.sql;

import java.util.HashMap;
import java.util.Map;
import org.phonepass.testkit.ExternalServices;

/**
 * Throwaway PostgreSQL databases for this test JVM, migrated once and dropped when the JVM exits, so that the
 * engineers sharing the server never see each other's rows. Without PostgreSQL each test is skipped (or, under
 * {@code CI=true}, fails): see {@link ExternalServices}.
 */
final class PostgresDatabase {
    private static final Map<String, SqlStorage> OPEN = new HashMap<>();

    private PostgresDatabase() {}

    /** The database most tests share; their rows never collide (random ids and phones). */
    static SqlStorage get() {
        return get("shared");
    }

    private static final Map<String, SqlStorage> SECOND = new HashMap<>();

    /**
     * A second connection pool on the database of {@code purpose}, as a second node would have: for tests of what
     * several nodes share. Closed when the JVM exits, before the database is dropped.
     */
    static synchronized SqlStorage second(String purpose) {
        get(purpose);
        return SECOND.computeIfAbsent(purpose, p -> {
            SqlStorage opened = SqlStorage.postgres(URLS.get(p), USERS.get(p), PASSWORDS.get(p), 4);
            Runtime.getRuntime().addShutdownHook(new Thread(opened::close, "close-second-" + p));
            return opened;
        });
    }

    private static final Map<String, String> URLS = new HashMap<>();
    private static final Map<String, String> USERS = new HashMap<>();
    private static final Map<String, String> PASSWORDS = new HashMap<>();

    /** A database of its own, for tests that must not see rows other tests leave (e.g. unencrypted keys). */
    static synchronized SqlStorage get(String purpose) {
        SqlStorage storage = OPEN.get(purpose);
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
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                opened.close();
                                db.drop();
                            },
                            "drop-" + db.name()));
            storage = opened;
            URLS.put(purpose, db.url());
            USERS.put(purpose, db.user());
            PASSWORDS.put(purpose, db.password());
            OPEN.put(purpose, storage);
        }
        return storage;
    }
}
