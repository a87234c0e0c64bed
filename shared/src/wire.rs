//! What crosses HTTP between the app and the server, defined once for both.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::codes::{Level, ReviewDecision, Role, SubmissionKind, VisitOutcome};
use crate::extra::{ExtraField, ExtraWrite, FieldSet};
use crate::flags::{Fix, Flag};
use crate::map::{BuildingOutline, Outline};
use crate::merge::{HouseholdLedger, Provenance};
use crate::place::{GridCode, HouseholdCode, PersonId, Place, PlaceCode};
use crate::privacy::MaskedIds;
use crate::record::{FieldWrite, HouseholdRecord, HouseholdWrite, LabourRecord, Membership};
use crate::round::Round;
use crate::tally::Tally;

/// A submission's identifier, made by the phone that captured it, so that a
/// retry is recognised as the same submission.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// `PUT /api/v1/session/password`: the user's own new password, with the
/// one it replaces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// Who is logged in, what they may see, and the round in progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Where the user works; `None` for an administrator or a supervisor
    /// of everything the server holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workplace: Option<Workplace>,
    pub round: Round,
    /// The password was set by an administrator: nothing but choosing one's
    /// own is allowed until it is changed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub must_change_password: bool,
}

/// The answer to a successful login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Login {
    pub session: SessionInfo,
    /// A bearer token for API clients; the app uses the cookie set alongside it.
    pub token: String,
}

/// `POST /api/v1/users`: an administrator adds a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    /// Without one the server chooses a one-time password, answers it once
    /// in `UserInfo::one_time_password`, and the user must replace it at
    /// their first login.
    #[serde(default)]
    pub password: Option<String>,
    pub role: Role,
    /// 工作地点: a place's code, or a name only one place has. A resident
    /// work team is stationed at a resettlement area (or a grid); a grid
    /// member works in a grid of any level; a building head in the grid
    /// that holds their building; a supervisor oversees any place, or
    /// everything without one. Administrators have none.
    #[serde(default)]
    pub place: Option<String>,
    /// 楼栋: a building head's building, as the roster names it in `place`.
    #[serde(default)]
    pub building: Option<String>,
}

/// `PATCH /api/v1/users/{username}`: a user's role and where they work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scope {
    pub role: Role,
    /// As `NewUser::place`.
    #[serde(default)]
    pub place: Option<String>,
    /// As `NewUser::building`.
    #[serde(default)]
    pub building: Option<String>,
}

/// 工作地点: the place of the tree an account works in, as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Workplace {
    pub code: PlaceCode,
    pub name: String,
    pub level: Level,
    /// A building head's building in that grid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
}

impl fmt::Display for Workplace {
    /// As a person reads it: `凤凰镇`, or `G1 1号楼` for a building.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.building {
            Some(building) => write!(f, "{} {building}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A user as the API shows one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInfo {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workplace: Option<Workplace>,
    /// Cannot log in.
    #[serde(default)]
    pub disabled: bool,
    /// Has a password an administrator set, not yet replaced by their own.
    #[serde(default)]
    pub must_change_password: bool,
    /// The one-time password the server just chose (an account added
    /// without a password, or a reset): shown once, never stored in clear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_time_password: Option<String>,
}

/// `GET /api/v1/fields`: the fields the county added that are in effect
/// for the round asked (the one in progress by default), and every version
/// kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldsView {
    pub round: Round,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_effect: Option<FieldSet>,
    /// Oldest first.
    pub versions: Vec<FieldSet>,
}

/// What a definitions file's import kept, or would keep in a dry run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DefinedFields {
    pub dry_run: bool,
    /// The new version (in a dry run, as it would be numbered now).
    pub set: FieldSet,
}

/// What a staff file's import did, or would do in a dry run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffImport {
    pub dry_run: bool,
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Every person of the file, in its order.
    pub accounts: Vec<StaffAccount>,
}

