-- The insight loop: coaches' notes on a team and a challenge, participants' feedback on a
-- challenge, and when each team first opened each challenge (statement or materials).

CREATE TABLE coach_notes (
    id            TEXT PRIMARY KEY NOT NULL,
    team_id       TEXT NOT NULL REFERENCES teams(id),
    challenge_id  TEXT NOT NULL REFERENCES challenges(id),
    author_id     TEXT NOT NULL REFERENCES users(id),
    text          TEXT NOT NULL,
    tags          TEXT NOT NULL,   -- JSON array of lower-case tags
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX coach_notes_team_idx ON coach_notes(team_id, created_at);
CREATE INDEX coach_notes_challenge_idx ON coach_notes(challenge_id);

CREATE TABLE challenge_feedback (
    id            TEXT PRIMARY KEY NOT NULL,
    team_id       TEXT NOT NULL REFERENCES teams(id),
    challenge_id  TEXT NOT NULL REFERENCES challenges(id),
    user_id       TEXT NOT NULL REFERENCES users(id),
    difficulty    INTEGER NOT NULL CHECK (difficulty BETWEEN 1 AND 5),
    text          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX challenge_feedback_team_idx ON challenge_feedback(team_id, created_at);
CREATE INDEX challenge_feedback_challenge_idx ON challenge_feedback(challenge_id);

CREATE TABLE challenge_opens (
    team_id       TEXT NOT NULL REFERENCES teams(id),
    challenge_id  TEXT NOT NULL REFERENCES challenges(id),
    opened_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, challenge_id)
);

-- The cliffs report reads every attempt of an event's challenges.
CREATE INDEX submissions_challenge_created_idx ON submissions(challenge_id, created_at);
