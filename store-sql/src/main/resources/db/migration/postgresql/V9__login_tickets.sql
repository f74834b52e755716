-- Login tickets of cross-origin authentication (POST /co/authenticate, redeemed once by /authorize), by SHA-256 of
-- the ticket. used_at is set by the one redemption; rows are deleted once expired.
CREATE TABLE login_tickets (
    ticket_hash   BYTEA   PRIMARY KEY,
    client_id     TEXT   NOT NULL,
    user_id       TEXT   NOT NULL,
    origin        TEXT,
    co_id         TEXT   NOT NULL,
    verifier_hash BYTEA   NOT NULL,
    auth_time     BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT
);
CREATE INDEX login_tickets_by_expiry ON login_tickets (expires_at);
