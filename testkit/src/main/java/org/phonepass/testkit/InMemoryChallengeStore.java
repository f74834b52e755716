package org.phonepass.testkit;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CheckResult;
import org.phonepass.core.otp.ConsumeResult;

/**
 * Challenges in this process, for domain tests without a database. It passes {@link ChallengeStoreContract}: every
 * operation holds one lock, which is the atomic step the contract asks for.
 */
public final class InMemoryChallengeStore implements ChallengeStore {
    private enum State {
        LIVE,
        USED,
        REPLACED,
        DEAD
    }

    /** One stored challenge; {@code seq} orders them as the SQL store's sequence does. */
    private static final class Row {
        final long seq;
        final Challenge challenge;
        int attempts;
        State state = State.LIVE;

        Row(long seq, Challenge challenge) {
            this.seq = seq;
            this.challenge = challenge;
            this.attempts = challenge.attempts();
        }

        boolean live(Instant now) {
            return state == State.LIVE && challenge.expiresAt().isAfter(now);
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private long nextSeq;

    @Override
    public synchronized void create(Challenge challenge, int keepPrevious) {
        rows.add(new Row(nextSeq++, challenge));
        // Keep the new challenge and the newest keepPrevious earlier live ones; retire the rest.
        List<Row> live = liveNewestFirst(challenge.clientId(), challenge.phone(), null);
        for (int i = keepPrevious + 1; i < live.size(); i++) {
            live.get(i).state = State.REPLACED;
        }
    }

    @Override
    public synchronized ConsumeResult consume(String clientId, String phone, byte[] submittedHash, Instant now) {
        List<Row> live = liveNewestFirst(clientId, phone, now);
        if (live.isEmpty()) {
            return new ConsumeResult(ConsumeResult.Outcome.NO_LIVE_CHALLENGE, 0);
        }
        Row match = null;
        for (Row r : live) {
            if (MessageDigest.isEqual(r.challenge.codeHash(), submittedHash)
                    && r.attempts < r.challenge.maxAttempts()
                    && match == null) {
                match = r;
            }
        }
        if (match != null) {
            match.attempts++;
            match.state = State.USED;
            for (Row r : live) {
                if (r != match) {
                    r.state = State.REPLACED;
                }
            }
            return ConsumeResult.accepted();
        }
        live.forEach(InMemoryChallengeStore::charge);
        Row newest = live.get(0);
        return new ConsumeResult(
                ConsumeResult.Outcome.WRONG_CODE, Math.max(0, newest.challenge.maxAttempts() - newest.attempts));
    }

    @Override
    public synchronized CheckResult check(String phone, Map<String, byte[]> hashesByClient, Instant now) {
        List<Row> live = new ArrayList<>();
        String matched = null;
        for (Map.Entry<String, byte[]> e : new TreeMap<>(hashesByClient).entrySet()) {
            for (Row r : liveNewestFirst(e.getKey(), phone, now)) {
                live.add(r);
                if (MessageDigest.isEqual(r.challenge.codeHash(), e.getValue())
                        && r.attempts < r.challenge.maxAttempts()
                        && matched == null) {
                    matched = e.getKey();
                }
            }
        }
        if (live.isEmpty()) {
            return new CheckResult(ConsumeResult.Outcome.NO_LIVE_CHALLENGE, 0, null);
        }
        if (matched != null) {
            return CheckResult.accepted(matched);
        }
        int remaining = 0;
        for (Row r : live) {
            charge(r);
            remaining = Math.max(remaining, r.challenge.maxAttempts() - r.attempts);
        }
        return new CheckResult(ConsumeResult.Outcome.WRONG_CODE, remaining, null);
    }

    @Override
    public synchronized int deleteExpired(Instant cutoff) {
        int before = rows.size();
        rows.removeIf(r -> r.challenge.expiresAt().isBefore(cutoff));
        return before - rows.size();
    }

    /** How many challenges are stored, live or not. */
    public synchronized int size() {
        return rows.size();
    }

    /** A counted attempt; the one that reaches the limit kills the challenge. */
    private static void charge(Row r) {
        r.attempts++;
        if (r.attempts >= r.challenge.maxAttempts()) {
            r.state = State.DEAD;
        }
    }

    /** The live challenges of a client and phone, newest first; {@code now} null ignores expiry (at creation). */
    private List<Row> liveNewestFirst(String clientId, String phone, Instant now) {
        List<Row> live = new ArrayList<>();
        for (int i = rows.size() - 1; i >= 0; i--) {
            Row r = rows.get(i);
            if (r.challenge.clientId().equals(clientId)
                    && r.challenge.phone().equals(phone)
                    && (now == null ? r.state == State.LIVE : r.live(now))) {
                live.add(r);
            }
        }
        return live;
    }
}