/// One person of a staff file and what the import did with their account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    /// The spreadsheet's row; the header is row 1.
    pub row: u32,
    pub display_name: String,
    pub username: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workplace: Option<Workplace>,
    /// `added`, `updated` (name, role or place) or `unchanged`.
    pub change: String,
    /// A new account's one-time password, to hand over: only in the answer
    /// of the import that created it, never in a dry run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_time_password: Option<String>,
}

/// `GET /api/v1/roster`: the households the caller may survey.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Roster {
    pub round: Round,
    pub grids: Vec<GridInfo>,
    /// Every household of the scope when `full`, else those changed since
    /// the cursor the request named.
    pub households: Vec<RosterHousehold>,
    /// Households taken out of the scope since the cursor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<HouseholdCode>,
    /// Whether this is the whole roster (the first sync, or a cursor that
    /// no longer applies): the phone replaces what it had.
    pub full: bool,
    /// The grids and outlines are as in the roster the cursor came with:
    /// `grids` is left empty and the phone keeps its own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub grids_kept: bool,
    /// Opaque; send it back as `?since=` to get only what changed.
    pub cursor: String,
    /// The fields the county added that the round's survey asks, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ExtraField>,
    /// The deployment's working-age limit and low-income line, by which the
    /// phone tells which follow-up lists a household is on
    /// (`follow_up::lists_of`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_age_limit: Option<crate::indicators::AgeLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_income_line: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridInfo {
    pub code: GridCode,
    pub name: String,
    /// The resettlement area (安置区) the grid belongs to.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub area: String,
    /// The grid's outline, for the map; absent where none was imported, and
    /// everywhere but the roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outline: Option<Outline>,
    /// The footprints of its buildings that have one, by name; as `outline`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buildings: Vec<BuildingOutline>,
}

/// `GET /api/v1/places`: the place tree as far as it holds the caller's
/// grids, from the top level down, by name within a level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceList {
    pub places: Vec<Place>,
}

/// `GET /api/v1/summary`: one place's figures this round, and those of the
/// places one level down (a grid's buildings), worst covered first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceSummary {
    pub round: Round,
    /// The place summed; `None` for everything the caller sees.
    pub place: Option<Place>,
    /// The places above it the caller may open, from the top down: the
    /// way back up.
    pub path: Vec<Place>,
    pub total: Tally,
    pub children: Vec<SummaryLine>,
    /// Yuan per person per year under which `low_income` counts a household.
    pub low_income_line: u32,
    /// The deployment's end of working age, when it sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_age_limit: Option<crate::indicators::AgeLimit>,
}

/// `GET /api/v1/households?q=`: a page of the households a search found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdSearch {
    pub hits: Vec<HouseholdHit>,
    /// Where the next page starts (`after=`); absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<HouseholdCode>,
}

/// A household a search found: where it is, who heads it, and whether it
/// is surveyed this round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdHit {
    pub code: HouseholdCode,
    pub grid: GridCode,
    pub building: String,
    pub room: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    pub members: u32,
    pub surveyed: bool,
}

/// One place one level down, or one building of a grid, with its figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummaryLine {
    /// The place's code, to open it; `None` for a building.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<PlaceCode>,
    /// A building's grid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid: Option<GridCode>,
    pub name: String,
    pub level: Level,
    pub tally: Tally,
}

/// A household as the survey form starts from it: its members' latest known
/// records (this round's ledger if there is one, else last round's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterHousehold {
    pub code: HouseholdCode,
    pub grid: GridCode,
    pub building: String,
    pub floor: i16,
    pub room: String,
    #[serde(default)]
    pub record: HouseholdRecord,
    /// The household's phone, masked, where it was taken out of `record`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_phone: Option<String>,
    pub members: Vec<RosterMember>,
    /// Whether this round's ledger already holds a submission.
    pub surveyed: bool,
    /// The username of whoever sent this round's latest submission, so
    /// that a team's members see who surveyed what.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surveyed_by: Option<String>,
    /// Whether anyone recorded a visit this round.
    #[serde(default)]
    pub visited: bool,
    /// Whether the ledger holds conflicts a supervisor must resolve.
    #[serde(default)]
    pub conflicted: bool,
    /// The latest submission of this round that a supervisor returned, until
    /// a submission made from a state that includes it (the correction) arrives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<Returned>,
    /// The submissions of this round that the members' records include;
    /// a submission made from this state names them as its base.
    pub base: Vec<SubmissionId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterMember {
    pub person: PersonId,
    /// Without resident ID and phone for roles that see them masked.
    pub record: LabourRecord,
    #[serde(default, skip_serializing_if = "MaskedIds::is_empty")]
    pub masked: MaskedIds,
}

