-- Rate limits shared by every node (JdbcRateLimiter, JdbcSlidingWindowCounter). V3 because V2 is the audit table.
-- Only PostgreSQL has these tables: the embedded store is single-node and keeps its limits in memory.

-- One token bucket per limit and key. full_at is the instant (epoch microseconds, on the nodes' clocks) the bucket
-- is full again; a bucket at or past full_at is the same as no row, so rows are deleted once full.
-- No index on full_at: the sweep is one sequential scan a minute over a table bounded by the keys limited recently,
-- while an index on a column every acquisition updates would rule out HOT updates on the hot path. fillfactor 80
-- leaves room on each page for those HOT updates.
CREATE TABLE rate_limit_buckets (
    bucket_key TEXT   PRIMARY KEY,
    full_at    BIGINT NOT NULL
) WITH (fillfactor = 80);

-- Event counts per key and time slice, for the pumping breaker's rolling windows. forget_at (epoch ms) is when a
-- slice has left its window for good; the sweep deletes by it. It never changes after the insert, so increments
-- stay HOT updates despite the index.
CREATE TABLE rate_limit_counters (
    counter_key TEXT   NOT NULL,
    slice       BIGINT NOT NULL,
    events      BIGINT NOT NULL,
    forget_at   BIGINT NOT NULL,
    PRIMARY KEY (counter_key, slice)
) WITH (fillfactor = 80);
CREATE INDEX rate_limit_counters_by_forget_at ON rate_limit_counters (forget_at);
