package org.phonepass.store.sql;

import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.testkit.ChallengeStoreContract;

class PostgresChallengeStoreTest extends ChallengeStoreContract {
    // Opened here, on the test's own thread: a skip (no PostgreSQL) thrown from a contract's worker thread would
    // surface as an error instead.
    private final ChallengeStore store = PostgresDatabase.get().challenges();

    @Override
    protected ChallengeStore store() {
        return store;
    }
}
