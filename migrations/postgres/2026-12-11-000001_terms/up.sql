-- Participation terms: an event's terms, numbered 1, 2, … as their text changes (the latest
-- row is the current text; an empty text means the event asks for none), each person's
-- acceptance of a version (with its time), and each person's choice whether the report may
-- print their name next to their words.

CREATE TABLE event_terms (
    event_id    TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    text        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, version)
);

-- One row per person and version they accepted; accepting a newer version adds a row.
CREATE TABLE terms_acceptances (
    event_id     TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    accepted_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id, version)
);
CREATE INDEX terms_acceptances_user_idx ON terms_acceptances(user_id);

-- Whether the report may name the person next to their words at this event (no row: no).
CREATE TABLE report_names (
    event_id        TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name_in_report  BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX report_names_user_idx ON report_names(user_id);
