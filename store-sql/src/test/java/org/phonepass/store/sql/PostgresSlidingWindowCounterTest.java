package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.limits.SlidingWindowCounterContract;
import org.phonepass.testkit.MutableClock;

/** The counter contract against PostgreSQL, plus the sweep that keeps its table bounded. */
class PostgresSlidingWindowCounterTest extends SlidingWindowCounterContract {
    private SqlStorage storage;
    private String prefix;

    @Override
    protected SlidingWindowCounter newCounter(MutableClock clock) {
        storage = PostgresDatabase.get("rate-limits");
        prefix = UUID.randomUUID() + "/";
        JdbcSlidingWindowCounter inner = storage.slidingWindowCounter(clock, WINDOW, 12);
        // A fresh key prefix per test: the database is shared by the tests of this class.
        return new SlidingWindowCounter() {
            @Override
            public Duration window() {
                return inner.window();
            }

            @Override
            public void increment(String key) {
                inner.increment(prefix + key);
            }

            @Override
            public long count(String key) {
                return inner.count(prefix + key);
            }
        };
    }

    @Override
    protected Duration slice() {
        return Duration.ofMinutes(5);
    }

    @Test
    void deleteForgottenDropsSlicesNoCountCanSeeAndKeepsTheRest() {
        JdbcSlidingWindowCounter raw = storage.slidingWindowCounter(clock, WINDOW, 12);
        for (int i = 0; i < 48; i++) {
            counter.increment("k");
            clock.advance(Duration.ofMinutes(5));
        }
        long before = counter.count("k");
        raw.deleteForgotten();
        long rows = storage.jdbc().withConnection(c -> {
            try (var ps = Jdbc.prepare(
                            c,
                            "SELECT count(*) FROM rate_limit_counters WHERE counter_key LIKE ?",
                            "%" + prefix + "%");
                    var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(rows).isLessThanOrEqualTo(13);
        assertThat(counter.count("k")).isEqualTo(before).isEqualTo(12);
    }
}
