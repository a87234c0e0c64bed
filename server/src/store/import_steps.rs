//! A roster import's steps inside its transaction: the same SQL on both
//! backends (`$1`-style parameters), written once as functions generic over
//! sqlx's database. Each backend opens the transaction with its own locks
//! (`sqlite_import.rs`, `postgres_import.rs`) and calls `run`.

use std::marker::PhantomData;

use shared::codes::Code;
use shared::place::PlaceCode;
use shared::resident_id::ResidentId;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Transaction, Type};

use super::StoreError;
use super::figures::{KeptFigures, set_figures};
use super::import_rows::{
    ADD_PERSON_ID, AUDIT_ACTION, BoundaryRow, CLEAR_PERSON_IDS, GridRow, HouseholdRow, IdRow,
    PLACES, TreeRow, UPSERT_PLACE, ledger_over, outcome, plan_import, stored_roster,
};
use super::rows::{timestamp, to_json};
use crate::import::plan::Plan;
use crate::import::{Imported, RosterImport, StoredRoster};

/// How a backend binds a list of codes as one parameter and tests a column
/// against it.
pub trait Lists: Database {
    type List: for<'q> Encode<'q, Self> + Type<Self> + Send;
    fn list(items: &[&str]) -> Self::List;
    /// `column` is one of the list bound as parameter `$n`.
    fn in_list(column: &str, n: u8) -> String;
}

/// The steps, on a transaction of `DB`.
pub struct ImportSteps<DB>(PhantomData<DB>);

