-- Accounts: one-time password reset links, personal API tokens, and e-mail domains mapped to
-- organizations. Secrets are stored as their SHA-256 only, like refresh tokens and cookies.

-- A reset link a portal organizer issued (`issued_by`; NULL from the command line): valid
-- once (`used_at`) until `expires_at`.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    issued_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX password_resets_user_idx ON password_resets(user_id);

-- A named token a user made for scripts (`cohack challenge publish`). It belongs to a session
-- of its own, so revoking it, or anything that ends the user's sessions, ends it.
CREATE TABLE personal_tokens (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    expires_at    TIMESTAMP,
    last_used_at  TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX personal_tokens_user_idx ON personal_tokens(user_id);

-- A sign-up whose e-mail is at `domain` (lower case) gets this organization picked.
CREATE TABLE organization_domains (
    domain           TEXT PRIMARY KEY NOT NULL,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX organization_domains_org_idx ON organization_domains(organization_id);
