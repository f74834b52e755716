-- Hosted login (docs/hosted-login.md): authorization codes, server sessions and login transactions. Each is stored
-- by the SHA-256 of its secret value (the code, the session cookie, the transaction id), never the value itself.

-- A code is single use: used_at is set by the first exchange; a second one sets replayed and revokes the tokens
-- whose hashes the first recorded. Rows are deleted a few minutes after expires_at.
CREATE TABLE authorization_codes (
    code_hash          BLOB   PRIMARY KEY,
    client_id          TEXT   NOT NULL,
    user_id            TEXT   NOT NULL,
    redirect_uri       TEXT   NOT NULL,
    code_challenge     TEXT,
    scope              TEXT   NOT NULL,
    audience           TEXT,
    nonce              TEXT,
    auth_time          BIGINT NOT NULL,
    sid                TEXT,
    expires_at         BIGINT NOT NULL,
    used_at            BIGINT,
    replayed           INTEGER NOT NULL DEFAULT 0,
    refresh_token_hash BLOB,
    access_token_hash  BLOB
);
CREATE INDEX authorization_codes_by_expiry ON authorization_codes (expires_at);

-- idle_expires_at never passes expires_at (the absolute end), so it alone says whether a session is live.
CREATE TABLE sessions (
    id_hash         BLOB   PRIMARY KEY,
    sid             TEXT   NOT NULL,
    user_id         TEXT   NOT NULL,
    auth_time       BIGINT NOT NULL,
    idle_expires_at BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_idle_expiry ON sessions (idle_expires_at);

-- params holds the validated /authorize parameters, form-encoded.
CREATE TABLE login_transactions (
    id_hash      BLOB   PRIMARY KEY,
    client_id    TEXT   NOT NULL,
    params       TEXT   NOT NULL,
    browser_hash BLOB,
    sid          TEXT,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX login_transactions_by_expiry ON login_transactions (expires_at);

-- A refresh-token family remembers the sign-in it came from, so that a refreshed id_token carries auth_time (an app
-- that sent max_age checks it on every id_token) and sid. Null for families of the API's code exchanges.
ALTER TABLE refresh_tokens ADD COLUMN auth_time BIGINT;
ALTER TABLE refresh_tokens ADD COLUMN sid TEXT;
