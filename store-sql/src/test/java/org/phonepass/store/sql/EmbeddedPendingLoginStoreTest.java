package org.phonepass.store.sql;

import org.phonepass.core.authorize.PendingLoginStore;
import org.phonepass.testkit.PendingLoginStoreContract;

class EmbeddedPendingLoginStoreTest extends PendingLoginStoreContract {
    @Override
    protected PendingLoginStore store() {
        return EmbeddedDatabase.get().pendingLogins();
    }
}
