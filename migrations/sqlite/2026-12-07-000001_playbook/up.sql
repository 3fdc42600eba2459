-- The coach's playbook: hints, questions (clarifications), nudges for teams over their
-- expected time, coach sign-off, and the event settings that go with them (how hint costs are
-- taken, names on the public board, the event's home time zone).

-- Event settings. `hint_cost`: 'on_solve' (a hint's cost is taken only once the team solves
-- the challenge) or 'always'. `board_names`: 'teams' or 'aliases' (the public board and big
-- screen show only team aliases). `time_zone`: an IANA zone name, the event's home.
ALTER TABLE events ADD COLUMN hint_cost TEXT NOT NULL DEFAULT 'on_solve';
ALTER TABLE events ADD COLUMN board_names TEXT NOT NULL DEFAULT 'teams';
ALTER TABLE events ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

-- The name a team shows on an aliased board (NULL: one is derived from the team's place).
ALTER TABLE teams ADD COLUMN alias TEXT;

-- From the live version's manifest, stored at publish like `statement`: the hints as a JSON
-- array of {"title", "cost", "text"}, the minutes a team is expected to need (NULL: no
-- expectation), and who confirms a pass ('none' or 'coach').
ALTER TABLE challenges ADD COLUMN hints TEXT NOT NULL DEFAULT '[]';
ALTER TABLE challenges ADD COLUMN expected_minutes INTEGER;
ALTER TABLE challenges ADD COLUMN sign_off TEXT NOT NULL DEFAULT 'none';

-- A hint a team unlocked: `hint_index` into the challenge's hints, with the cost as it was
-- when unlocked (a later version of the package does not change what a team was charged).
CREATE TABLE hint_unlocks (
    team_id       TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    challenge_id  TEXT NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    hint_index    INTEGER NOT NULL,
    cost          INTEGER NOT NULL,
    unlocked_by   TEXT NOT NULL REFERENCES users(id),
    unlocked_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, challenge_id, hint_index)
);
CREATE INDEX hint_unlocks_challenge_idx ON hint_unlocks(challenge_id);

-- A team's question about a challenge. `state`: 'open', 'answered' or 'duplicate'. An answer
-- goes `answer_to` 'team' (only the asking team reads it) or 'everyone' (every team of the
-- event reads it, without who asked). A duplicate points at the answered question it repeats.
CREATE TABLE questions (
    id            TEXT PRIMARY KEY NOT NULL,
    event_id      TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    team_id       TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    challenge_id  TEXT NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    asked_by      TEXT NOT NULL REFERENCES users(id),
    text          TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'open',
    answer        TEXT,
    answer_to     TEXT,
    answered_by   TEXT REFERENCES users(id),
    answered_at   TIMESTAMP,
    duplicate_of  TEXT REFERENCES questions(id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX questions_event_idx ON questions(event_id, state, created_at);
CREATE INDEX questions_team_idx ON questions(team_id, created_at);
CREATE INDEX questions_challenge_idx ON questions(challenge_id);

-- Answers organizers keep ready per challenge.
CREATE TABLE canned_answers (
    id            TEXT PRIMARY KEY NOT NULL,
    challenge_id  TEXT NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    text          TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX canned_answers_challenge_idx ON canned_answers(challenge_id);

-- A team passed a challenge's expected time: its coaches were nudged, once per team and
-- challenge (the primary key is what makes it once, across instances).
CREATE TABLE nudges (
    team_id           TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    challenge_id      TEXT NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    expected_minutes  INTEGER NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, challenge_id)
);

-- A validator pass on a `sign_off = "coach"` challenge, waiting for or decided by a coach or
-- organizer. `state`: 'awaiting', 'approved' or 'rejected'. An approved pass counts as a solve
-- at `decided_at`; a rejection's comment goes back to the team.
CREATE TABLE sign_offs (
    submission_id  TEXT PRIMARY KEY NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    team_id        TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    challenge_id   TEXT NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    state          TEXT NOT NULL DEFAULT 'awaiting',
    comment        TEXT NOT NULL DEFAULT '',
    decided_by     TEXT REFERENCES users(id),
    decided_at     TIMESTAMP,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX sign_offs_team_idx ON sign_offs(team_id, challenge_id);
CREATE INDEX sign_offs_state_idx ON sign_offs(challenge_id, state);
