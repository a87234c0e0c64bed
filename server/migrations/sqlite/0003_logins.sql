-- Failed logins, to slow down password guessing across every server.
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, failed_at);
