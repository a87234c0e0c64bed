//! The roster import on SQLite: one `BEGIN IMMEDIATE` transaction that
//! takes the write lock before it reads, so the group-commit writer waits
//! for it and no submission is merged from a roster the import is replacing.

use sqlx::{Sqlite, SqlitePool, Transaction};
use tracing::instrument;

use super::StoreError;
use super::figures::{KeptFigures, set_figures};
use super::import_rows::{
    ADD_PERSON_ID, AUDIT_ACTION, BoundaryRow, CLEAR_PERSON_IDS, GridRow, HouseholdRow, IdRow,
    PLACES, TreeRow, UPSERT_PLACE, import_steps, ledger_over, outcome, plan_import, stored_roster,
};
use super::rows::{timestamp, to_json};
use crate::import::plan::Plan;
use crate::import::{Imported, RosterImport, StoredRoster};
use shared::codes::Code;
use shared::place::PlaceCode;
use shared::resident_id::ResidentId;

#[instrument(skip_all, fields(rows = import.file.rows, dry_run = import.dry_run))]
pub async fn import_roster(
    pool: &SqlitePool,
    import: &RosterImport,
) -> Result<Imported, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let imported = run(&mut tx, import).await?;
    tx.commit().await?;
    Ok(imported)
}

import_steps!(Sqlite);

/// A list bound as one parameter: a JSON array, which `in_list` reads.
pub(super) fn list(items: &[&str]) -> String {
    serde_json::to_string(items).expect("strings serialize")
}

/// `column` is one of the list bound as parameter `n`.
pub(super) fn in_list(column: &str, n: u8) -> String {
    format!("{column} IN (SELECT value FROM json_each(${n}))")
}
