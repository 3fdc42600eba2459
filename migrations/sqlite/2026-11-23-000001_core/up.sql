-- The core of the cohack domain. Identifiers are text (UUIDv7), times are UTC timestamps,
-- booleans are integers 0/1 in SQLite; the PostgreSQL migration gives every column the same
-- meaning so that one diesel schema serves both backends.

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id                  TEXT PRIMARY KEY NOT NULL,
    email               TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    organization_id     TEXT NOT NULL REFERENCES organizations(id),
    is_portal_organizer BOOLEAN NOT NULL DEFAULT 0,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX users_organization_idx ON users(organization_id);

CREATE TABLE events (
    id              TEXT PRIMARY KEY NOT NULL,
    slug            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    starts_at       TIMESTAMP NOT NULL,
    ends_at         TIMESTAMP NOT NULL,
    freeze_at       TIMESTAMP,
    registration    TEXT NOT NULL CHECK (registration IN ('open', 'invite')),
    invite_code     TEXT,
    team_size_min   INTEGER NOT NULL DEFAULT 1,
    team_size_max   INTEGER NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- Per-event roles: organizer, author, engineer (coach), participant.
CREATE TABLE event_roles (
    event_id    TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL CHECK (role IN ('organizer', 'author', 'engineer', 'participant')),
    granted_by  TEXT REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id, role)
);
CREATE INDEX event_roles_user_idx ON event_roles(user_id);

CREATE TABLE teams (
    id          TEXT PRIMARY KEY NOT NULL,
    event_id    TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    invite_code TEXT NOT NULL UNIQUE,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (event_id, name)
);

-- One team per person per event: the (event_id, user_id) key enforces it in the database.
CREATE TABLE team_members (
    team_id     TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id),
    event_id    TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    joined_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, user_id),
    UNIQUE (event_id, user_id)
);

CREATE TABLE team_coaches (
    team_id     TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id),
    assigned_by TEXT REFERENCES users(id),
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_coaches_user_idx ON team_coaches(user_id);

CREATE TABLE challenges (
    id              TEXT PRIMARY KEY NOT NULL,
    event_id        TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    slug            TEXT NOT NULL,
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL DEFAULT '',
    position        INTEGER NOT NULL,
    points          INTEGER NOT NULL,
    statement       TEXT NOT NULL,
    always_open     BOOLEAN NOT NULL DEFAULT 0,
    -- JSON object: per-event settings fed to the validator's `config`.
    config          TEXT NOT NULL DEFAULT '{}',
    -- JSON object: the package's limit overrides, capped by the server maximum at run time.
    limits          TEXT NOT NULL DEFAULT '{}',
    live_version_id TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (event_id, slug),
    UNIQUE (event_id, position)
);

-- Validator components, stored once by content hash (sha256, hex).
CREATE TABLE validator_blobs (
    hash        TEXT PRIMARY KEY NOT NULL,
    wasm        BLOB NOT NULL,
    size_bytes  BIGINT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE validator_versions (
    id              TEXT PRIMARY KEY NOT NULL,
    challenge_id    TEXT NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    blob_hash       TEXT NOT NULL REFERENCES validator_blobs(hash),
    -- JSON: the manifest as published, and the server's own re-run of the samples.
    manifest        TEXT NOT NULL,
    sample_report   TEXT NOT NULL,
    published_by    TEXT NOT NULL REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (challenge_id, version)
);

-- A submission is stored before it is judged: status 'pending' until a verdict is recorded.
CREATE TABLE submissions (
    id              TEXT PRIMARY KEY NOT NULL,
    team_id         TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    challenge_id    TEXT NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    submitted_by    TEXT NOT NULL REFERENCES users(id),
    answer          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('pending', 'judged', 'validator_error')),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX submissions_team_challenge_idx ON submissions(team_id, challenge_id, created_at);
CREATE INDEX submissions_challenge_idx ON submissions(challenge_id);
CREATE INDEX submissions_pending_idx ON submissions(status);

CREATE TABLE submission_files (
    submission_id   TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    path            TEXT NOT NULL,
    content         BLOB NOT NULL,
    PRIMARY KEY (submission_id, path)
);

-- One row per judging of a submission (a rejudge adds one); `is_current` marks the one that counts.
CREATE TABLE verdicts (
    id                  TEXT PRIMARY KEY NOT NULL,
    submission_id       TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    validator_version_id TEXT NOT NULL REFERENCES validator_versions(id),
    is_current          BOOLEAN NOT NULL,
    passed              BOOLEAN NOT NULL,
    score               INTEGER NOT NULL,
    max_score           INTEGER NOT NULL,
    feedback            TEXT NOT NULL,
    -- JSON array of {name, passed, message}.
    checks              TEXT NOT NULL,
    notes               TEXT NOT NULL,
    -- Set when the validator failed (trap, out_of_fuel, timeout, memory, invalid_output).
    error_kind          TEXT,
    error_detail        TEXT,
    -- JSON array of {level, message}: the run's bounded log.
    logs                TEXT NOT NULL,
    fuel_used           BIGINT NOT NULL,
    duration_us         BIGINT NOT NULL,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX verdicts_submission_idx ON verdicts(submission_id, is_current);
