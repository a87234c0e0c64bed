//! The roster import on PostgreSQL: one transaction that first takes the
//! import lock (one import at a time across servers) and every household's
//! row lock, the lock each merge takes, so no submission is merged from a
//! roster the import is replacing.

use sqlx::{PgPool, Postgres, Transaction};
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
pub async fn import_roster(pool: &PgPool, import: &RosterImport) -> Result<Imported, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('anju.roster_import'))")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT code FROM households ORDER BY code FOR UPDATE")
        .execute(&mut *tx)
        .await?;
    let imported = run(&mut tx, import).await?;
    tx.commit().await?;
    Ok(imported)
}

import_steps!(Postgres);

/// A list bound as one parameter: an array, which `in_list` reads.
pub(super) fn list(items: &[&str]) -> Vec<String> {
    items.iter().map(|&s| s.to_owned()).collect()
}

/// `column` is one of the list bound as parameter `n`.
pub(super) fn in_list(column: &str, n: u8) -> String {
    format!("{column} = ANY(${n})")
}
