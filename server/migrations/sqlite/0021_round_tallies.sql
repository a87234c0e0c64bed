-- Each grid's figures of a round whose intake has closed, kept once
-- computed from its ledgers, for the trends over the last rounds.
CREATE TABLE round_tallies (
    round TEXT NOT NULL,
    grid TEXT NOT NULL,
    tally TEXT NOT NULL,
    PRIMARY KEY (round, grid)
);
