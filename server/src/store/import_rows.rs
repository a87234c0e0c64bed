//! The roster import's rows, as both backends read them, and the pieces of
//! its steps (`import_steps.rs`) that touch no database.

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
