DROP TABLE rewards;
DELETE FROM event_roles WHERE role = 'runner';
CREATE TABLE event_roles_old (
    event_id    TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL CHECK (role IN ('organizer', 'author', 'engineer', 'participant')),
    granted_by  TEXT REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id, role)
);
INSERT INTO event_roles_old (event_id, user_id, role, granted_by, created_at)
    SELECT event_id, user_id, role, granted_by, created_at FROM event_roles;
DROP TABLE event_roles;
ALTER TABLE event_roles_old RENAME TO event_roles;
CREATE INDEX event_roles_user_idx ON event_roles(user_id);
ALTER TABLE challenges DROP COLUMN event_reward;
ALTER TABLE challenges DROP COLUMN reward;
ALTER TABLE teams DROP COLUMN location;
ALTER TABLE events DROP COLUMN remote_reward;
ALTER TABLE events DROP COLUMN hold_rewards_until_end;
ALTER TABLE events DROP COLUMN rewards;
