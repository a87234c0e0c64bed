//! The roster import's rows, as both backends read them, and what both do
//! with a plan once it is made.

use shared::codes::{Code, Level};
use shared::merge::{HouseholdLedger, merge_household};
use shared::place::{GridCode, HouseholdCode, Place, PlaceCode};
use shared::resident_id::ResidentId;
use shared::round::Round;

use super::StoreError;
use super::rows::{PlaceRow, from_json};
use crate::import::boundary::Boundary;
use crate::import::issue::RowIssue;
use crate::import::plan::{Plan, plan};
use crate::import::{Imported, RosterImport, StoredGrid, StoredHousehold, StoredRoster};
use crate::store::HouseholdPlace;

/// The audit log's action for an import.
pub const AUDIT_ACTION: &str = "roster_import";

/// Every place of the tree.
pub const PLACES: &str = "SELECT code, level, name, parent FROM places";

/// Adds a place, or renames and moves it: code, level, name, parent.
pub const UPSERT_PLACE: &str = "INSERT INTO places (code, level, name, parent) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (code) DO UPDATE SET level = $2, name = $3, parent = $4";

#[derive(sqlx::FromRow)]
pub struct GridRow {
    pub code: String,
    pub name: String,
    pub area: String,
    pub parent: Option<String>,
    pub boundary: Option<String>,
}

/// A place of the tree, as `places` holds it.
#[derive(sqlx::FromRow)]
pub struct TreeRow {
    pub code: String,
    pub level: String,
    pub name: String,
    pub parent: Option<String>,
}

impl TryFrom<TreeRow> for Place {
    type Error = StoreError;

