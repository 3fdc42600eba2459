-- Each person's data rights: an erasure is itself recorded, with no personal data of the
-- erased person (not their name, e-mail or account id): when, and who asked for it —
-- `self` (DELETE /api/v1/me), `admin CLI` (`cohack admin erase-user`), or the acting
-- organizer's user id.
CREATE TABLE erasures (
    id          TEXT PRIMARY KEY NOT NULL,
    erased_by   TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX erasures_created_idx ON erasures(created_at);
