-- A reward on every solve: the event's settings, a team's location on site, the reward a
-- challenge names, the `runner` role, and the deliveries themselves.

-- `rewards`: a team's first solve of a challenge earns a reward. `hold_rewards_until_end`:
-- deliveries made while the public board is frozen reach the runners only at the end.
-- `remote_reward`: the words a team without a location (a remote team) reads instead.
ALTER TABLE events ADD COLUMN rewards BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN hold_rewards_until_end BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN remote_reward TEXT NOT NULL DEFAULT '';

-- Where a team sits on site (a table or a room); NULL: a remote team.
ALTER TABLE teams ADD COLUMN location TEXT;

-- The reward the live version's manifest names (NULL: none), and the event's own words for
-- it, which win over the manifest's (NULL: none).
ALTER TABLE challenges ADD COLUMN reward TEXT;
ALTER TABLE challenges ADD COLUMN event_reward TEXT;

-- `runner` joins the roles. SQLite cannot change a CHECK constraint: the table is rebuilt.
CREATE TABLE event_roles_new (
    event_id    TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL CHECK (role IN ('organizer', 'author', 'engineer', 'participant', 'runner')),
    granted_by  TEXT REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id, role)
);
INSERT INTO event_roles_new (event_id, user_id, role, granted_by, created_at)
    SELECT event_id, user_id, role, granted_by, created_at FROM event_roles;
DROP TABLE event_roles;
ALTER TABLE event_roles_new RENAME TO event_roles;
CREATE INDEX event_roles_user_idx ON event_roles(user_id);

-- A team's first counted solve of a challenge while the event gives rewards: one row per team
-- and challenge (the key is what makes it one). `location` is the team's when it solved;
-- NULL for a remote team, whose reward the organizers fulfil after the event. A runner marks
-- an on-site one delivered (`delivered_at`, `delivered_by`). An open row whose solve a rejudge
-- took back is deleted; a delivered one stays.
CREATE TABLE rewards (
    id             TEXT PRIMARY KEY NOT NULL,
    event_id       TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    team_id        TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    challenge_id   TEXT NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    location       TEXT,
    reward         TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    delivered_at   TIMESTAMP,
    delivered_by   TEXT REFERENCES users(id),
    UNIQUE (team_id, challenge_id)
);
CREATE INDEX rewards_event_idx ON rewards(event_id, created_at);
