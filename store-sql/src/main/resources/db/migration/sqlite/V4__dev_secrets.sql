-- Secrets that dev mode generates for itself (the code HMAC key), kept in the database beside the signing keys it
-- already holds in dev mode. Production mode never writes here: it requires configured secrets.
CREATE TABLE dev_secrets (
    name       TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
