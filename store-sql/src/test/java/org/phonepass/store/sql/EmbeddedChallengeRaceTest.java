package org.phonepass.store.sql;

class EmbeddedChallengeRaceTest extends ChallengeRaceChecks {
    @Override
    protected SqlStorage storage() {
        return EmbeddedDatabase.get();
    }
}
