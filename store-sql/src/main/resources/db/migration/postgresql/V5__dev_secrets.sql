-- Secrets that dev mode generates for itself (the code HMAC key), kept in the database so that every node on a
-- shared database uses the same one. Production mode never writes here: it requires configured secrets.
CREATE TABLE dev_secrets (
    name       TEXT   PRIMARY KEY,
    value      TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
