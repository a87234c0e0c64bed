//! What crosses HTTP between the app and the server, defined once for both.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::codes::{Role, SubmissionKind};
use crate::merge::HouseholdLedger;
use crate::place::{GridCode, HouseholdCode, PersonId};
use crate::record::{FieldWrite, HouseholdRecord, HouseholdWrite, LabourRecord, Membership};
use crate::round::Round;

/// A submission's identifier, made by the phone that captured it, so that a
/// retry is recognised as the same submission.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SubmissionId(pub Uuid);

impl fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SubmissionId({})", self.0)
    }
}

/// `POST /api/v1/session`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// Who is logged in, what they may see, and the round in progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The grid the user works in; `None` for roles that see a whole area.
    pub grid: Option<GridCode>,
    pub round: Round,
}

/// The answer to a successful login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    pub session: SessionInfo,
    /// A bearer token for API clients; the app uses the cookie set alongside it.
    pub token: String,
}

/// `GET /api/v1/roster`: the households the caller may survey.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    pub round: Round,
    pub grids: Vec<GridInfo>,
    pub households: Vec<RosterHousehold>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridInfo {
    pub code: GridCode,
    pub name: String,
}

/// A household as the survey form starts from it: its members' latest known
/// records (this round's ledger if there is one, else last round's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RosterHousehold {
    pub code: HouseholdCode,
    pub grid: GridCode,
    pub building: String,
    pub floor: i16,
    pub room: String,
    #[serde(default)]
    pub record: HouseholdRecord,
    pub members: Vec<RosterMember>,
    /// Whether this round's ledger already holds a submission.
    pub surveyed: bool,
    /// The submissions of this round that the members' records include;
    /// a submission made from this state names them as its base.
    pub base: Vec<SubmissionId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterMember {
    pub person: PersonId,
    pub record: LabourRecord,
}

/// `POST /api/v1/submissions`: one household surveyed once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub id: SubmissionId,
    #[serde(default)]
    pub kind: SubmissionKind,
    pub household: HouseholdCode,
    pub round: Round,
    #[serde(with = "time::serde::rfc3339")]
    pub captured_at: OffsetDateTime,
    /// The submissions of this round that the form was prefilled with.
    #[serde(default)]
    pub base: Vec<SubmissionId>,
    /// Writes to the household's own fields (phone, address, flags).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub household_writes: Vec<HouseholdWrite>,
    pub members: Vec<MemberReport>,
}

/// What a submission says of one member: confirmed unchanged (no writes),
/// these fields written, joined or left. A member the submission does not
/// mention is left alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberReport {
    pub person: PersonId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
    #[serde(default)]
    pub writes: Vec<FieldWrite>,
}

/// The server's answer to an accepted submission: stored and merged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub submission: SubmissionId,
    pub household: HouseholdCode,
    pub round: Round,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

/// `GET /api/v1/households/{code}`.
pub type LedgerView = HouseholdLedger;

/// `GET /api/v1/coverage?round=`: who has been surveyed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub round: Round,
    pub grids: Vec<GridCoverage>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridCoverage {
    pub grid: GridCode,
    pub name: String,
    pub households: u32,
    pub surveyed: u32,
}

/// Every error the API answers with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable, for the app to translate.
    pub code: String,
    /// For logs and people reading the API directly.
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldErrorBody>,
}

/// One field's validation error in a 422.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrorBody {
    /// Where, like `members[2].months_worked`.
    pub path: String,
    pub code: String,
    pub message: String,
}
