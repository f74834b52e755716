package org.phonepass.store.sql;

import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.testkit.ChallengeStoreContract;

class EmbeddedChallengeStoreTest extends ChallengeStoreContract {
    @Override
    protected ChallengeStore store() {
        return EmbeddedDatabase.get().challenges();
    }
}
