-- Reaching people where they are: one outbox for every mail and webhook delivery, the
-- organizer's webhooks, invitations by e-mail, reminders, and who opted out of them.

-- A delivery cohack has accepted to send. It is inserted in the same transaction as the
-- change that causes it, so nothing accepted is lost; a worker on some instance claims it
-- (`claimed_until`: a lease, so a crashed instance's claim runs out), sends it, and records
-- the outcome. `id` is stable across retries: the `webhook-id` header, the mail's Message-ID.
-- `channel`: 'mail' or 'webhook'. `target`: the webhook's id, or the recipient's address.
-- `payload`: JSON, as the channel defines it. `state`: 'queued', 'sent' or 'failed' (given
-- up after the retry window, `last_error` says why). `hold_until`: not sent before this time
-- (a delivery the public board must not reveal before the event's end).
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('mail', 'webhook')),
    event_id         TEXT REFERENCES events(id) ON DELETE CASCADE,
    target           TEXT NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    hold_until       TIMESTAMP,
    claimed_until    TIMESTAMP,
    last_error       TEXT,
    created_at       TIMESTAMP NOT NULL,
    sent_at          TIMESTAMP
);
CREATE INDEX outbox_due_idx ON outbox(state, next_attempt_at);
CREATE INDEX outbox_event_idx ON outbox(event_id, created_at);
CREATE INDEX outbox_target_idx ON outbox(target, created_at);

-- An organizer's subscription. `events`: a JSON array of event types
-- ('challenge.first_solve', 'challenge.solved', 'help.requested', 'event.phase',
-- 'report.ready'). `format`: 'standard' (Standard Webhooks, signed with `secret`, a
-- `whsec_` base64 key) or 'slack' ({"text": …}). `staff_only`: may receive what the frozen
-- public board hides, before the end.
CREATE TABLE webhooks (
    id           TEXT PRIMARY KEY NOT NULL,
    event_id     TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    events       TEXT NOT NULL,
    format       TEXT NOT NULL CHECK (format IN ('standard', 'slack')),
    secret       TEXT NOT NULL,
    staff_only   BOOLEAN NOT NULL DEFAULT 0,
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_event_idx ON webhooks(event_id);

-- An invitation mailed to an address: its link (stored as the SHA-256 of its token) signs the
-- person up or in, into the event, and into `team_id` or `role` when given. `state`:
-- 'active', 'accepted' or 'revoked'; whether its mail is queued, sent or failed is the state
-- of its latest outbox row (`outbox_id`).
CREATE TABLE invitations (
    id           TEXT PRIMARY KEY NOT NULL,
    event_id     TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    team_id      TEXT REFERENCES teams(id) ON DELETE SET NULL,
    role         TEXT,
    token_hash   TEXT NOT NULL UNIQUE,
    state        TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'accepted', 'revoked')),
    outbox_id    TEXT REFERENCES outbox(id) ON DELETE SET NULL,
    invited_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    accepted_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    expires_at   TIMESTAMP NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    accepted_at  TIMESTAMP
);
CREATE INDEX invitations_event_idx ON invitations(event_id, created_at);
CREATE INDEX invitations_email_idx ON invitations(email);

-- Reminders and the end-of-event report go out once per event and kind ('day', 'hour',
-- 'report'), across instances: the instance whose insert succeeds enqueues them.
CREATE TABLE event_mailings (
    event_id  TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    sent_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, kind)
);

-- A person who does not want reminders (their account page; the List-Unsubscribe link).
ALTER TABLE users ADD COLUMN reminders_opt_out BOOLEAN NOT NULL DEFAULT 0;
-- Who besides the organizers receives the report at the end: a JSON array of addresses.
ALTER TABLE events ADD COLUMN stakeholders TEXT NOT NULL DEFAULT '[]';
