package org.phonepass.testkit;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.phonepass.core.token.AccessTokenRecord;
import org.phonepass.core.token.AccessTokenStore;

/**
 * Opaque access tokens in this process, for domain tests; passes {@link AccessTokenStoreContract}. A token issued
 * with a refresh token dies with its family, as in SQL: the family's state is read from the refresh token store.
 */
public final class InMemoryAccessTokenStore implements AccessTokenStore {
    private final Map<ByteBuffer, AccessTokenRecord> records = new HashMap<>();
    private final Set<ByteBuffer> revoked = new HashSet<>();
    private final InMemoryRefreshTokenStore refreshTokens;

    /** @param refreshTokens the refresh tokens of the same storage, whose revoked families end their access tokens */
    public InMemoryAccessTokenStore(InMemoryRefreshTokenStore refreshTokens) {
        this.refreshTokens = Objects.requireNonNull(refreshTokens, "refreshTokens cannot be null");
    }

    @Override
    public synchronized void save(byte[] tokenKey, AccessTokenRecord record) {
        records.put(key(tokenKey), record);
    }

    @Override
    public synchronized Optional<AccessTokenRecord> find(byte[] tokenKey, Instant now) {
        ByteBuffer k = key(tokenKey);
        AccessTokenRecord r = records.get(k);
        boolean dead = r == null
                || revoked.contains(k)
                || !r.expiresAt().isAfter(now)
                || (r.familyId() != null && refreshTokens.isFamilyRevoked(r.familyId()));
        return dead ? Optional.empty() : Optional.of(r);
    }

    @Override
    public synchronized boolean revoke(byte[] tokenKey) {
        ByteBuffer k = key(tokenKey);
        return records.containsKey(k) && revoked.add(k);
    }

    @Override
    public synchronized int deleteExpired(Instant cutoff) {
        int before = records.size();
        records.entrySet().removeIf(e -> e.getValue().expiresAt().isBefore(cutoff));
        revoked.retainAll(records.keySet());
        return before - records.size();
    }

    /** How many tokens are stored. */
    public synchronized int size() {
        return records.size();
    }

    private static ByteBuffer key(byte[] tokenKey) {
        return ByteBuffer.wrap(tokenKey.clone());
    }
}