    fn try_from(row: TreeRow) -> Result<Place, StoreError> {
        Ok(Place {
            code: PlaceCode::parse(&row.code).map_err(corrupt)?,
            level: Level::from_code(&row.level)
                .ok_or_else(|| corrupt(format!("unknown level {}", row.level)))?,
            name: row.name,
            parent: parent_code(row.parent.as_deref())?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct BoundaryRow {
    pub grid: String,
    pub building: String,
    pub boundary: String,
}

/// A household of the roster that holds an ID number.
#[derive(sqlx::FromRow)]
pub struct IdRow {
    pub household: String,
    pub resident_id: String,
}

/// Forgets the ID numbers a household held.
pub const CLEAR_PERSON_IDS: &str = "DELETE FROM person_ids WHERE household = $1";

/// Notes an ID number a household's present member holds.
pub const ADD_PERSON_ID: &str =
    "INSERT INTO person_ids (household, resident_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";

/// A household with the round's baseline and ledger and the last earlier ledger.
#[derive(sqlx::FromRow)]
pub struct HouseholdRow {
    #[sqlx(flatten)]
    pub place: PlaceRow,
    pub removed: bool,
    pub baseline: Option<String>,
    pub current: Option<String>,
    pub previous: Option<String>,
}

/// A stored parent's code, if there is one.
fn parent_code(raw: Option<&str>) -> Result<Option<PlaceCode>, StoreError> {
    raw.map(PlaceCode::parse).transpose().map_err(corrupt)
}

fn corrupt(err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(err.to_string())
}

/// The stored roster of `round` from its rows.
pub fn stored_roster(
    round: Round,
    places: Vec<TreeRow>,
    grids: Vec<GridRow>,
    boundaries: Vec<BoundaryRow>,
    households: Vec<HouseholdRow>,
    holders: Vec<IdRow>,
) -> Result<StoredRoster, StoreError> {
    let mut res = StoredRoster::default();
    for row in places {
        let place = Place::try_from(row)?;
        res.places.insert(place.code.clone(), place);
    }
    for row in grids {
        let code = GridCode::parse(&row.code).map_err(corrupt)?;
        res.grids.insert(
            code.clone(),
            StoredGrid {
                code,
                name: row.name,
                area: row.area,
                parent: parent_code(row.parent.as_deref())?,
                boundary: row.boundary.map(Boundary::from_stored),
            },
        );
    }
    for row in boundaries {
        let grid = GridCode::parse(&row.grid).map_err(corrupt)?;
        res.building_boundaries
            .insert((grid, row.building), Boundary::from_stored(row.boundary));
    }
    for row in households {
        let place = HouseholdPlace::try_from(row.place)?;
        let previous: Option<HouseholdLedger> =
            row.previous.as_deref().map(from_json).transpose()?;
        let baseline = match row.baseline.as_deref() {
            Some(body) => from_json(body)?,
            None => merge_household(&place.code, round, previous.as_ref(), &[]),
        };
        let current = match row.current.as_deref() {
            Some(body) => from_json(body)?,
            None => merge_household(&place.code, round, Some(&baseline), &[]),
        };
        res.households.insert(
            place.code.clone(),
            StoredHousehold {
                place,
                removed: row.removed,
                baseline,
                current,
            },
        );
    }
    for row in holders {
        let household = HouseholdCode::parse(&row.household).map_err(corrupt)?;
        let id = ResidentId::parse(&row.resident_id).map_err(corrupt)?;
        res.id_holders.push((id, household));
    }
    Ok(res)
}

/// The plan for `import` over `stored`, with the audit log's subject for it.
pub fn plan_import(
    import: &RosterImport,
    stored: &StoredRoster,
) -> (Result<Plan, Vec<RowIssue>>, String) {
    let res = plan(import, stored);
    let subject = match &res {
        Ok(plan) => plan.report.summary(),
        Err(issues) => format!(
            "round={} rows={} dry_run={} rejected errors={}",
            import.round,
            import.file.rows,
            import.dry_run,
            issues.len()
        ),
    };
    (res, subject)
}

/// What the import came to, once its plan is written (or not).
pub fn outcome(res: Result<Plan, Vec<RowIssue>>) -> Imported {
    match res {
        Ok(plan) => Imported::Done(plan.report),
        Err(issues) => Imported::Rejected(issues),
    }
}

/// The household's ledger for the round: its new baseline with the round's
/// submissions merged over it.
pub fn ledger_over(
    code: &HouseholdCode,
    round: Round,
    baseline: &HouseholdLedger,
    bodies: &[String],
) -> Result<HouseholdLedger, StoreError> {
    let submissions: Vec<shared::merge::Accepted> = bodies
        .iter()
        .map(|b| from_json(b))
        .collect::<Result<_, _>>()?;
    Ok(merge_household(code, round, Some(baseline), &submissions))
}

/// An import's steps inside its transaction, the same SQL on both backends
/// (`$1`-style parameters): `import_steps!(Sqlite)` in `sqlite_import.rs`
/// and `import_steps!(Postgres)` in `postgres_import.rs` expand them there,
/// where each opens the transaction with its own locks. Names resolve where
/// the macro expands.
macro_rules! import_steps {
    ($db:ty) => {
        /// Reads the stored roster, plans the import, writes it unless it is a dry
        /// run and audits it, all inside `tx`, which the caller opened with its
        /// backend's locks and commits.
        async fn run(
            tx: &mut Transaction<'_, $db>,
            import: &RosterImport,
        ) -> Result<Imported, StoreError> {
            let stored = read(tx, import).await?;
            let (res, subject) = plan_import(import, &stored);
            if let (Ok(plan), false) = (&res, import.dry_run) {
                write(tx, import, plan).await?;
            }
            sqlx::query("INSERT INTO audit_log (at, username, action, subject) VALUES ($1, $2, $3, $4)")
                .bind(timestamp(import.at))
                .bind(&import.author)
                .bind(AUDIT_ACTION)
                .bind(subject)
                .execute(&mut **tx)
                .await?;
            Ok(outcome(res))
        }

        async fn read(
            tx: &mut Transaction<'_, $db>,
            import: &RosterImport,
        ) -> Result<StoredRoster, StoreError> {
            // What the file touches, and no more: its grids, its households
            // wherever they are now, and who else holds its ID numbers.
            let file = &import.file;
            let grid_codes: Vec<&str> = file.grids.iter().map(|g| g.code.as_str()).collect();
            let household_codes: Vec<&str> =
                file.households.iter().map(|h| h.place.code.as_str()).collect();
            let ids: Vec<&str> = (file.households.iter())
                .flat_map(|h| h.members.iter())
                .filter_map(|m| m.record.resident_id.as_ref())
                .map(ResidentId::as_str)
                .collect();
            let places: Vec<TreeRow> = sqlx::query_as(PLACES)
                .fetch_all(&mut **tx)
                .await?;
            let grids: Vec<GridRow> = sqlx::query_as(&format!(
                "SELECT g.code, g.name, g.area, p.parent, g.boundary \
                 FROM grids g LEFT JOIN places p ON p.code = g.code WHERE {}",
                in_list("g.code", 1)
            ))
            .bind(list(&grid_codes))
            .fetch_all(&mut **tx)
            .await?;
            let boundaries: Vec<BoundaryRow> = sqlx::query_as(&format!(
                "SELECT grid, building, boundary FROM building_boundaries WHERE {}",
                in_list("grid", 1)
            ))
            .bind(list(&grid_codes))
            .fetch_all(&mut **tx)
            .await?;
            let households: Vec<HouseholdRow> = sqlx::query_as(&format!(
                "SELECT h.code, h.grid, h.building, h.floor, h.room, (h.removed_at IS NOT NULL) AS removed, \
                     (SELECT body FROM roster_baselines WHERE household = h.code AND round = $1) AS baseline, \
                     (SELECT body FROM ledgers WHERE household = h.code AND round = $1) AS current, \
                     (SELECT body FROM ledgers WHERE household = h.code AND round < $1 \
                      ORDER BY round DESC LIMIT 1) AS previous \
                 FROM households h WHERE {} OR {}",
                in_list("h.grid", 2),
                in_list("h.code", 3)
            ))
            .bind(import.round.to_string())
            .bind(list(&grid_codes))
            .bind(list(&household_codes))
            .fetch_all(&mut **tx)
            .await?;
            let holders: Vec<IdRow> = sqlx::query_as(&format!(
                "SELECT household, resident_id FROM person_ids WHERE {}",
                in_list("resident_id", 1)
            ))
            .bind(list(&ids))
            .fetch_all(&mut **tx)
            .await?;
            stored_roster(import.round, places, grids, boundaries, households, holders)
        }

        async fn write(
            tx: &mut Transaction<'_, $db>,
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
                    sqlx::query("INSERT INTO roster_removals (code, grid, removed_at) VALUES ($1, $2, $3)")
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
                let bodies: Vec<String> =
                    sqlx::query_scalar("SELECT body FROM submissions WHERE household = $1 AND round = $2")
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
    };
}

pub(super) use import_steps;
