-- Workers past the deployment's end of working age (超龄务工), kept with
-- the household's other figures.
ALTER TABLE households ADD COLUMN over_age_employed INTEGER NOT NULL DEFAULT 0;

-- The definitions the kept figures were computed under, by name: when a
-- server starts under others, every household's figures are computed again.
CREATE TABLE definitions (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

UPDATE households SET figures_on = NULL;
