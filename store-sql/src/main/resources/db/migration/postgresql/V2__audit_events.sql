-- Audit events (docs/security.md §6): one row per security-relevant fact, for the management API. The phone is
-- masked before it gets here (AuditEvent refuses more than four digits), so a copy of this table holds no numbers.
CREATE TABLE audit_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time         BIGINT  NOT NULL,
    type         TEXT    NOT NULL,
    client_id    TEXT,
    masked_phone TEXT,
    ip           TEXT,
    country      TEXT,
    outcome      TEXT    NOT NULL,
    detail       TEXT
);
CREATE INDEX audit_events_by_time ON audit_events (time);