impl<DB> ImportSteps<DB>
where
    DB: Lists,
    for<'q> <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
    for<'c> &'c mut <DB as Database>::Connection: Executor<'c, Database = DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> i16: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB>,
    for<'r> TreeRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> GridRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> BoundaryRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> HouseholdRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> IdRow: sqlx::FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    /// Reads the stored roster, plans the import, writes it unless it is a dry
    /// run and audits it, all inside `tx`, which the caller opened with its
    /// backend's locks and commits.
    pub async fn run(
        tx: &mut Transaction<'_, DB>,
        import: &RosterImport,
    ) -> Result<Imported, StoreError> {
        let stored = Self::read(tx, import).await?;
        let (res, subject) = plan_import(import, &stored);
        if let (Ok(plan), false) = (&res, import.dry_run) {
            Self::write(tx, import, plan).await?;
        }
        sqlx::query(
            "INSERT INTO audit_log (at, username, action, subject) VALUES ($1, $2, $3, $4)",
        )
        .bind(timestamp(import.at))
        .bind(&import.author)
        .bind(AUDIT_ACTION)
        .bind(subject)
        .execute(&mut **tx)
        .await?;
        Ok(outcome(res))
    }

    async fn read(
        tx: &mut Transaction<'_, DB>,
        import: &RosterImport,
    ) -> Result<StoredRoster, StoreError> {
        // What the file touches, and no more: its grids, its households
        // wherever they are now, and who else holds its ID numbers.
        let file = &import.file;
        let grid_codes: Vec<&str> = file.grids.iter().map(|g| g.code.as_str()).collect();
        let household_codes: Vec<&str> = file
            .households
            .iter()
            .map(|h| h.place.code.as_str())
            .collect();
        let ids: Vec<&str> = (file.households.iter())
            .flat_map(|h| h.members.iter())
            .filter_map(|m| m.record.resident_id.as_ref())
            .map(ResidentId::as_str)
            .collect();
        let places: Vec<TreeRow> = sqlx::query_as(PLACES).fetch_all(&mut **tx).await?;
        let grids: Vec<GridRow> = Self::rows_in(
            tx,
            "SELECT g.code, g.name, g.area, p.parent, g.boundary \
             FROM grids g LEFT JOIN places p ON p.code = g.code",
            "g.code",
            &grid_codes,
        )
        .await?;
        let boundaries: Vec<BoundaryRow> = Self::rows_in(
            tx,
            "SELECT grid, building, boundary FROM building_boundaries",
            "grid",
            &grid_codes,
        )
        .await?;
        let households: Vec<HouseholdRow> = sqlx::query_as(&format!(
                "SELECT h.code, h.grid, h.building, h.floor, h.room, (h.removed_at IS NOT NULL) AS removed, \
                     (SELECT body FROM roster_baselines WHERE household = h.code AND round = $1) AS baseline, \
                     (SELECT body FROM ledgers WHERE household = h.code AND round = $1) AS current, \
                     (SELECT body FROM ledgers WHERE household = h.code AND round < $1 \
                      ORDER BY round DESC LIMIT 1) AS previous \
                 FROM households h WHERE {} OR {}",
                DB::in_list("h.grid", 2),
                DB::in_list("h.code", 3)
            ))
            .bind(import.round.to_string())
            .bind(DB::list(&grid_codes))
            .bind(DB::list(&household_codes))
            .fetch_all(&mut **tx)
            .await?;
        let holders: Vec<IdRow> = Self::rows_in(
            tx,
            "SELECT household, resident_id FROM person_ids",
            "resident_id",
            &ids,
        )
        .await?;
        stored_roster(import.round, places, grids, boundaries, households, holders)
    }

    /// The rows of `select` whose `column` is one of `items`.
    async fn rows_in<R>(
        tx: &mut Transaction<'_, DB>,
        select: &str,
        column: &str,
        items: &[&str],
    ) -> Result<Vec<R>, StoreError>
    where
        R: for<'r> sqlx::FromRow<'r, DB::Row> + Send + Unpin,
    {
        let sql = format!("{select} WHERE {}", DB::in_list(column, 1));
        Ok(sqlx::query_as(&sql)
            .bind(DB::list(items))
            .fetch_all(&mut **tx)
            .await?)
    }

    async fn write(
        tx: &mut Transaction<'_, DB>,
        import: &RosterImport,
        plan: &Plan,
    ) -> Result<(), StoreError> {
        let at = timestamp(import.at);
        let round = import.round.to_string();
        // Parents first: the places above the grids, then the grids.
        let grid_places = plan.grids.iter().map(|grid| grid.place());
        for place in plan.places.iter().cloned().chain(grid_places) {
            sqlx::query(UPSERT_PLACE)
                .bind(place.code.as_str())
                .bind(place.level.code())
                .bind(&place.name)
                .bind(place.parent.as_ref().map(PlaceCode::as_str))
                .execute(&mut **tx)
                .await?;
        }
        for grid in &plan.grids {
            sqlx::query(
                "INSERT INTO grids (code, name, area, boundary) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (code) DO UPDATE SET name = $2, area = $3, boundary = $4",
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
                "INSERT INTO building_boundaries (grid, building, boundary) VALUES ($1, $2, $3) \
                     ON CONFLICT (grid, building) DO UPDATE SET boundary = $3",
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
                     VALUES ($1, $2, $3, $4, $5, $6, NULL) \
                     ON CONFLICT (code) DO UPDATE SET grid = $2, building = $3, floor = $4, room = $5, \
                     changed_at = $6, removed_at = NULL",
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
                sqlx::query(
                    "INSERT INTO roster_removals (code, grid, removed_at) VALUES ($1, $2, $3)",
                )
                .bind(place.code.as_str())
                .bind(grid.as_str())
                .bind(&at)
                .execute(&mut **tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO roster_baselines (household, round, body) VALUES ($1, $2, $3) \
                     ON CONFLICT (household, round) DO UPDATE SET body = $3",
            )
            .bind(place.code.as_str())
            .bind(&round)
            .bind(to_json(&change.baseline))
            .execute(&mut **tx)
            .await?;
            let bodies: Vec<String> = sqlx::query_scalar(
                "SELECT body FROM submissions WHERE household = $1 AND round = $2",
            )
            .bind(place.code.as_str())
            .bind(&round)
            .fetch_all(&mut **tx)
            .await?;
            let ledger = ledger_over(&place.code, import.round, &change.baseline, &bodies)?;
            sqlx::query(
                "INSERT INTO ledgers (household, round, surveyed, body) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (household, round) DO UPDATE SET surveyed = $3, body = $4",
            )
            .bind(place.code.as_str())
            .bind(&round)
            .bind(ledger.is_surveyed())
            .bind(to_json(&ledger))
            .execute(&mut **tx)
            .await?;
            let figures = KeptFigures::now(&ledger, import.age_limit);
            set_figures(place.code.as_str(), &figures, None, None)
                .execute(&mut **tx)
                .await?;
            sqlx::query(CLEAR_PERSON_IDS)
                .bind(place.code.as_str())
                .execute(&mut **tx)
                .await?;
            for id in ledger.present_ids() {
                sqlx::query(ADD_PERSON_ID)
                    .bind(place.code.as_str())
                    .bind(id.as_str())
                    .execute(&mut **tx)
                    .await?;
            }
        }
        for place in &plan.removals {
            sqlx::query("UPDATE households SET removed_at = $1, changed_at = $1 WHERE code = $2")
                .bind(&at)
                .bind(place.code.as_str())
                .execute(&mut **tx)
                .await?;
            sqlx::query(CLEAR_PERSON_IDS)
                .bind(place.code.as_str())
                .execute(&mut **tx)
                .await?;
            sqlx::query("INSERT INTO roster_removals (code, grid, removed_at) VALUES ($1, $2, $3)")
                .bind(place.code.as_str())
                .bind(place.grid.as_str())
                .bind(&at)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}
