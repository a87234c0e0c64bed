-- A password an administrator set (a reset, a new account's first one):
-- until its user chooses their own, the account may do nothing else.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
