//! The roster import's rows, as both backends read them, and what both do
//! with a plan once it is made.

use shared::merge::{HouseholdLedger, merge_household};
use shared::place::{GridCode, HouseholdCode};
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

#[derive(sqlx::FromRow)]
pub struct GridRow {
    pub code: String,
    pub name: String,
    pub area: String,
    pub boundary: Option<String>,
}

#[derive(sqlx::FromRow)]
pub struct BoundaryRow {
    pub grid: String,
    pub building: String,
    pub boundary: String,
}

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

fn corrupt(err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(err.to_string())
}

/// The stored roster of `round` from its rows.
pub fn stored_roster(
    round: Round,
    grids: Vec<GridRow>,
    boundaries: Vec<BoundaryRow>,
    households: Vec<HouseholdRow>,
) -> Result<StoredRoster, StoreError> {
    let mut res = StoredRoster::default();
    for row in grids {
        let code = GridCode::parse(&row.code).map_err(corrupt)?;
        res.grids.insert(
            code.clone(),
            StoredGrid {
                code,
                name: row.name,
                area: row.area,
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
