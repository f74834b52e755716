package org.phonepass.testkit;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.phonepass.core.session.SessionRecord;
import org.phonepass.core.session.SessionStore;

/** Server sessions in this process; passes {@link SessionStoreContract}. */
public final class InMemorySessionStore implements SessionStore {
    private final Map<ByteBuffer, SessionRecord> sessions = new HashMap<>();

    @Override
    public synchronized void save(byte[] idKey, SessionRecord session) {
        sessions.put(key(idKey), session);
    }

    @Override
    public synchronized Optional<SessionRecord> find(byte[] idKey, Instant now) {
        return Optional.ofNullable(sessions.get(key(idKey))).filter(s -> s.isLive(now));
    }

    @Override
    public synchronized boolean extend(byte[] idKey, Instant idleExpiresAt) {
        SessionRecord s = sessions.get(key(idKey));
        if (s == null) {
            return false;
        }
        sessions.put(
                key(idKey), new SessionRecord(s.sid(), s.userId(), s.authTime(), idleExpiresAt, s.absoluteExpiresAt()));
        return true;
    }

    @Override
    public synchronized boolean delete(byte[] idKey) {
        return sessions.remove(key(idKey)) != null;
    }

    @Override
    public synchronized int deleteForUser(String userId) {
        int before = sessions.size();
        sessions.values().removeIf(s -> s.userId().equals(userId));
        return before - sessions.size();
    }

    @Override
    public synchronized int deleteExpired(Instant cutoff) {
        int before = sessions.size();
        sessions.values().removeIf(s -> s.idleExpiresAt().isBefore(cutoff));
        return before - sessions.size();
    }

    private static ByteBuffer key(byte[] storeKey) {
        return ByteBuffer.wrap(storeKey.clone());
    }
}
