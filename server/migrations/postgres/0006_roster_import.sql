-- The roster import (server::import): households taken out of the roster,
-- grid and building boundaries, and each round's roster baseline.

-- When the household was taken out of the roster; NULL while it is in it.
-- Its ledgers and submissions stay, as the history.
ALTER TABLE households ADD COLUMN removed_at TEXT;

-- A grid's boundary as a WKT polygon in longitude and latitude.
ALTER TABLE grids ADD COLUMN boundary TEXT;

-- A building's boundary as a WKT polygon; buildings are named by their
-- households' `building` within a grid.
CREATE TABLE building_boundaries (
    grid TEXT NOT NULL REFERENCES grids (code),
    building TEXT NOT NULL,
    boundary TEXT NOT NULL,
    PRIMARY KEY (grid, building)
);

-- What the roster import set for a household in a round: a
-- shared::merge::HouseholdLedger that the round's submissions are merged
-- over in place of last round's ledger.
CREATE TABLE roster_baselines (
    household TEXT NOT NULL REFERENCES households (code),
    round TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (household, round)
);
