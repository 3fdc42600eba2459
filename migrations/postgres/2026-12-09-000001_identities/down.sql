DROP TABLE email_verifications;
DROP TABLE oidc_sessions;
DROP TABLE oidc_flows;
DROP TABLE identities;
ALTER TABLE users DROP COLUMN organization_verified;
ALTER TABLE users DROP COLUMN is_staff;
ALTER TABLE users DROP COLUMN email_verified;
