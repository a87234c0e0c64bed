-- When each household's roster entry last changed, for delta sync, and the
-- households taken out of the roster since.
ALTER TABLE households ADD COLUMN changed_at TEXT NOT NULL DEFAULT '';
CREATE INDEX households_changed_at ON households (changed_at);

CREATE TABLE roster_removals (
    code TEXT NOT NULL,
    grid TEXT NOT NULL,
    removed_at TEXT NOT NULL
);
CREATE INDEX roster_removals_removed_at ON roster_removals (removed_at);
