//! The roster import on SQLite: one `BEGIN IMMEDIATE` transaction that
//! takes the write lock before it reads, so the group-commit writer waits
//! for it and no submission is merged from a roster the import is replacing.

use sqlx::{Sqlite, SqlitePool, Transaction};
use tracing::instrument;

use super::StoreError;
use super::import_rows::{
    AUDIT_ACTION, BoundaryRow, GridRow, HouseholdRow, ledger_over, outcome, plan_import,
    stored_roster,
};
use super::rows::{timestamp, to_json};
use crate::import::plan::Plan;
use crate::import::{Imported, RosterImport, StoredRoster};

#[instrument(skip_all, fields(rows = import.file.rows, dry_run = import.dry_run))]
pub async fn import_roster(
    pool: &SqlitePool,
    import: &RosterImport,
) -> Result<Imported, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let stored = read(&mut tx, import).await?;
    let (res, subject) = plan_import(import, &stored);
    if let (Ok(plan), false) = (&res, import.dry_run) {
        write(&mut tx, import, plan).await?;
    }
    sqlx::query("INSERT INTO audit_log (at, username, action, subject) VALUES (?, ?, ?, ?)")
        .bind(timestamp(import.at))
        .bind(&import.author)
        .bind(AUDIT_ACTION)
        .bind(subject)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(outcome(res))
}

async fn read(
    tx: &mut Transaction<'_, Sqlite>,
    import: &RosterImport,
) -> Result<StoredRoster, StoreError> {
    let grids: Vec<GridRow> = sqlx::query_as("SELECT code, name, area, boundary FROM grids")
        .fetch_all(&mut **tx)
        .await?;
    let boundaries: Vec<BoundaryRow> =
        sqlx::query_as("SELECT grid, building, boundary FROM building_boundaries")
            .fetch_all(&mut **tx)
            .await?;
    let households: Vec<HouseholdRow> = sqlx::query_as(
        "SELECT h.code, h.grid, h.building, h.floor, h.room, h.removed_at IS NOT NULL AS removed, \
             (SELECT body FROM roster_baselines WHERE household = h.code AND round = ?1) AS baseline, \
             (SELECT body FROM ledgers WHERE household = h.code AND round = ?1) AS current, \
             (SELECT body FROM ledgers WHERE household = h.code AND round < ?1 \
              ORDER BY round DESC LIMIT 1) AS previous \
         FROM households h",
    )
    .bind(import.round.to_string())
    .fetch_all(&mut **tx)
    .await?;
    stored_roster(import.round, grids, boundaries, households)
}

async fn write(
    tx: &mut Transaction<'_, Sqlite>,
    import: &RosterImport,
    plan: &Plan,
) -> Result<(), StoreError> {
    let at = timestamp(import.at);
    let round = import.round.to_string();
    for grid in &plan.grids {
        sqlx::query(
            "INSERT INTO grids (code, name, area, boundary) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (code) DO UPDATE SET name = ?2, area = ?3, boundary = ?4",
        )
        .bind(grid.code.as_str())
        .bind(&grid.name)
        .bind(&grid.area)
        .bind(grid.boundary.as_ref().map(|b| b.as_str()))
        .execute(&mut **tx)
        .await?;
    }
    for (grid, building, boundary) in &plan.building_boundaries {
        sqlx::query(
            "INSERT INTO building_boundaries (grid, building, boundary) VALUES (?1, ?2, ?3) \
             ON CONFLICT (grid, building) DO UPDATE SET boundary = ?3",
        )
        .bind(grid.as_str())
        .bind(building)
        .bind(boundary.as_str())
        .execute(&mut **tx)
        .await?;
    }
    for change in &plan.households {
        let place = &change.place;
        sqlx::query(
            "INSERT INTO households (code, grid, building, floor, room, changed_at, removed_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL) \
             ON CONFLICT (code) DO UPDATE SET grid = ?2, building = ?3, floor = ?4, room = ?5, \
             changed_at = ?6, removed_at = NULL",
        )
        .bind(place.code.as_str())
        .bind(place.grid.as_str())
        .bind(&place.building)
        .bind(place.floor)
        .bind(&place.room)
        .bind(&at)
        .execute(&mut **tx)
        .await?;
        if let Some(grid) = &change.moved_from {
            sqlx::query("INSERT INTO roster_removals (code, grid, removed_at) VALUES (?, ?, ?)")
                .bind(place.code.as_str())
                .bind(grid.as_str())
                .bind(&at)
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO roster_baselines (household, round, body) VALUES (?1, ?2, ?3) \
             ON CONFLICT (household, round) DO UPDATE SET body = ?3",
        )
        .bind(place.code.as_str())
        .bind(&round)
        .bind(to_json(&change.baseline))
        .execute(&mut **tx)
        .await?;
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM submissions WHERE household = ? AND round = ?")
                .bind(place.code.as_str())
                .bind(&round)
                .fetch_all(&mut **tx)
                .await?;
        let ledger = ledger_over(&place.code, import.round, &change.baseline, &bodies)?;
        sqlx::query(
            "INSERT INTO ledgers (household, round, surveyed, body) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (household, round) DO UPDATE SET surveyed = ?3, body = ?4",
        )
        .bind(place.code.as_str())
        .bind(&round)
        .bind(ledger.is_surveyed())
        .bind(to_json(&ledger))
        .execute(&mut **tx)
        .await?;
    }
    for place in &plan.removals {
        sqlx::query("UPDATE households SET removed_at = ?1, changed_at = ?1 WHERE code = ?2")
            .bind(&at)
            .bind(place.code.as_str())
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO roster_removals (code, grid, removed_at) VALUES (?, ?, ?)")
            .bind(place.code.as_str())
            .bind(place.grid.as_str())
            .bind(&at)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
