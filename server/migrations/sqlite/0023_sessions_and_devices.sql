-- Sessions say when and where they opened and when they were last used, so
-- that an idle one ends and an administrator can list and end them.
ALTER TABLE sessions ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN seen_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN agent TEXT NOT NULL DEFAULT '';
UPDATE sessions SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
CREATE INDEX sessions_username ON sessions (username);

-- Failed logins are counted per user and address, or per known device, so
-- that a flood from one place slows that place down and keeps no one out.
ALTER TABLE login_failures ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE login_failures ADD COLUMN device TEXT;
DROP INDEX login_failures_username;
CREATE INDEX login_failures_source ON login_failures (username, address, failed_at);
CREATE INDEX login_failures_device ON login_failures (device, failed_at);

-- A browser that logged in as a user before, by the hash of the token in
-- its long-lived cookie.
CREATE TABLE known_devices (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (username),
    seen_at TEXT NOT NULL
);
CREATE INDEX known_devices_username ON known_devices (username);
