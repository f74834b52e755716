package org.phonepass.core.store;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Identifiers of stored records that are created on every login: users, codes (challenges) and refresh-token
 * families. Each is 24 lower-case hex characters laid out as Auth0's own ids are (a MongoDB ObjectId): four bytes
 * of the creation time in seconds since the epoch, big-endian; then two bytes of the millisecond within that second
 * (0 to 999, big-endian); then six bytes from {@link SecureRandom}.
 *
 * <p>Why time first: every one of these ids is a key in a B-tree index. With random ids each new record lands on a
 * random leaf page, which on a store of a million users means one page more read and written per login; ids that
 * grow with time land on the index's last pages, which stay in the page cache and are shared by the logins of the
 * same commit (docs/benchmarks.md#time-ordered-ids). Why the millisecond too: at two thousand logins a second, the ids
 * of one second fill some twenty leaf pages, and ids random within their second scattered a commit's few logins over
 * them, a page each; ordered to the millisecond, the logins of one commit (a few milliseconds) share one or two
 * (docs/benchmarks.md#millisecond-ids). The ids say when a record was made, to the millisecond; they are not secrets
 * and nothing is looked up by them without authentication.
 *
 * <p>Written here rather than taken from a library: BSON's {@code ObjectId} fills its last eight bytes with a
 * per-process value and a counter, so one id predicts the next; these take theirs from a {@link SecureRandom} (48
 * bits each millisecond, so two records made in the same millisecond collide with odds of about 2<sup>-48</sup> per
 * pair: at 2 000 records a second, once in some 4 500 years).
 */
public final class RecordIds {
    private static final HexFormat HEX = HexFormat.of();

    private final Clock clock;
    private final SecureRandom random;

    public RecordIds(Clock clock, SecureRandom random) {
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
    }

    /** A new id: 24 lower-case hex characters that sort after every id made in an earlier millisecond. */
    public String next() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        long millis = clock.millis();
        long seconds = Math.floorDiv(millis, 1000L);
        int milli = (int) Math.floorMod(millis, 1000L);
        bytes[0] = (byte) (seconds >>> 24);
        bytes[1] = (byte) (seconds >>> 16);
        bytes[2] = (byte) (seconds >>> 8);
        bytes[3] = (byte) seconds;
        bytes[4] = (byte) (milli >>> 8);
        bytes[5] = (byte) milli;
        return HEX.formatHex(bytes);
    }
}
