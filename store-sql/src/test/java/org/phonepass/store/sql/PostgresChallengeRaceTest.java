package org.phonepass.store.sql;

class PostgresChallengeRaceTest extends ChallengeRaceChecks {
    @Override
    protected SqlStorage storage() {
        return PostgresDatabase.get();
    }
}
