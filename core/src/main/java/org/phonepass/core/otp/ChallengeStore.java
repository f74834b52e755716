package org.phonepass.core.otp;

import java.time.Instant;

/**
 * Stores codes (as HMACs) and consumes them atomically.
 *
 * <p>Auth0's rules (protocol.md §9.1): a new code for the same client and phone replaces the previous one (here,
 * all but the newest {@code keepPrevious} earlier live codes), a code dies after its attempt limit, and a code is
 * used once. Implementations must be safe for concurrent use from many threads and, for shared backends, many
 * nodes.
 */
public interface ChallengeStore {

    /**
     * Saves a new challenge and, in the same atomic step, retires the live challenges of the same client and phone
     * beyond the newest {@code keepPrevious} of them.
     */
    void create(Challenge challenge, int keepPrevious);

    /**
     * One verification attempt, in one atomic step: among the live (unexpired, unused, not dead) challenges of this
     * client and phone, count the attempt on each, then compare {@code submittedHash} in constant time. On a match
     * whose attempts before this one were under the limit, mark that challenge used and retire the other live ones.
     * A challenge whose count reaches its limit is dead. Two concurrent calls with the right code: exactly one is
     * {@link ConsumeResult.Outcome#ACCEPTED}.
     */
    ConsumeResult consume(String clientId, String phone, byte[] submittedHash, Instant now);

    /** Deletes challenges that expired before {@code cutoff}; returns how many. */
    int deleteExpired(Instant cutoff);
}
