package org.phonepass.testkit;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.phonepass.core.token.RefreshTokenRecord;
import org.phonepass.core.token.RefreshTokenStore;

/** Refresh tokens in this process, with rotation and reuse detection; passes {@link RefreshTokenStoreContract}. */
public final class InMemoryRefreshTokenStore implements RefreshTokenStore {
    private final Map<ByteBuffer, RefreshTokenRecord> records = new HashMap<>();
    private final Set<ByteBuffer> used = new HashSet<>();
    private final Set<String> revokedFamilies = new HashSet<>();

    @Override
    public synchronized void save(byte[] tokenKey, RefreshTokenRecord record) {
        records.put(key(tokenKey), record);
    }

    @Override
    public synchronized Rotation rotate(byte[] presentedKey, byte[] newKey, Instant now) {
        ByteBuffer k = key(presentedKey);
        RefreshTokenRecord r = records.get(k);
        if (r == null
                || revokedFamilies.contains(r.familyId())
                || !r.expiresAt().isAfter(now)) {
            return new Rotation.Invalid();
        }
        if (used.contains(k)) {
            revokedFamilies.add(r.familyId());
            return new Rotation.Reused();
        }
        used.add(k);
        RefreshTokenRecord next = r.rotated(now);
        records.put(key(newKey), next);
        return new Rotation.Rotated(next);
    }

    @Override
    public synchronized Optional<RefreshTokenRecord> findLive(byte[] tokenKey, Instant now) {
        ByteBuffer k = key(tokenKey);
        RefreshTokenRecord r = records.get(k);
        if (r == null
                || used.contains(k)
                || revokedFamilies.contains(r.familyId())
                || !r.expiresAt().isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(r);
    }

    @Override
    public synchronized Optional<RefreshTokenRecord> find(byte[] tokenKey) {
        return Optional.ofNullable(records.get(key(tokenKey)));
    }

    /** Whether the family was revoked (by {@link #revokeFamily} or by reuse detection). */
    public synchronized boolean isFamilyRevoked(String familyId) {
        return revokedFamilies.contains(familyId);
    }

    @Override
    public synchronized boolean revokeFamily(byte[] tokenKey) {
        RefreshTokenRecord r = records.get(key(tokenKey));
        if (r == null) {
            return false;
        }
        revokedFamilies.add(r.familyId());
        return true;
    }

    @Override
    public synchronized int deleteExpired(Instant cutoff) {
        int before = records.size();
        records.entrySet().removeIf(e -> e.getValue().expiresAt().isBefore(cutoff));
        used.retainAll(records.keySet());
        return before - records.size();
    }

    /** How many tokens are stored, live or not. */
    public synchronized int size() {
        return records.size();
    }

    private static ByteBuffer key(byte[] tokenKey) {
        return ByteBuffer.wrap(tokenKey.clone());
    }
}
