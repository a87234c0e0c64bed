-- Supervisors' decisions on submissions: approved, or returned to the
-- resident work team with a reason. One per submission, final once made.
CREATE TABLE reviews (
    submission TEXT PRIMARY KEY REFERENCES submissions (id),
    household TEXT NOT NULL REFERENCES households (code),
    round TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT,
    reviewer TEXT NOT NULL,
    reviewed_at TEXT NOT NULL
);
CREATE INDEX reviews_household_round ON reviews (household, round);

-- The review list reads a round's submissions across households.
CREATE INDEX submissions_round ON submissions (round);