/// `GET /api/v1/sessions`: a session open on some browser, for an
/// administrator to see and end. Times are RFC 3339 in UTC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenSession {
    /// Names the session to `DELETE /api/v1/sessions/{id}`.
    pub id: String,
    pub username: String,
    pub created_at: String,
    /// When it was last used; it ends once idle for the server's set time.
    pub seen_at: String,
    /// The address it logged in from.
    pub address: String,
    /// The browser's `User-Agent`.
    pub agent: String,
}

/// `POST /api/v1/submissions`: one household surveyed once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Writes to the household's added fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub household_extra: Vec<ExtraWrite>,
    pub members: Vec<MemberReport>,
}

impl Submission {
    /// Whether it may change the ID numbers the household's present
    /// members hold: it writes one, or someone joins or leaves.
    pub fn touches_resident_ids(&self) -> bool {
        self.members.iter().any(|m| {
            m.membership.is_some()
                || (m.writes.iter()).any(|w| matches!(w, FieldWrite::ResidentId(_)))
        })
    }
}

/// What a submission says of one member: confirmed unchanged (no writes),
/// these fields written, joined or left. A member the submission does not
/// mention is left alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberReport {
    pub person: PersonId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
    #[serde(default)]
    pub writes: Vec<FieldWrite>,
    /// Writes to the member's added fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<ExtraWrite>,
}

/// The server's answer to an accepted submission: stored and merged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub submission: SubmissionId,
    pub household: HouseholdCode,
    pub round: Round,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

/// `POST /api/v1/visits`: a grid member's visit to a household (走访).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visit {
    /// Made by the phone, so that a retry is recognised.
    pub id: Uuid,
    pub household: HouseholdCode,
    pub outcome: VisitOutcome,
    #[serde(with = "time::serde::rfc3339")]
    pub visited_at: OffsetDateTime,
    pub position: Position,
}

/// Where the phone was, or why it could not say.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Position {
    /// A fix from the Geolocation API, in WGS 84 degrees, with its accuracy in metres.
    Fix {
        latitude: f64,
        longitude: f64,
        accuracy_m: f64,
    },
    /// The user refused the phone's location permission.
    Denied,
    /// No fix in time (indoors, no signal).
    Unavailable,
}

impl Position {
    /// Whether a fix is a place on Earth with a sensible accuracy.
    pub fn is_plausible(&self) -> bool {
        match *self {
            Position::Fix {
                latitude,
                longitude,
                accuracy_m,
            } => {
                (-90.0..=90.0).contains(&latitude)
                    && (-180.0..=180.0).contains(&longitude)
                    && accuracy_m.is_finite()
                    && accuracy_m >= 0.0
            }
            Position::Denied | Position::Unavailable => true,
        }
    }

    /// The fix, if the phone had one.
    pub fn fix(&self) -> Option<Fix> {
        match *self {
            Position::Fix {
                latitude,
                longitude,
                accuracy_m,
            } => Some(Fix {
                longitude,
                latitude,
                accuracy_m,
            }),
            Position::Denied | Position::Unavailable => None,
        }
    }
}

/// The server's answer to a stored visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitReceipt {
    pub visit: Uuid,
    pub household: HouseholdCode,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

