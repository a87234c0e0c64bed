//! Rows as both backends read them, and their conversion into domain types
//! through the same `parse` constructors the API uses.

use shared::codes::{Code, Level, ReviewDecision, Role};
use shared::coverage::{HouseholdStatus, LastVisit};
use shared::map::{BuildingOutline, GridMap, Outline};
use shared::merge::{Accepted, HouseholdLedger, merge_household};
use shared::place::{GridCode, HouseholdCode, PlaceCode};
use shared::privacy::MaskedIds;
use shared::round::Round;
use shared::wire::{
    GridInfo, Receipt, Review, RosterHousehold, RosterMember, SubmissionId, Visit, VisitReceipt,
    Workplace,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{
    Credentials, HouseholdPlace, HouseholdState, PlacedVisit, StoreError, StoredSubmission,
    StoredVisit, User,
};
use crate::import::boundary::Boundary;

pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain types always serialize")
}

pub fn from_json<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, StoreError> {
    serde_json::from_str(raw).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Times are stored as RFC 3339 text in UTC, the same in both backends.
pub fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .expect("any UTC time formats as RFC 3339")
}

pub fn parse_timestamp(raw: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(raw, &Rfc3339).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn corrupt(err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(err.to_string())
}

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub place: Option<String>,
    pub place_name: Option<String>,
    pub place_level: Option<String>,
    pub building: Option<String>,
    pub demo: bool,
    pub disabled: bool,
    pub must_change_password: bool,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(row: UserRow) -> Result<User, StoreError> {
        let workplace = match (row.place, row.place_name, row.place_level) {
            (Some(code), Some(name), Some(level)) => Some(Workplace {
                code: PlaceCode::parse(&code).map_err(corrupt)?,
                name,
                level: Level::from_code(&level).ok_or_else(|| corrupt(&level))?,
                building: row.building,
            }),
            (None, ..) => None,
            (Some(code), ..) => return Err(corrupt(format!("user at unknown place {code}"))),
        };
        Ok(User {
            role: Role::from_code(&row.role).ok_or_else(|| corrupt(&row.role))?,
            workplace,
            username: row.username,
            display_name: row.display_name,
            demo: row.demo,
            disabled: row.disabled,
            must_change_password: row.must_change_password,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct CredentialsRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub password_hash: String,
}

impl TryFrom<CredentialsRow> for Credentials {
    type Error = StoreError;
    fn try_from(row: CredentialsRow) -> Result<Credentials, StoreError> {
        Ok(Credentials {
            user: row.user.try_into()?,
            password_hash: row.password_hash,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct GridInfoRow {
    pub code: String,
    pub name: String,
    pub area: String,
}

impl TryFrom<GridInfoRow> for GridInfo {
    type Error = StoreError;
    fn try_from(row: GridInfoRow) -> Result<GridInfo, StoreError> {
        Ok(GridInfo {
            code: GridCode::parse(&row.code).map_err(corrupt)?,
            name: row.name,
            area: row.area,
            outline: None,
            buildings: Vec::new(),
        })
    }
}

/// A grid's outline, or one of its buildings' when `building` is given.
#[derive(sqlx::FromRow)]
pub struct OutlineRow {
    pub grid: String,
    pub building: Option<String>,
    pub boundary: String,
}

/// The map of each grid from its outline rows, ordered by grid.
pub fn grid_maps(rows: Vec<OutlineRow>) -> Result<Vec<GridMap>, StoreError> {
    let mut res: Vec<GridMap> = Vec::new();
    for row in rows {
        let grid = GridCode::parse(&row.grid).map_err(corrupt)?;
        let outline = Boundary::from_stored(row.boundary)
            .to_polygon()
            .and_then(|polygon| Outline::from_polygon(&polygon))
            .ok_or_else(|| corrupt(format!("the outline of {grid}")))?;
        let map = match res.last_mut() {
            Some(map) if map.grid == grid => map,
            _ => {
                res.push(GridMap {
                    grid,
                    outline: None,
                    buildings: Vec::new(),
                });
                res.last_mut().expect("just pushed")
            }
        };
        match row.building {
            Some(name) => map.buildings.push(BuildingOutline { name, outline }),
            None => map.outline = Some(outline),
        }
    }
    Ok(res)
}

#[derive(sqlx::FromRow)]
pub struct PlaceRow {
    pub code: String,
    pub grid: String,
    pub building: String,
    pub floor: i16,
    pub room: String,
}

impl TryFrom<PlaceRow> for HouseholdPlace {
    type Error = StoreError;
    fn try_from(row: PlaceRow) -> Result<HouseholdPlace, StoreError> {
        Ok(HouseholdPlace {
            code: HouseholdCode::parse(&row.code).map_err(corrupt)?,
            grid: GridCode::parse(&row.grid).map_err(corrupt)?,
            building: row.building,
            floor: row.floor,
            room: row.room,
        })
    }
}

/// A visit with its author and its household's grid.
#[derive(sqlx::FromRow)]
pub struct VisitRow {
    pub body: String,
    pub author: String,
    pub grid: String,
}

impl TryFrom<VisitRow> for PlacedVisit {
    type Error = StoreError;
    fn try_from(row: VisitRow) -> Result<PlacedVisit, StoreError> {
        Ok(PlacedVisit {
            visit: from_json(&row.body)?,
            author: row.author,
            grid: GridCode::parse(&row.grid).map_err(corrupt)?,
        })
    }
}

/// A household with its latest ledger up to the round asked for.
#[derive(sqlx::FromRow)]
pub struct RosterRow {
    #[sqlx(flatten)]
    pub place: PlaceRow,
    pub body: Option<String>,
    /// Whether anyone called on it this round.
    pub visited: bool,
    /// Its latest return this round not yet answered, as a JSON `Returned`.
    pub returned: Option<String>,
    /// Who sent this round's latest submission.
    pub surveyed_by: Option<String>,
}

impl RosterRow {
    /// The household as the survey form starts from it in `round`: its
    /// ledger for the round, with the members still in it.
    pub fn into_household(self, round: Round) -> Result<RosterHousehold, StoreError> {
        let place = HouseholdPlace::try_from(self.place)?;
        let ledger = ledger_in(&place.code, round, self.body.as_deref())?;
        Ok(RosterHousehold {
            surveyed: ledger.is_surveyed(),
            surveyed_by: self.surveyed_by,
            visited: self.visited,
            conflicted: !ledger.conflicts.is_empty(),
            returned: self.returned.as_deref().map(from_json).transpose()?,
            base: ledger.submissions,
            record: ledger.record,
            masked_phone: None,
            members: ledger
                .members
                .into_iter()
                .filter(|m| m.is_present())
                .map(|m| RosterMember {
                    person: m.person,
                    record: m.record,
                    masked: MaskedIds::default(),
                })
                .collect(),
            code: place.code,
            grid: place.grid,
            building: place.building,
            floor: place.floor,
            room: place.room,
        })
    }

    /// Where the household sits and its ledger for `round`.
    pub fn into_state(self, round: Round) -> Result<HouseholdState, StoreError> {
        let place = HouseholdPlace::try_from(self.place)?;
        let ledger = ledger_in(&place.code, round, self.body.as_deref())?;
        Ok(HouseholdState { place, ledger })
    }
}

/// The ledger for `round` from the latest one kept up to it: that one if it
/// is this round's, else carried over (members who left are not).
fn ledger_in(
    code: &HouseholdCode,
    round: Round,
    latest: Option<&str>,
) -> Result<HouseholdLedger, StoreError> {
    let latest: Option<HouseholdLedger> = latest.map(from_json).transpose()?;
    Ok(match latest {
        Some(ledger) if ledger.round == round => ledger,
        earlier => merge_household(code, round, earlier.as_ref(), &[]),
    })
}

/// A household with this round's ledger and the last earlier one.
#[derive(sqlx::FromRow)]
pub struct StateRow {
    #[sqlx(flatten)]
    pub place: PlaceRow,
    pub current: Option<String>,
    pub previous: Option<String>,
}

impl StateRow {
    pub fn into_state(self, round: Round) -> Result<HouseholdState, StoreError> {
        let place = HouseholdPlace::try_from(self.place)?;
        let latest = self.current.or(self.previous);
        let ledger = ledger_in(&place.code, round, latest.as_deref())?;
        Ok(HouseholdState { place, ledger })
    }
}

#[derive(sqlx::FromRow)]
pub struct StatusRow {
    pub code: String,
    pub grid: String,
    pub building: String,
    pub room: String,
    pub surveyed: bool,
    pub visits: i64,
    pub last_visit: Option<String>,
    pub last_author: Option<String>,
}

impl TryFrom<StatusRow> for HouseholdStatus {
    type Error = StoreError;
    fn try_from(row: StatusRow) -> Result<HouseholdStatus, StoreError> {
        let last_visit = match (row.last_visit, row.last_author) {
            (Some(body), Some(author)) => {
                let visit: Visit = from_json(&body)?;
                Some(LastVisit {
                    visited_at: visit.visited_at,
                    outcome: visit.outcome,
                    author,
                    position: visit.position,
                })
            }
            _ => None,
        };
        Ok(HouseholdStatus {
            code: HouseholdCode::parse(&row.code).map_err(corrupt)?,
            grid: GridCode::parse(&row.grid).map_err(corrupt)?,
            building: row.building,
            room: row.room,
            surveyed: row.surveyed,
            visits: u32::try_from(row.visits).map_err(corrupt)?,
            last_visit,
        })
    }
}

pub fn receipt_of(accepted: &Accepted, received_at: OffsetDateTime) -> Receipt {
    Receipt {
        submission: accepted.submission.id,
        household: accepted.submission.household.clone(),
        round: accepted.submission.round,
        received_at,
    }
}

/// The receipt of a visit first received at `received_at`.
pub fn visit_receipt(visit: &StoredVisit, received_at: OffsetDateTime) -> VisitReceipt {
    VisitReceipt {
        visit: visit.visit.id,
        household: visit.visit.household.clone(),
        received_at,
    }
}

/// The household's ledger for the submission's round, re-merged from the
/// last earlier ledger and every stored submission of the round.
pub fn remerge(
    accepted: &Accepted,
    previous: Option<&str>,
    bodies: &[String],
) -> Result<(HouseholdLedger, (u32, u32)), StoreError> {
    let sub = &accepted.submission;
    let previous: Option<HouseholdLedger> = previous.map(from_json).transpose()?;
    let all: Vec<Accepted> = bodies
        .iter()
        .map(|b| from_json(b))
        .collect::<Result<_, _>>()?;
    let ledger = merge_household(&sub.household, sub.round, previous.as_ref(), &all);
    // Who found and who lost work since the ledger it was merged from.
    let changes = previous.map_or((0, 0), |p| shared::trends::work_changes(&p, &ledger));
    Ok((ledger, changes))
}

pub fn parse_submission_id(raw: &str) -> Result<SubmissionId, StoreError> {
    uuid::Uuid::parse_str(raw)
        .map(SubmissionId)
        .map_err(corrupt)
}

/// A decision on a submission, as stored.
#[derive(sqlx::FromRow)]
pub struct ReviewRow {
    pub submission: String,
    pub decision: String,
    pub reason: Option<String>,
    pub reviewer: String,
    pub reviewed_at: String,
}

impl TryFrom<ReviewRow> for Review {
    type Error = StoreError;
    fn try_from(row: ReviewRow) -> Result<Review, StoreError> {
        Ok(Review {
            submission: parse_submission_id(&row.submission)?,
            decision: ReviewDecision::from_code(&row.decision)
                .ok_or_else(|| corrupt(&row.decision))?,
            reason: row.reason,
            by: row.reviewer,
            at: parse_timestamp(&row.reviewed_at)?,
        })
    }
}

/// A submission with its household's place and the decision on it, if any.
#[derive(sqlx::FromRow)]
pub struct SubmissionRow {
    #[sqlx(flatten)]
    pub place: PlaceRow,
    pub id: String,
    pub body: String,
    pub received_at: String,
    pub decision: Option<String>,
    pub reason: Option<String>,
    pub reviewer: Option<String>,
    pub reviewed_at: Option<String>,
}

impl TryFrom<SubmissionRow> for StoredSubmission {
    type Error = StoreError;
    fn try_from(row: SubmissionRow) -> Result<StoredSubmission, StoreError> {
        let review = match (row.decision, row.reviewer, row.reviewed_at) {
            (Some(decision), Some(reviewer), Some(reviewed_at)) => {
                Some(Review::try_from(ReviewRow {
                    submission: row.id,
                    decision,
                    reason: row.reason,
                    reviewer,
                    reviewed_at,
                })?)
            }
            _ => None,
        };
        Ok(StoredSubmission {
            accepted: from_json(&row.body)?,
            received_at: parse_timestamp(&row.received_at)?,
            place: HouseholdPlace::try_from(row.place)?,
            review,
        })
    }
}
