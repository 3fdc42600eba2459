-- The live layer: team chat, shared documents (Yjs updates, append-only, compacted into a
-- snapshot), help calls, announcements, the team activity feed, and presence (one row per open
-- team-channel connection, owned by the instance serving it).

CREATE TABLE chat_messages (
    id          TEXT PRIMARY KEY NOT NULL,  -- UUIDv7: orders messages, pages history
    team_id     TEXT NOT NULL REFERENCES teams(id),
    author_id   TEXT NOT NULL REFERENCES users(id),
    text        TEXT NOT NULL,              -- raw Markdown; clients render it safely
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX chat_messages_team_idx ON chat_messages(team_id, id);

CREATE TABLE documents (
    id            TEXT PRIMARY KEY NOT NULL,
    team_id       TEXT NOT NULL REFERENCES teams(id),
    title         TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    deleted_at    TIMESTAMP,
    -- Every update with seq <= snapshot_seq, merged into one Yjs v1 update.
    snapshot      BLOB NOT NULL,
    snapshot_seq  BIGINT NOT NULL DEFAULT 0,
    -- The last seq handed out: bumping it locks the row, which serializes appends.
    last_seq      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX documents_team_idx ON documents(team_id);

CREATE TABLE document_updates (
    document_id TEXT NOT NULL REFERENCES documents(id),
    seq         BIGINT NOT NULL,
    data        BLOB NOT NULL,              -- one Yjs v1 update
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (document_id, seq)
);

CREATE TABLE help_calls (
    id               TEXT PRIMARY KEY NOT NULL,
    team_id          TEXT NOT NULL REFERENCES teams(id),
    event_id         TEXT NOT NULL REFERENCES events(id),
    raised_by        TEXT NOT NULL REFERENCES users(id),
    context          TEXT NOT NULL,
    raised_at        TIMESTAMP NOT NULL,
    acknowledged_by  TEXT REFERENCES users(id),
    acknowledged_at  TIMESTAMP,
    resolved_by      TEXT REFERENCES users(id),
    resolved_at      TIMESTAMP
);
CREATE INDEX help_calls_team_idx ON help_calls(team_id, raised_at);
CREATE INDEX help_calls_event_idx ON help_calls(event_id, raised_at);

CREATE TABLE announcements (
    id          TEXT PRIMARY KEY NOT NULL,
    event_id    TEXT NOT NULL REFERENCES events(id),
    author_id   TEXT NOT NULL REFERENCES users(id),
    text        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX announcements_event_idx ON announcements(event_id, id);

-- What happened in a team (submissions, verdicts, unlocks, members, coaches), as pushed.
CREATE TABLE live_activity (
    id          TEXT PRIMARY KEY NOT NULL,
    team_id     TEXT NOT NULL REFERENCES teams(id),
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,              -- the JSON pushed to the team channel
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX live_activity_team_idx ON live_activity(team_id, id);

CREATE TABLE live_presence (
    connection_id TEXT PRIMARY KEY NOT NULL,
    instance_id   TEXT NOT NULL,
    team_id       TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    role          TEXT NOT NULL,            -- member | coach | organizer
    document_id   TEXT,
    state         TEXT NOT NULL,            -- active | idle
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX live_presence_team_idx ON live_presence(team_id);
CREATE INDEX live_presence_instance_idx ON live_presence(instance_id);

-- Instances heartbeat here; presence rows of an instance silent for too long are ignored.
CREATE TABLE live_instances (
    id       TEXT PRIMARY KEY NOT NULL,
    seen_at  TIMESTAMP NOT NULL
);
