-- What each household adds to its places' figures (`shared::tally`), kept
-- beside it as each ledger and visit is written, so that the coverage and
-- indicators of a city or a province are one indexed sum.
-- `figures_round` is the round of the ledger they come from, `figures_on`
-- the day they are as of (NULL: not computed yet, which the server does at
-- start), `figures_until` the day a member comes of working age and they
-- may change with no write. The sums read the grid's index; these two are
-- indexed for finding the stale.
ALTER TABLE households ADD COLUMN figures_round TEXT;
ALTER TABLE households ADD COLUMN figures_on TEXT;
ALTER TABLE households ADD COLUMN figures_until TEXT;
ALTER TABLE households ADD COLUMN labourers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE households ADD COLUMN employed_labourers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE households ADD COLUMN employed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE households ADD COLUMN willing_to_train INTEGER NOT NULL DEFAULT 0;
ALTER TABLE households ADD COLUMN trained_of_willing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE households ADD COLUMN labour_household BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE households ADD COLUMN zero_employment BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE households ADD COLUMN per_capita INTEGER;
-- What a supervisor's search matches: the code, and each member's name,
-- ID number and phone, lowercased, from the same ledger.
ALTER TABLE households ADD COLUMN search_text TEXT;
-- Whether the latest ledger holds a conflict a supervisor must resolve.
ALTER TABLE households ADD COLUMN conflicted BOOLEAN NOT NULL DEFAULT FALSE;
-- The latest round the household was surveyed in, and visited in.
ALTER TABLE households ADD COLUMN surveyed_round TEXT;
ALTER TABLE households ADD COLUMN visited_round TEXT;

UPDATE households SET
    surveyed_round = (SELECT max(l.round) FROM ledgers l WHERE l.household = households.code AND l.surveyed),
    visited_round = (SELECT max(v.round) FROM visits v WHERE v.household = households.code);

CREATE INDEX households_figures_on ON households (figures_on);
CREATE INDEX households_conflicted ON households (grid) WHERE conflicted;
CREATE INDEX households_figures_until ON households (figures_until);
