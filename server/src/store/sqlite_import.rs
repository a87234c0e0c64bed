//! The roster import on SQLite: one `BEGIN IMMEDIATE` transaction that
//! takes the write lock before it reads, so the group-commit writer waits
//! for it and no submission is merged from a roster the import is replacing.

use sqlx::{Sqlite, SqlitePool};
use tracing::instrument;

use super::StoreError;
use super::import_steps::{ImportSteps, Lists};
use crate::import::{Imported, RosterImport};

#[instrument(skip_all, fields(rows = import.file.rows, dry_run = import.dry_run))]
pub async fn import_roster(
    pool: &SqlitePool,
    import: &RosterImport,
) -> Result<Imported, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let imported = ImportSteps::run(&mut tx, import).await?;
    tx.commit().await?;
    Ok(imported)
}

/// A list bound as one parameter: a JSON array, read through `json_each`.
impl Lists for Sqlite {
    type List = String;

    fn list(items: &[&str]) -> String {
        serde_json::to_string(items).expect("strings serialize")
    }

    fn in_list(column: &str, n: u8) -> String {
        format!("{column} IN (SELECT value FROM json_each(${n}))")
    }
}
