-- Every read of unmasked personal information: who, what, when.
CREATE TABLE audit_log (
    at TEXT NOT NULL,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
