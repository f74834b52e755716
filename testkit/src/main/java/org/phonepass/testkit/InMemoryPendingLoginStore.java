package org.phonepass.testkit;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.phonepass.core.authorize.PendingLogin;
import org.phonepass.core.authorize.PendingLoginStore;

/** Login transactions in this process; passes {@link PendingLoginStoreContract}. */
public final class InMemoryPendingLoginStore implements PendingLoginStore {
    private final Map<ByteBuffer, PendingLogin> logins = new HashMap<>();

    @Override
    public synchronized void save(byte[] idKey, PendingLogin login) {
        logins.put(key(idKey), login);
    }

    @Override
    public synchronized Optional<PendingLogin> find(byte[] idKey, Instant now) {
        return Optional.ofNullable(logins.get(key(idKey)))
                .filter(l -> l.expiresAt().isAfter(now));
    }

    @Override
    public synchronized Optional<PendingLogin> take(byte[] idKey, Instant now) {
        return Optional.ofNullable(logins.remove(key(idKey)))
                .filter(l -> l.expiresAt().isAfter(now));
    }

    @Override
    public synchronized int deleteExpired(Instant cutoff) {
        int before = logins.size();
        logins.values().removeIf(l -> l.expiresAt().isBefore(cutoff));
        return before - logins.size();
    }

    private static ByteBuffer key(byte[] storeKey) {
        return ByteBuffer.wrap(storeKey.clone());
    }
}
