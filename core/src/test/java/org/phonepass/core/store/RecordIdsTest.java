package org.phonepass.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Record ids: Auth0's 24-hex shape, the creation second first, then its millisecond, the rest random
 * (docs/benchmarks.md#time-ordered-ids, docs/benchmarks.md#millisecond-ids).
 */
class RecordIdsTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void nextWhenCalledThenAuth0ShapeWithTheSecondThenTheMillisecond() {
        Instant at = Instant.parse("2026-12-06T14:30:15.987Z");
        String id = new RecordIds(Clock.fixed(at, ZoneOffset.UTC), RANDOM).next();

        assertThat(id).matches("[0-9a-f]{24}");
        assertThat(Long.parseLong(id.substring(0, 8), 16)).isEqualTo(at.getEpochSecond());
        assertThat(Integer.parseInt(id.substring(8, 12), 16)).isEqualTo(987);
    }

    @Test
    void nextWhenBeforeTheEpochThenTheMillisecondStillCountsUp() {
        // floorMod, not %: a clock before 1970 (a test's, never a server's) still gives 0 to 999.
        Instant at = Instant.ofEpochMilli(-1);
        String id = new RecordIds(Clock.fixed(at, ZoneOffset.UTC), RANDOM).next();

        assertThat(id).matches("[0-9a-f]{24}");
        assertThat(Integer.parseInt(id.substring(8, 12), 16)).isEqualTo(999);
    }

    @Test
    void nextWhenSameMillisecondThenDistinctAndRandomAfterTheTime() {
        RecordIds ids = new RecordIds(Clock.fixed(Instant.parse("2026-12-06T14:30:15Z"), ZoneOffset.UTC), RANDOM);
        Set<String> seen = new HashSet<>();
        Set<String> tails = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next();
            seen.add(id);
            tails.add(id.substring(12, 16));
        }

        assertThat(seen).hasSize(10_000);
        // 10 000 draws of 16 random bits give about 9 270 distinct values; a counter would give 10 000, a constant 1.
        assertThat(tails.size()).isBetween(8_500, 9_999);
    }

    @Test
    void nextWhenLaterMillisecondThenSortsAfterEveryEarlierId() {
        List<String> made = new ArrayList<>();
        // across a second's end: 998, 999, then the next second's 0, 1, ...
        Instant start = Instant.parse("2026-12-06T14:30:15.998Z");
        for (int ms = 0; ms < 300; ms++) {
            RecordIds ids = new RecordIds(Clock.fixed(start.plusMillis(ms), ZoneOffset.UTC), RANDOM);
            for (int i = 0; i < 5; i++) {
                made.add(ids.next());
            }
        }
        for (int i = 5; i < made.size(); i++) {
            String previousMillisecondsLast = made.get(i / 5 * 5 - 1);
            assertThat(made.get(i)).isGreaterThan(previousMillisecondsLast);
        }
    }
}
