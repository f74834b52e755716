package org.phonepass.bench.jmh;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.core.token.StoredKey;

/** Keys in a list: the signing benchmarks measure signing, not the database the server keeps keys in. */
public final class MemoryKeyStore implements SigningKeyStore {
    private final List<StoredKey> keys = new ArrayList<>();

    @Override
    public synchronized List<StoredKey> all() {
        return List.copyOf(keys);
    }

    @Override
    public synchronized void add(StoredKey key) {
        keys.add(key);
    }

    @Override
    public synchronized void retire(String kid, Instant at) {
        keys.replaceAll(
                k -> k.kid().equals(kid) ? new StoredKey(k.kid(), k.jwk(), k.createdAt(), k.activeAt(), at) : k);
    }

    @Override
    public synchronized int deleteRetiredBefore(Instant cutoff) {
        int before = keys.size();
        keys.removeIf(k -> k.retiredAt() != null && k.retiredAt().isBefore(cutoff));
        return before - keys.size();
    }
}
