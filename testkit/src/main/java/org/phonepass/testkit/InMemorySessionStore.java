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
    public synchronized void save(byte[] idHash, SessionRecord session) {
        sessions.put(key(idHash), session);
    }

    @Override
    public synchronized Optional<SessionRecord> find(byte[] idHash, Instant now) {
        return Optional.ofNullable(sessions.get(key(idHash))).filter(s -> s.isLive(now));
    }

    @Override
    public synchronized boolean extend(byte[] idHash, Instant idleExpiresAt) {
        SessionRecord s = sessions.get(key(idHash));
        if (s == null) {
            return false;
        }
        sessions.put(
                key(idHash),
                new SessionRecord(s.sid(), s.userId(), s.authTime(), idleExpiresAt, s.absoluteExpiresAt()));
        return true;
    }

    @Override
    public synchronized boolean delete(byte[] idHash) {
        return sessions.remove(key(idHash)) != null;
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

    private static ByteBuffer key(byte[] hash) {
        return ByteBuffer.wrap(hash.clone());
    }
}
