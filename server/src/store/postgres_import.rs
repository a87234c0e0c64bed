//! The roster import on PostgreSQL: one transaction that first takes the
//! import lock (one import at a time across servers) and every household's
//! row lock, the lock each merge takes, so no submission is merged from a
//! roster the import is replacing.

use sqlx::{PgPool, Postgres};
use tracing::instrument;

use super::StoreError;
use super::import_steps::{ImportSteps, Lists};
use crate::import::{Imported, RosterImport};

#[instrument(skip_all, fields(rows = import.file.rows, dry_run = import.dry_run))]
pub async fn import_roster(pool: &PgPool, import: &RosterImport) -> Result<Imported, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('anju.roster_import'))")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT code FROM households ORDER BY code FOR UPDATE")
        .execute(&mut *tx)
        .await?;
    let imported = ImportSteps::run(&mut tx, import).await?;
    tx.commit().await?;
    Ok(imported)
}

/// A list bound as one parameter: an array, read through `ANY`.
impl Lists for Postgres {
    type List = Vec<String>;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|&s| s.to_owned()).collect()
    }

    fn in_list(column: &str, n: u8) -> String {
        format!("{column} = ANY(${n})")
    }
}
