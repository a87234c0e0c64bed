-- A disabled account cannot log in, and the sessions it holds are refused
-- from their next request on.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
