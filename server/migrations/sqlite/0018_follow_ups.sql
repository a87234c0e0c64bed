-- The follow-up lists (`shared::follow_up`). Each household keeps, beside
-- its figures, its labourers out of work who want work (person ids, one
-- a line), so that the lists are kept from the households' figures alone.
ALTER TABLE households ADD COLUMN seeking TEXT NOT NULL DEFAULT '';

-- One item of a list: a household (member '') or one of its labourers,
-- from the day a merged ledger put it there until the one that took it
-- off, and why. At most one item of a list is open per household and
-- member; their places are their households'.
CREATE TABLE follow_ups (
    id INTEGER PRIMARY KEY,
    household TEXT NOT NULL REFERENCES households (code),
    list TEXT NOT NULL,
    member TEXT NOT NULL DEFAULT '',
    entered_on TEXT NOT NULL,
    -- The first instant of that day in China, as actions' times are written:
    -- the actions for the item are those done since.
    since TEXT NOT NULL,
    cleared_on TEXT,
    cleared_how TEXT
);
CREATE UNIQUE INDEX follow_ups_open ON follow_ups (household, list, member) WHERE cleared_on IS NULL;
CREATE INDEX follow_ups_open_by_day ON follow_ups (list, entered_on) WHERE cleared_on IS NULL;
CREATE INDEX follow_ups_household ON follow_ups (household);

-- What the teams did for those they follow up, captured on the phone.
CREATE TABLE follow_up_actions (
    id TEXT PRIMARY KEY,
    household TEXT NOT NULL REFERENCES households (code),
    member TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    author TEXT NOT NULL,
    done_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    digest TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX follow_up_actions_household ON follow_up_actions (household, done_at);

-- The seekers are kept from now on: every household's figures are
-- computed again once when the server starts.
UPDATE households SET figures_on = NULL;