/// `GET /api/v1/visits`: a round's visits in the caller's scope, oldest
/// first, for the map and for review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitList {
    pub round: Round,
    pub visits: Vec<VisitPoint>,
    /// The display names of the visits' authors, by username, while they
    /// are users.
    #[serde(default)]
    pub authors: BTreeMap<String, String>,
}

/// One visit on the map: who called on which household, when, with what
/// outcome, where the phone was, and why it is up for review, if it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitPoint {
    pub id: Uuid,
    pub household: HouseholdCode,
    /// The author's username.
    pub author: String,
    #[serde(with = "time::serde::rfc3339")]
    pub visited_at: OffsetDateTime,
    pub outcome: VisitOutcome,
    /// Degrees rounded to 6 decimals, the accuracy to 1; absent when the
    /// phone had no fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
}

/// `GET /api/v1/households/{code}`: a ledger, with the masked forms of the
/// numbers taken out of it for roles that see them masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerView {
    #[serde(flatten)]
    pub ledger: HouseholdLedger,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub masked: BTreeMap<PersonId, MaskedIds>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_phone: Option<String>,
}

/// `GET /api/v1/households/{code}/history`: every round's ledger, oldest
/// first, each with its fields' trails.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct History {
    pub household: HouseholdCode,
    pub rounds: Vec<LedgerView>,
}

/// A submission a supervisor returned to the resident work team, with the
/// reason their phone shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Returned {
    pub submission: SubmissionId,
    pub reason: String,
    /// The supervisor's username.
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Where a household sits, as the supervisors' lists name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdPlace {
    pub code: HouseholdCode,
    pub grid: GridCode,
    pub building: String,
    pub floor: i16,
    pub room: String,
}

/// `POST /api/v1/submissions/{id}/review`: a supervisor's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewRequest {
    pub decision: ReviewDecision,
    /// Required to return, at most 200 characters; ignored to approve.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A supervisor's decision on one submission. It is final: the same
/// decision again is acknowledged, another one refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub submission: SubmissionId,
    pub decision: ReviewDecision,
    /// Why it was returned; `None` for an approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The supervisor's username.
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Where a submission stands in review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReviewState {
    /// No decision yet.
    Pending,
    Approved {
        by: String,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// Returned to the resident work team; their phone shows the reason.
    Returned {
        by: String,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
        reason: String,
    },
    /// Returned, and then `correction`, a submission made from a state that
    /// included it, arrived.
    Corrected {
        by: String,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
        reason: String,
        correction: SubmissionId,
    },
}

impl ReviewState {
    /// The state's name, as `GET /api/v1/review?state=` takes it.
    pub fn name(&self) -> &'static str {
        match self {
            ReviewState::Pending => "pending",
            ReviewState::Approved { .. } => "approved",
            ReviewState::Returned { .. } => "returned",
            ReviewState::Corrected { .. } => "corrected",
        }
    }
}

/// What a submission changed, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeSummary {
    /// Members reported on, changed or confirmed unchanged.
    pub members: u32,
    /// Member fields written.
    pub writes: u32,
    /// Household fields written.
    pub household_writes: u32,
    pub joined: u32,
    pub left: u32,
}

/// One submission in the supervisors' review list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewItem {
    pub submission: SubmissionId,
    pub kind: SubmissionKind,
    pub household: HouseholdPlace,
    /// The author's username.
    pub author: String,
    /// The author's display name, while they are a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub captured_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// Why `captured_at`, as the phone gave it, is doubtful, if it is
    /// (`review::clock_doubt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<crate::codes::ClockDoubt>,
    pub changes: ChangeSummary,
    pub review: ReviewState,
}

/// `GET /api/v1/review`: a round's submissions in the caller's scope,
/// newest first, a page at a time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewList {
    pub round: Round,
    pub submissions: Vec<ReviewItem>,
    /// How many submissions match, over every page.
    #[serde(default)]
    pub total: u32,
}

