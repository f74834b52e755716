package org.phonepass.testkit;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.phonepass.core.authorize.AuthorizationCodeRecord;
import org.phonepass.core.authorize.AuthorizationCodeStore;

/** Authorization codes in this process; passes {@link AuthorizationCodeStoreContract}. */
public final class InMemoryAuthorizationCodeStore implements AuthorizationCodeStore {
    private static final class Entry {
        final AuthorizationCodeRecord record;
        boolean used;
        boolean replayed;
        byte[] refreshKey;
        byte[] accessKey;

        Entry(AuthorizationCodeRecord record) {
            this.record = record;
        }
    }

    private final Map<ByteBuffer, Entry> entries = new HashMap<>();

    @Override
    public synchronized void save(byte[] codeKey, AuthorizationCodeRecord record) {
        entries.put(key(codeKey), new Entry(record));
    }

    @Override
    public synchronized Redemption redeem(byte[] codeKey, Instant now) {
        Entry e = entries.get(key(codeKey));
        if (e == null) {
            return new Redemption.Invalid();
        }
        if (e.used) {
            e.replayed = true;
            return new Redemption.Replayed(e.record, e.refreshKey, e.accessKey);
        }
        if (!e.record.expiresAt().isAfter(now)) {
            return new Redemption.Invalid();
        }
        e.used = true;
        return new Redemption.Redeemed(e.record);
    }

    @Override
    public synchronized boolean recordIssued(byte[] codeKey, byte[] refreshTokenKey, byte[] accessTokenKey) {
        Entry e = entries.get(key(codeKey));
        if (e == null || e.replayed) {
            return false;
        }
        e.refreshKey = refreshTokenKey == null ? null : refreshTokenKey.clone();
        e.accessKey = accessTokenKey == null ? null : accessTokenKey.clone();
        return true;
    }

    @Override
    public synchronized int deleteExpired(Instant cutoff) {
        int before = entries.size();
        entries.values().removeIf(e -> e.record.expiresAt().isBefore(cutoff));
        return before - entries.size();
    }

    private static ByteBuffer key(byte[] storeKey) {
        return ByteBuffer.wrap(storeKey.clone());
    }
}
