package org.phonepass.store.sql;

import org.phonepass.core.user.UserStore;
import org.phonepass.testkit.UserStoreContract;

class EmbeddedUserStoreTest extends UserStoreContract {
    @Override
    protected UserStore store() {
        return EmbeddedDatabase.get().users();
    }
}
