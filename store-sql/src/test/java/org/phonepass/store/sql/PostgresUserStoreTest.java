package org.phonepass.store.sql;

import org.phonepass.core.user.UserStore;
import org.phonepass.testkit.UserStoreContract;

class PostgresUserStoreTest extends UserStoreContract {
    @Override
    protected UserStore store() {
        return PostgresDatabase.get().users();
    }
}
