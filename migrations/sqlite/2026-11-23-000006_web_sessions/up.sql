-- A browser's log-in: the web UI keeps a random token in an HttpOnly cookie; only its SHA-256
-- is stored. It belongs to a session like an API log-in does, so signing out (or revoking the
-- session) ends the cookie and every access token the page was handed.
CREATE TABLE web_sessions (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    expires_at  TIMESTAMP NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX web_sessions_session_idx ON web_sessions(session_id);
