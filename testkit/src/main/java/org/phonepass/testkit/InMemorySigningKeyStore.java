package org.phonepass.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.core.token.StoredKey;

/**
 * Signing keys in memory, for tests of decorators and of code that rotates keys. It passes
 * {@link SigningKeyStoreContract}; {@link #raw()} shows exactly what a decorator handed down.
 */
public final class InMemorySigningKeyStore implements SigningKeyStore {
    private final Map<String, StoredKey> keys = new LinkedHashMap<>();

    @Override
    public synchronized List<StoredKey> all() {
        List<StoredKey> sorted = new ArrayList<>(keys.values());
        sorted.sort(Comparator.comparing(StoredKey::createdAt));
        return sorted;
    }

    @Override
    public synchronized void add(StoredKey key) {
        if (keys.putIfAbsent(key.kid(), key) != null) {
            throw new IllegalStateException("duplicate kid " + key.kid());
        }
    }

    @Override
    public synchronized void retire(String kid, Instant at) {
        keys.computeIfPresent(
                kid,
                (k, v) -> v.retiredAt() != null ? v : new StoredKey(v.kid(), v.jwk(), v.createdAt(), v.activeAt(), at));
    }

    @Override
    public synchronized int deleteRetiredBefore(Instant cutoff) {
        int before = keys.size();
        keys.values().removeIf(k -> k.retiredAt() != null && k.retiredAt().isBefore(cutoff));
        return before - keys.size();
    }

    /** What is stored, as stored, in insertion order. */
    public synchronized List<StoredKey> raw() {
        return List.copyOf(keys.values());
    }

    /** Replaces a stored key as is, for tests that tamper with storage. */
    public synchronized void overwrite(StoredKey key) {
        keys.put(key.kid(), key);
    }
}
