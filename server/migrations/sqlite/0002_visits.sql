-- Grid members' visits, exactly as received; `body` is a shared::wire::Visit.
CREATE TABLE visits (
    id TEXT PRIMARY KEY,
    household TEXT NOT NULL REFERENCES households (code),
    round TEXT NOT NULL,
    author TEXT NOT NULL,
    outcome TEXT NOT NULL,
    visited_at TEXT NOT NULL,
    digest TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX visits_household_round ON visits (household, round);
