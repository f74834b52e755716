package org.phonepass.core.otp;

import java.time.Instant;
import java.util.Map;

/**
 * Stores codes (as HMACs) and consumes them atomically.
 *
 * <p>Auth0's rules (docs/auth0-compatibility.md#code-rules): a new code for the same client and phone replaces the
 * previous one (here, all but the newest {@code keepPrevious} earlier live codes), a code dies after its attempt
 * limit, and a code is used once. Implementations must be safe for concurrent use from many threads and, for shared
 * backends, many nodes.
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

    /**
     * Checks a code without using it, for step 1 of the legacy redirect flow ({@code POST /passwordless/verify},
     * docs/auth0-compatibility.md#the-legacy-redirect-flow), whose step 2 consumes the same code. The caller may not
     * know the client (auth0-js 6/7 send no client_id), and the code's HMAC is bound to the client, so it passes one
     * HMAC per candidate client.
     *
     * <p>In one atomic step across every candidate: when a submitted hash equals a live challenge of its client whose
     * attempts are under the limit, answer {@link ConsumeResult.Outcome#ACCEPTED} with that client and change
     * nothing (a right code costs no attempt here; step 2 counts it). Otherwise count the attempt on every live
     * challenge of every candidate (a count reaching the limit kills it), exactly as a wrong {@link #consume} does,
     * and answer {@link ConsumeResult.Outcome#WRONG_CODE}, or {@link ConsumeResult.Outcome#NO_LIVE_CHALLENGE} when
     * no candidate has a live challenge.
     *
     * @param hashesByClient the submitted code's HMAC for each candidate client id; may be empty
     */
    CheckResult check(String phone, Map<String, byte[]> hashesByClient, Instant now);

    /** Deletes challenges that expired before {@code cutoff}; returns how many. */
    int deleteExpired(Instant cutoff);

    /**
     * Whether {@link #consume} may run inside the {@code UnitOfWork} that writes the user and the tokens: true for a
     * store in the same database as them, whose consume then commits with them. A store on a remote backend of its
     * own (Redis) answers false, and its consume runs before the unit of work, because the unit of work must hold
     * no transaction, and on the embedded database no writer lock, across a remote round trip.
     */
    default boolean sharesUnitOfWork() {
        return true;
    }
}
