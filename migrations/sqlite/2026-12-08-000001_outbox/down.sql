ALTER TABLE events DROP COLUMN stakeholders;
ALTER TABLE users DROP COLUMN reminders_opt_out;
DROP TABLE event_mailings;
DROP TABLE invitations;
DROP TABLE webhooks;
DROP TABLE outbox;