/// One side of an open conflict: what it wrote, who and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictSide<W> {
    pub write: W,
    /// The submission (to name as `choose` when resolving), its author and
    /// capture time.
    #[serde(flatten)]
    pub provenance: Provenance,
    /// The author's display name, while they are a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub received_at: Option<OffsetDateTime>,
    /// Whether the ledger holds this side's value until someone chooses.
    pub stands: bool,
}

/// What an open conflict is about, and its sides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConflictSides {
    /// Values of one member field.
    Field {
        sides: Vec<ConflictSide<FieldWrite>>,
    },
    /// Values of one household field.
    Household {
        sides: Vec<ConflictSide<HouseholdWrite>>,
    },
    /// Values of one added field, of a member or of the household.
    Extra {
        sides: Vec<ConflictSide<ExtraWrite>>,
    },
    /// Membership changes of one member.
    Membership {
        sides: Vec<ConflictSide<Membership>>,
    },
    /// A removal that did not know of edits to the member, and those edits
    /// with what each wrote.
    RemovedWhileEdited {
        removal: ConflictSide<Membership>,
        edits: Vec<ConflictSide<Edits>>,
    },
}

/// What one submission wrote to a member: built-in fields and added ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Edits {
    pub writes: Vec<FieldWrite>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<ExtraWrite>,
}

/// The member an open conflict is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictMember {
    pub person: PersonId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A conflict waiting for a supervisor, with everything needed to choose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenConflict {
    pub household: HouseholdPlace,
    /// `None` for a household field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<ConflictMember>,
    /// The field's name (`employment`, `extra.pension`), or `membership`.
    pub field: String,
    #[serde(flatten)]
    pub sides: ConflictSides,
}

/// `GET /api/v1/conflicts`: a round's open conflicts in the caller's scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictList {
    pub round: Round,
    pub conflicts: Vec<OpenConflict>,
    /// The added fields of the round, so that their conflicts are named as
    /// the form names them, choices included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ExtraField>,
    /// More households hold conflicts: the next page is `?after=` this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<HouseholdCode>,
}

/// `POST /api/v1/conflicts/resolve`: settle one conflict by choosing a
/// side. The server makes the resolution submission and takes it in like
/// any other.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveConflict {
    /// The resolution submission's id, made by the client so that a retry
    /// is recognised.
    pub id: SubmissionId,
    pub household: HouseholdCode,
    /// The round in progress by default.
    #[serde(default)]
    pub round: Option<Round>,
    /// The member, as `OpenConflict::member`; `None` for a household field.
    #[serde(default)]
    pub member: Option<PersonId>,
    /// As `OpenConflict::field`.
    pub field: String,
    /// The submission whose side stands from now on.
    pub choose: SubmissionId,
}

