-- The closing survey: an event's questions (NULL: the default set), when it opens (NULL: the
-- event's end), the answers, and who has answered or dismissed it.

CREATE TABLE event_surveys (
    event_id   TEXT PRIMARY KEY NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    questions  TEXT,
    opens_at   TIMESTAMP
);

-- Anonymous answers: the respondent's organization and event role only. No user, no time,
-- and a random (not time-ordered) id, so that no answer can be tied back to the record of
-- who answered.
CREATE TABLE survey_responses (
    id               TEXT PRIMARY KEY NOT NULL,
    event_id         TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL,
    role             TEXT NOT NULL,
    answers          TEXT NOT NULL
);
CREATE INDEX survey_responses_event_idx ON survey_responses(event_id);

-- Who has answered (once only) or dismissed the survey's card; kept apart from the answers.
CREATE TABLE survey_participants (
    event_id  TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    answered  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX survey_participants_user_idx ON survey_participants(user_id);
