-- Each upload of the fields a county added, kept for good: the version in
-- effect for a round is the latest uploaded whose first round is not after
-- it, so old rounds keep reading with the fields they were surveyed with.
CREATE TABLE field_sets (
    version INTEGER PRIMARY KEY,
    from_round TEXT NOT NULL,
    body TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
