-- The admin console's provider figures (docs/management.md#console): every node adds its SMS send attempts here,
-- a few rows every few seconds, so the dashboard counts every node's. One row per UTC day, provider, outcome
-- ('sent' or the failure's kind) and latency bucket (le_ms: the bucket's upper bound in milliseconds), with the
-- attempts, their summed latency and the longest one. Percentiles come from the buckets.
CREATE TABLE sms_provider_stats (
    day      BIGINT NOT NULL,
    provider TEXT   NOT NULL,
    outcome  TEXT   NOT NULL,
    le_ms    BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    total_ms BIGINT NOT NULL,
    max_ms   BIGINT NOT NULL,
    PRIMARY KEY (day, provider, outcome, le_ms)
);
