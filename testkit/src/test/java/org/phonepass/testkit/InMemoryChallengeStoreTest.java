package org.phonepass.testkit;

import org.phonepass.core.otp.ChallengeStore;

/** The in-memory challenge store passes the contract every ChallengeStore implementation runs. */
class InMemoryChallengeStoreTest extends ChallengeStoreContract {
    private final InMemoryChallengeStore store = new InMemoryChallengeStore();

    @Override
    protected ChallengeStore store() {
        return store;
    }
}
