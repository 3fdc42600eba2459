-- Sign-in through OpenID Connect providers, and e-mail addresses proven by their owner.

-- `email_verified`: the address was proven (a verified identity said so, or the person opened
-- a mailed link); only then may it map the account to an organization or link an identity.
-- `is_staff`: the person signed in through a provider marked `staff` (the vendor's own).
-- `organization_verified`: the organization came from a verified identity (its claim, or a
-- verified e-mail's mapped domain), not from what the person typed.
-- An account without a password (created through a provider) has an empty `password_hash`.
ALTER TABLE users ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN is_staff BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN organization_verified BOOLEAN NOT NULL DEFAULT 0;

-- An identity at a provider: (issuer, subject) names a person, never the e-mail.
CREATE TABLE identities (
    id              TEXT PRIMARY KEY NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider        TEXT NOT NULL,
    issuer          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    email           TEXT NOT NULL,
    email_verified  BOOLEAN NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    last_used_at    TIMESTAMP NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE INDEX identities_user_idx ON identities(user_id);

-- A sign-in started at `GET /auth/oidc/{id}` and not yet ended: found by its `state`
-- (stored hashed, used once, short-lived), bound to the browser that started it
-- (`browser_hash`: the hash of a cookie), so that any instance can end it.
-- `link_user_id`: a signed-in person linking one more identity from the account page.
CREATE TABLE oidc_flows (
    state_hash     TEXT PRIMARY KEY NOT NULL,
    provider       TEXT NOT NULL,
    browser_hash   TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    next_path      TEXT NOT NULL,
    link_user_id   TEXT REFERENCES users(id) ON DELETE CASCADE,
    expires_at     TIMESTAMP NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX oidc_flows_expires_idx ON oidc_flows(expires_at);

-- A session started through a provider: its identity, the provider's session id (`sid`,
-- named by back-channel logout) and the ID token (the hint of RP-initiated logout).
CREATE TABLE oidc_sessions (
    session_id   TEXT PRIMARY KEY NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    identity_id  TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    sid          TEXT,
    id_token     TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX oidc_sessions_identity_idx ON oidc_sessions(identity_id);

-- A mailed link proving an account's e-mail: valid once until `expires_at`, for the address
-- the account had when it was sent.
CREATE TABLE email_verifications (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX email_verifications_user_idx ON email_verifications(user_id);
