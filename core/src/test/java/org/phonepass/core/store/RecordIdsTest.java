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

/** Record ids: Auth0's 24-hex shape, the creation second first, the rest random (docs/benchmarks.md#time-ordered-ids). */
class RecordIdsTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void nextWhenCalledThenAuth0ShapeWithTheSecondFirst() {
        Instant at = Instant.parse("2026-12-06T14:30:15.987Z");
        String id = new RecordIds(Clock.fixed(at, ZoneOffset.UTC), RANDOM).next();

        assertThat(id).matches("[0-9a-f]{24}");
        assertThat(Long.parseLong(id.substring(0, 8), 16)).isEqualTo(at.getEpochSecond());
    }

    @Test
    void nextWhenSameSecondThenDistinctAndRandomAfterTheTime() {
        RecordIds ids = new RecordIds(Clock.fixed(Instant.parse("2026-12-06T14:30:15Z"), ZoneOffset.UTC), RANDOM);
        Set<String> seen = new HashSet<>();
        Set<String> tails = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next();
            seen.add(id);
            tails.add(id.substring(8, 12));
        }

        assertThat(seen).hasSize(10_000);
        // 10 000 draws of 16 random bits give about 9 270 distinct values; a counter would give 10 000, a constant 1.
        assertThat(tails.size()).isBetween(8_500, 9_999);
    }

    @Test
    void nextWhenLaterSecondThenSortsAfterEveryEarlierId() {
        List<String> made = new ArrayList<>();
        Instant start = Instant.parse("2026-12-06T14:30:15Z");
        for (int s = 0; s < 300; s++) {
            RecordIds ids = new RecordIds(Clock.fixed(start.plusSeconds(s), ZoneOffset.UTC), RANDOM);
            for (int i = 0; i < 5; i++) {
                made.add(ids.next());
            }
        }
        for (int i = 5; i < made.size(); i++) {
            String previousSecondsLast = made.get(i / 5 * 5 - 1);
            assertThat(made.get(i)).isGreaterThan(previousSecondsLast);
        }
    }
}
