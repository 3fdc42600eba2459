-- Portal-wide settings (the token signing key generated on first start lives here, so that
-- every instance on one database signs and verifies with the same key).
CREATE TABLE settings (
    key         TEXT PRIMARY KEY NOT NULL,
    value       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- A log-in session: the family of refresh tokens issued from one log-in. Access tokens name
-- their session, so revoking it (log-out, refresh-token reuse) ends them at once.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX sessions_user_idx ON sessions(user_id);

-- Refresh tokens are random; only their SHA-256 is stored. Each is used once: using one
-- marks it rotated and issues the next of the family.
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    expires_at  TIMESTAMP NOT NULL,
    rotated_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens(session_id);
