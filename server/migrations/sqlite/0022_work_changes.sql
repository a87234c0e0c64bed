-- Who found work and who lost it in the round of each household's kept
-- figures, since the ledger its ledger was merged from: summed with the
-- other figures, so that a place's changes since the last round are one
-- read at every level.
ALTER TABLE households ADD COLUMN found_work INTEGER NOT NULL DEFAULT 0;
ALTER TABLE households ADD COLUMN lost_work INTEGER NOT NULL DEFAULT 0;
