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
    public synchronized void save(byte[] idHash, PendingLogin login) {
        logins.put(key(idHash), login);
    }

    @Override
    public synchronized Optional<PendingLogin> find(byte[] idHash, Instant now) {
        return Optional.ofNullable(logins.get(key(idHash)))
                .filter(l -> l.expiresAt().isAfter(now));
    }

    @Override
    public synchronized Optional<PendingLogin> take(byte[] idHash, Instant now) {
        return Optional.ofNullable(logins.remove(key(idHash)))
                .filter(l -> l.expiresAt().isAfter(now));
    }

    @Override
    public synchronized int deleteExpired(Instant cutoff) {
        int before = logins.size();
        logins.values().removeIf(l -> l.expiresAt().isBefore(cutoff));
        return before - logins.size();
    }

    private static ByteBuffer key(byte[] hash) {
        return ByteBuffer.wrap(hash.clone());
    }
}
