//! A consistent copy of a live SQLite database, for `anju backup`.

use std::path::Path;
use std::time::Duration;

/// What a backup holds, to tell the administrator.
#[derive(Debug, PartialEq, Eq)]
pub struct Backup {
    pub households: i64,
    pub submissions: i64,
}

/// Why a backup was not written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("the backup file exists already")]
    TargetExists,
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Copies the database at `source` into a new file at `target` with
/// `VACUUM INTO`, which reads one snapshot of it: every transaction
/// committed before the copy began is in it, whatever commits meanwhile.
pub fn copy(source: &Path, target: &Path) -> Result<Backup, BackupError> {
    if target.exists() {
        return Err(BackupError::TargetExists);
    }
    let conn = rusqlite::Connection::open_with_flags(
        source,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(Duration::from_secs(30))?;
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])?;
    let copy =
        rusqlite::Connection::open_with_flags(target, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(Backup {
        households: copy.query_row("SELECT count(*) FROM households", [], |row| row.get(0))?,
        submissions: copy.query_row("SELECT count(*) FROM submissions", [], |row| row.get(0))?,
    })
}
