-- The audit log by action: a server counts the roster imports, whichever
-- server ran them, to know when the place tree and the households' grids
-- it keeps in memory may have changed.
CREATE INDEX audit_log_action ON audit_log (action, at);

-- The households holding conflicts, in the order the conflicts list pages
-- through them.
DROP INDEX households_conflicted;
CREATE INDEX households_conflicted ON households (code) WHERE conflicted;
