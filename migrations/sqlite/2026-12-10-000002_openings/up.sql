-- Unblocking a stuck team, and the coach's guide of a challenge.

-- A challenge a coach or an organizer opened for one team without the solve before it.
-- `skipped_challenge_id` is the challenge the team was on (its current one: the first unsolved
-- one open to it) when it was opened, and `stuck_seconds` how long the team had been on it;
-- NULL and 0 when it was on none. One opening per team and challenge.
CREATE TABLE staff_openings (
    id                    TEXT PRIMARY KEY NOT NULL,
    event_id              TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    team_id               TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    challenge_id          TEXT NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    skipped_challenge_id  TEXT REFERENCES challenges(id) ON DELETE SET NULL,
    stuck_seconds         BIGINT NOT NULL DEFAULT 0,
    reason                TEXT NOT NULL,
    opened_by             TEXT NOT NULL REFERENCES users(id),
    created_at            TIMESTAMP NOT NULL,
    UNIQUE (team_id, challenge_id)
);
CREATE INDEX staff_openings_event_idx ON staff_openings(event_id, created_at);

-- The live version's `coach.md` (Markdown), stored at publish like `statement`: for the
-- event's coaches and organizers only. NULL: the package has none.
ALTER TABLE challenges ADD COLUMN coach_guide TEXT;
