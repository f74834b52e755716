-- Times are epoch milliseconds (BIGINT) so that the same SQL serves SQLite and PostgreSQL.
CREATE TABLE challenges (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    client_id    TEXT    NOT NULL,
    phone        TEXT    NOT NULL,
    code_hash    BYTEA   NOT NULL,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    state        TEXT    NOT NULL
);
CREATE INDEX challenges_by_phone ON challenges (client_id, phone, state);
CREATE INDEX challenges_by_expiry ON challenges (expires_at);

CREATE TABLE users (
    id           TEXT   PRIMARY KEY,
    phone        TEXT   NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    last_login   BIGINT,
    last_ip      TEXT,
    logins_count BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE access_tokens (
    token_hash BYTEA  PRIMARY KEY,
    user_id    TEXT   NOT NULL,
    client_id  TEXT   NOT NULL,
    scope      TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked    SMALLINT NOT NULL DEFAULT 0
);
CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at);

CREATE TABLE refresh_tokens (
    token_hash BYTEA  PRIMARY KEY,
    family_id  TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    client_id  TEXT   NOT NULL,
    scope      TEXT   NOT NULL,
    audience   TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    revoked    SMALLINT NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);

CREATE TABLE signing_keys (
    kid        TEXT   PRIMARY KEY,
    jwk        TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    active_at  BIGINT NOT NULL,
    retired_at BIGINT
);
