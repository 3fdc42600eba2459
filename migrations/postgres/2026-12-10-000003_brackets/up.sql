-- Brackets: an event may rank its teams in separate brackets ("On site", "Remote") besides
-- the full board. The event's brackets are listed in order; every team of an event with
-- brackets belongs to exactly one of them (chosen at creation, changed by organizers).

CREATE TABLE event_brackets (
    event_id  TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (event_id, name)
);

-- A team's bracket. The foreign key to the event's list keeps a bracket that still has teams
-- from being removed (the model refuses that first, with a clear error).
CREATE TABLE team_brackets (
    team_id   TEXT PRIMARY KEY NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    event_id  TEXT NOT NULL,
    bracket   TEXT NOT NULL,
    FOREIGN KEY (event_id, bracket) REFERENCES event_brackets(event_id, name)
);
CREATE INDEX team_brackets_event_idx ON team_brackets(event_id, bracket);
