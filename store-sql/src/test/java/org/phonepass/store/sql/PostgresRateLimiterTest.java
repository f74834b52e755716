package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.ratelimit.Limit;
import org.phonepass.core.ratelimit.RateLimiter;
import org.phonepass.limits.RateLimiterContract;
import org.phonepass.testkit.MutableClock;

/** The limiter contract against PostgreSQL, plus the sweep of full buckets and the sharing between nodes. */
class PostgresRateLimiterTest extends RateLimiterContract {
    private SqlStorage storage;
    private String namespace;

    /**
     * Every test gets an empty limiter: its own database would cost a CREATE DATABASE each, so instead each limiter
     * sees its own keys through a clock-independent namespace, a fresh key prefix wrapped around the real limiter.
     */
    @Override
    protected RateLimiter newLimiter(MutableClock clock) {
        storage = PostgresDatabase.get("rate-limits");
        namespace = UUID.randomUUID() + "/";
        return new Namespaced(storage.rateLimiter(clock), namespace);
    }

    @Override
    protected SlidingWindowCounter newSiblingCounter(MutableClock clock) {
        JdbcSlidingWindowCounter inner = storage.slidingWindowCounter(clock, Duration.ofHours(1), 12);
        String prefix = namespace;
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

    @Test
    void deleteFullRemovesOnlyBucketsThatRefilledCompletely() {
        JdbcRateLimiter raw = storage.rateLimiter(clock);
        String tag = UUID.randomUUID().toString();
        Limit lock = new Limit("contract_sweep", 1, Duration.ofMinutes(10));
        raw.tryAcquire(tag + "-old", lock);
        clock.advance(Duration.ofMinutes(6));
        raw.tryAcquire(tag + "-new", lock);
        clock.advance(Duration.ofMinutes(5));

        raw.deleteFull();

        long left = storage.jdbc().withConnection(c -> {
            try (var ps = Jdbc.prepare(
                            c, "SELECT count(*) FROM rate_limit_buckets WHERE bucket_key LIKE ?", "%" + tag + "%");
                    var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(left).isEqualTo(1);
        assertThat(raw.peek(tag + "-old", lock).allowed()).isTrue();
        assertThat(raw.peek(tag + "-new", lock).allowed()).isFalse();
    }

    @Test
    void twoNodesWithTheirOwnPoolsShareOneBucket() {
        JdbcRateLimiter nodeA = storage.rateLimiter(clock);
        // A second node: another connection pool on the same database.
        SqlStorage other = PostgresDatabase.second("rate-limits");
        JdbcRateLimiter nodeB = other.rateLimiter(clock);
        String key = UUID.randomUUID().toString();
        Limit three = new Limit("contract_three", 3, Duration.ofHours(1));
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            if ((i % 2 == 0 ? nodeA : nodeB).tryAcquire(key, three).allowed()) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(3);
    }

    /** Prefixes every key, so that tests sharing one database never see each other's buckets. */
    private record Namespaced(RateLimiter inner, String prefix) implements RateLimiter {
        @Override
        public org.phonepass.core.ratelimit.Decision tryAcquire(String key, Limit limit) {
            return inner.tryAcquire(prefix + key, limit);
        }

        @Override
        public org.phonepass.core.ratelimit.Decision peek(String key, Limit limit) {
            return inner.peek(prefix + key, limit);
        }

        @Override
        public void refund(String key, Limit limit, long tokens) {
            inner.refund(prefix + key, limit, tokens);
        }

        @Override
        public void reset(String key, Limit limit) {
            inner.reset(prefix + key, limit);
        }

        /** The counter is namespaced already; the limiter's own transaction still wraps both. */
        @Override
        public void resetAndCount(List<Reset> resets, SlidingWindowCounter counter, List<String> counts) {
            inner.resetAndCount(
                    resets.stream()
                            .map(r -> new Reset(prefix + r.key(), r.limit()))
                            .toList(),
                    counter,
                    counts);
        }
    }
}
