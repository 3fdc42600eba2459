DROP TABLE rewards;
DELETE FROM event_roles WHERE role = 'runner';
ALTER TABLE event_roles DROP CONSTRAINT event_roles_role_check;
ALTER TABLE event_roles ADD CONSTRAINT event_roles_role_check
    CHECK (role IN ('organizer', 'author', 'engineer', 'participant'));
ALTER TABLE challenges DROP COLUMN event_reward;
ALTER TABLE challenges DROP COLUMN reward;
ALTER TABLE teams DROP COLUMN location;
ALTER TABLE events DROP COLUMN remote_reward;
ALTER TABLE events DROP COLUMN hold_rewards_until_end;
ALTER TABLE events DROP COLUMN rewards;
