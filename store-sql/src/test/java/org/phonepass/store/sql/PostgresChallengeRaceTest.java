package org.phonepass.store.sql;

class PostgresChallengeRaceTest extends ChallengeRaceChecks {
    // Opened on the test's own thread, so that "no PostgreSQL" is a skip, not an error in a worker thread.
    private final SqlStorage storage = PostgresDatabase.get();

    @Override
    protected SqlStorage storage() {
        return storage;
    }
}
