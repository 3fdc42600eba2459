ALTER TABLE verdicts DROP COLUMN exchanges;
ALTER TABLE submissions DROP COLUMN endpoints;
DROP TABLE team_endpoints;
