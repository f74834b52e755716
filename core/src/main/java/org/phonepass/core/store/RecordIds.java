package org.phonepass.core.store;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Identifiers of stored records that are created on every login: users, codes (challenges) and refresh-token
 * families. Each is 24 lower-case hex characters laid out as Auth0's own ids are (a MongoDB ObjectId): four bytes
 * of the creation time in seconds since the epoch, big-endian, then eight bytes from {@link SecureRandom}.
 *
 * <p>Why time first: every one of these ids is a key in a B-tree index. With random ids each new record lands on a
 * random leaf page, which on a store of a million users means one page more read and written per login; ids that
 * grow with time land on the index's last pages, which stay in the page cache and are shared by the logins of the
 * same commit (docs/benchmarks.md#time-ordered-ids). The ids say when a record was made, to the second, as Auth0's
 * do; they are not secrets and nothing is looked up by them without authentication.
 *
 * <p>Written here rather than taken from a library: BSON's {@code ObjectId} fills its last eight bytes with a
 * per-process value and a counter, so one id predicts the next; these take them from a {@link SecureRandom} (64 bits
 * each second, so two records made in the same second collide with odds of about 2<sup>-64</sup> per pair).
 */
public final class RecordIds {
    private static final HexFormat HEX = HexFormat.of();

    private final Clock clock;
    private final SecureRandom random;

    public RecordIds(Clock clock, SecureRandom random) {
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
    }

    /** A new id: 24 lower-case hex characters that sort after every id made in an earlier second. */
    public String next() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        long seconds = Math.floorDiv(clock.millis(), 1000L);
        bytes[0] = (byte) (seconds >>> 24);
        bytes[1] = (byte) (seconds >>> 16);
        bytes[2] = (byte) (seconds >>> 8);
        bytes[3] = (byte) seconds;
        return HEX.formatHex(bytes);
    }
}
