-- Validators that call what teams deploy (cohack:validator@0.2.0, a manifest's [network]).

-- The URLs a team set for its deployed services, by the names challenges use (`api`).
CREATE TABLE team_endpoints (
    team_id     TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (team_id, name)
);

-- JSON array of {name, url}: the endpoints a submission to a challenge with [network] is
-- judged against, copied when it was stored, so that a live rejudge calls the same URLs.
-- NULL for challenges without [network].
ALTER TABLE submissions ADD COLUMN endpoints TEXT;

-- JSON array of exchanges (runtime/src/network/exchange.rs): every request the run sent and
-- what became of it, shown beside the verdict and replayed by a rejudge.
ALTER TABLE verdicts ADD COLUMN exchanges TEXT NOT NULL DEFAULT '[]';
