package org.phonepass.core.token;

import java.time.Instant;
import java.util.List;

/** Persists signing keys so that every node and every restart signs with, and publishes, the same keys. */
public interface SigningKeyStore {
    List<StoredKey> all();

    /** Saves a new key. */
    void add(StoredKey key);

    /** Marks a key as no longer signing from {@code at}. */
    void retire(String kid, Instant at);

    /** Deletes keys retired before {@code cutoff}: no live token can carry their signature any more. */
    int deleteRetiredBefore(Instant cutoff);
}