/// Every error the API answers with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldErrorBody {
    /// Where, like `members[2].months_worked`.
    pub path: String,
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::de::DeserializeOwned;
    use time::{Date, Duration};

    use super::*;
    use crate::codes::{
        Channel, Code, EmploymentStatus, JoinReason, LeaveReason, Sex, SubmissionKind, WorkPlace,
    };
    use crate::merge::{Accepted, merge_household};
    use crate::phone::Phone;
    use crate::resident_id::{ResidentId, check_char};

    fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
        let json = serde_json::to_string(value).unwrap();
        let back: T = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, value, "{json}");
    }

    fn any_code<T: Code + std::fmt::Debug>() -> impl Strategy<Value = T> {
        prop::sample::select(T::ALL)
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (0i64..(365 * 100)).prop_map(|d| time::macros::date!(1926 - 01 - 01) + Duration::days(d))
    }

    fn any_resident_id() -> impl Strategy<Value = ResidentId> {
        (any_date(), 0u32..1000).prop_map(|(birth, seq)| {
            let mut raw = format!(
                "140925{:04}{:02}{:02}{seq:03}",
                birth.year(),
                birth.month() as u8,
                birth.day()
            )
            .into_bytes();
            raw.push(check_char(&raw));
            ResidentId::parse(std::str::from_utf8(&raw).unwrap()).unwrap()
        })
    }

    fn any_phone() -> impl Strategy<Value = Phone> {
        (3u8..=9, 0u32..1_000_000_000)
            .prop_map(|(second, rest)| Phone::parse(&format!("1{second}{rest:09}")).unwrap())
    }

    fn any_write() -> impl Strategy<Value = FieldWrite> {
        prop_oneof![
            proptest::option::of("\\PC{0,12}").prop_map(FieldWrite::Name),
            proptest::option::of(any_code::<Sex>()).prop_map(FieldWrite::Sex),
            proptest::option::of(any_date()).prop_map(FieldWrite::BirthDate),
            proptest::option::of(any_resident_id()).prop_map(FieldWrite::ResidentId),
            proptest::option::of(any_code::<EmploymentStatus>()).prop_map(FieldWrite::Employment),
            proptest::option::of(any_code::<Channel>()).prop_map(FieldWrite::Channel),
            proptest::option::of(any_code::<WorkPlace>()).prop_map(FieldWrite::WorkPlace),
            proptest::option::of(any::<u8>()).prop_map(FieldWrite::MonthsWorked),
            proptest::option::of(any::<u32>()).prop_map(FieldWrite::MonthlyIncome),
            proptest::option::of(any::<bool>()).prop_map(FieldWrite::WillingToTrain),
            proptest::option::of(any_phone()).prop_map(FieldWrite::Phone),
        ]
    }

    fn any_household_write() -> impl Strategy<Value = HouseholdWrite> {
        prop_oneof![
            proptest::option::of(any_phone()).prop_map(HouseholdWrite::Phone),
            proptest::option::of("\\PC{0,20}").prop_map(HouseholdWrite::Address),
            proptest::option::of(any::<bool>()).prop_map(HouseholdWrite::Monitored),
            proptest::option::of(any::<u32>()).prop_map(HouseholdWrite::BusinessIncome),
            proptest::option::of(any::<u32>()).prop_map(HouseholdWrite::PropertyIncome),
            proptest::option::of(any::<u32>()).prop_map(HouseholdWrite::TransferIncome),
        ]
    }

    fn any_membership() -> impl Strategy<Value = Option<Membership>> {
        proptest::option::of(prop_oneof![
            any_code::<JoinReason>().prop_map(Membership::Joined),
            any_code::<LeaveReason>().prop_map(Membership::Left),
        ])
    }

    fn any_submission() -> impl Strategy<Value = Submission> {
        (
            any::<u128>(),
            any_code::<SubmissionKind>(),
            (2000u16..=2999, 1u8..=4),
            0i64..4_000_000_000,
            prop::collection::vec(any::<u128>(), 0..3),
            prop::collection::vec(any_household_write(), 0..3),
            prop::collection::vec(
                (
                    0u8..6,
                    any_membership(),
                    prop::collection::vec(any_write(), 0..4),
                ),
                0..4,
            ),
        )
            .prop_map(
                |(id, kind, (year, quarter), secs, base, household_writes, members)| Submission {
                    id: SubmissionId(Uuid::from_u128(id)),
                    kind,
                    household: HouseholdCode::parse("XF-1-0101").unwrap(),
                    round: Round::parse(&format!("{year}Q{quarter}")).unwrap(),
                    captured_at: OffsetDateTime::from_unix_timestamp(secs).unwrap(),
                    base: base
                        .into_iter()
                        .map(|b| SubmissionId(Uuid::from_u128(b)))
                        .collect(),
                    household_writes,
                    members: members
                        .into_iter()
                        .map(|(n, membership, writes)| MemberReport {
                            person: PersonId::parse(&format!("P{n}")).unwrap(),
                            membership,
                            writes,
                            extra: Vec::new(),
                        })
                        .collect(),
                    household_extra: Vec::new(),
                },
            )
    }

    proptest! {
        #[test]
        fn submissions_round_trip(sub in any_submission()) {
            round_trips(&sub);
        }

        #[test]
        fn ledgers_round_trip(subs in prop::collection::vec(any_submission(), 0..4)) {
            let accepted: Vec<Accepted> = subs
                .into_iter()
                .map(|submission| Accepted { submission, author: "surveyor".into() })
                .collect();
            let round = Round::parse("2026Q4").unwrap();
            let code = HouseholdCode::parse("XF-1-0101").unwrap();
            round_trips(&merge_household(&code, round, None, &accepted));
        }

        #[test]
        fn roster_and_receipts_round_trip(
            sub in any_submission(),
            record in prop::collection::vec(any_write(), 0..6),
            household_record in prop::collection::vec(any_household_write(), 0..3),
        ) {
            let mut labour = LabourRecord::default();
            for write in &record {
                labour.apply(write);
            }
            let mut own = HouseholdRecord::default();
            for write in &household_record {
                own.apply(write);
            }
            round_trips(&Roster {
                fields: vec![],
                working_age_limit: None,
                low_income_line: Some(8000),
                removed: vec![],
                full: true,
                grids_kept: false,
                cursor: "G1.1".into(),
                round: sub.round,
                grids: vec![GridInfo {
                    code: GridCode::parse("G1").unwrap(),
                    name: "第一网格".into(),
                    area: "城关安置区".into(),
                    outline: None,
                    buildings: vec![],
                }],
                households: vec![RosterHousehold {
                    code: sub.household.clone(),
                    grid: GridCode::parse("G1").unwrap(),
                    building: "1号楼".into(),
                    floor: 3,
                    room: "302".into(),
                    record: own,
                    masked_phone: None,
                    members: vec![RosterMember {
                        person: PersonId::parse("P1").unwrap(),
                        record: labour,
                        masked: MaskedIds::default(),
                    }],
                    surveyed: true,
                    surveyed_by: Some("surveyor".into()),
                    visited: true,
                    conflicted: false,
                    returned: Some(Returned {
                        submission: sub.id,
                        reason: "月收入与务工月数不符".into(),
                        by: "supervisor".into(),
                        at: sub.captured_at,
                    }),
                    base: sub.base.clone(),
                }],
            });
            round_trips(&Receipt {
                submission: sub.id,
                household: sub.household,
                round: sub.round,
                received_at: sub.captured_at,
            });
        }
    }

    #[test]
    fn visits_round_trip_with_or_without_a_fix() {
        for position in [
            Position::Fix {
                latitude: 39.01,
                longitude: 112.35,
                accuracy_m: 12.5,
            },
            Position::Denied,
            Position::Unavailable,
        ] {
            round_trips(&Visit {
                id: Uuid::from_u128(9),
                household: HouseholdCode::parse("XF-1-0101").unwrap(),
                outcome: crate::codes::VisitOutcome::NotHome,
                visited_at: OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap(),
                position,
            });
        }
        assert!(
            !Position::Fix {
                latitude: 91.0,
                longitude: 0.0,
                accuracy_m: 1.0
            }
            .is_plausible()
        );
        assert!(
            !Position::Fix {
                latitude: 0.0,
                longitude: 0.0,
                accuracy_m: -1.0
            }
            .is_plausible()
        );
    }

    #[test]
    fn the_small_types_round_trip() {
        round_trips(&LoginRequest {
            username: "surveyor".into(),
            password: "demo".into(),
        });
        let session = SessionInfo {
            username: "surveyor".into(),
            display_name: "驻点工作队".into(),
            role: Role::Surveyor,
            workplace: Some(Workplace {
                code: PlaceCode::parse("G1").unwrap(),
                name: "一网格".into(),
                level: Level::Grid,
                building: None,
            }),
            round: Round::parse("2026Q4").unwrap(),
            must_change_password: true,
        };
        round_trips(&Login {
            session: session.clone(),
            token: "ab12".into(),
        });
        round_trips(&session);
        round_trips(&ErrorBody {
            code: "invalid".into(),
            message: "提交的内容有误".into(),
            fields: vec![FieldErrorBody {
                path: "members[0].name".into(),
                code: "required".into(),
                message: "此项必填".into(),
            }],
        });
    }
}
