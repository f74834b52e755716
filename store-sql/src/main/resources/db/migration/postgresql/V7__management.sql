-- The management API (docs/management.md). Users can be blocked and carry Auth0's two metadata objects (JSON text).
ALTER TABLE users ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN user_metadata TEXT;
ALTER TABLE users ADD COLUMN app_metadata TEXT;
CREATE INDEX users_by_created_at ON users (created_at);
CREATE INDEX users_by_last_login ON users (last_login);
-- Tokens are ended per user when a user is blocked or deleted.
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
CREATE INDEX access_tokens_by_user ON access_tokens (user_id);
-- Logins and management writes name their user, for GET /api/v2/users/{id}/logs.
ALTER TABLE audit_events ADD COLUMN user_id TEXT;
CREATE INDEX audit_events_by_user ON audit_events (user_id, id);
-- Clients live here; the settings file's clients are written at start (source 'settings'), those created through
-- the API have source 'api'. definition is the client's settings as JSON; the secret is kept as its hash only.
CREATE TABLE clients (
    client_id   TEXT   PRIMARY KEY,
    source      TEXT   NOT NULL,
    definition  TEXT   NOT NULL,
    secret_hash TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
-- The SMS connection's options changed through the API, over the settings file's.
CREATE TABLE connection_settings (
    name       TEXT   PRIMARY KEY,
    options    TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One counter per kind of live configuration, raised in the transaction of every change: each node compares it
-- with the one it loaded, at most a second apart, and reloads when it moved.
CREATE TABLE config_versions (
    name    TEXT   PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO config_versions (name, version) VALUES ('clients', 0);
INSERT INTO config_versions (name, version) VALUES ('connection', 0);
