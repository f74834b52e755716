package org.phonepass.store.sql;

import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.testkit.ChallengeStoreContract;

class PostgresChallengeStoreTest extends ChallengeStoreContract {
    @Override
    protected ChallengeStore store() {
        return PostgresDatabase.get().challenges();
    }
}
