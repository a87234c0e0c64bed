-- Places, the ledger, submissions as received, users and their sessions.
CREATE TABLE grids (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    area TEXT NOT NULL
);

CREATE TABLE households (
    code TEXT PRIMARY KEY,
    grid TEXT NOT NULL REFERENCES grids (code),
    building TEXT NOT NULL,
    floor INTEGER NOT NULL,
    room TEXT NOT NULL
);
CREATE INDEX households_grid ON households (grid);

-- One merged ledger per household and round; `body` is a shared::merge::HouseholdLedger.
CREATE TABLE ledgers (
    household TEXT NOT NULL REFERENCES households (code),
    round TEXT NOT NULL,
    surveyed BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (household, round)
);

-- Every accepted submission, exactly as received; `body` is a shared::merge::Accepted.
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    household TEXT NOT NULL REFERENCES households (code),
    round TEXT NOT NULL,
    author TEXT NOT NULL,
    digest TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX submissions_household_round ON submissions (household, round);

CREATE TABLE users (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    grid TEXT REFERENCES grids (code),
    -- Demo accounts log in only while the server runs in demo mode.
    demo BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (username),
    expires_at TEXT NOT NULL
);
