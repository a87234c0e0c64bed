//! Storage: one trait, one implementation per database. Only this module
//! contains SQL.

pub mod figures;
pub mod follow_ups;
mod import_rows;
mod import_steps;
mod portable;
mod postgres;
mod postgres_import;
mod rows;
mod sessions;
mod sqlite;
pub mod sqlite_backup;
mod sqlite_import;
mod sqlite_reads;
mod sqlite_writer;
pub mod transfer;

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;

use shared::codes::{FollowUp, Role};
use shared::coverage::HouseholdStatus;
use shared::extra::{ExtraField, FieldSet};
use shared::follow_up::{ActionReceipt, FollowUpAction};
use shared::map::GridMap;
use shared::merge::{Accepted, HouseholdLedger};
use shared::place::{GridCode, HouseholdCode, Place, PlaceCode};
use shared::round::Round;
use shared::tally::Tally;
use shared::wire::{
    GridInfo, Receipt, Review, RosterHousehold, SubmissionId, Visit, VisitReceipt, Workplace,
};
use time::{Date, OffsetDateTime};

use crate::import::boundary::Boundary;
use crate::import::{Imported, RosterImport};

pub use postgres::Postgres;
pub use sqlite::Sqlite;

/// The database failed; the cause is for the log, not the client.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data does not parse: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Writer(#[from] rusqlite::Error),
    #[error("the write task has stopped")]
    WriterStopped,
    #[error("the group commit failed: {0}")]
    Batch(String),
    /// The database cannot take the write now (its disk is full, say); a
    /// retry later may succeed.
    #[error("the database cannot write now: {0}")]
    Unavailable(String),
}

impl StoreError {
    /// Whether the database is out of reach or out of space for now, rather
    /// than the request or the data being at fault: PostgreSQL restarting
    /// or unreachable, a disk full. Worth a retry later.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Unavailable(_) => true,
            StoreError::Database(err) => sqlx_unavailable(err),
            StoreError::Writer(err) => sqlite_unavailable(err),
            _ => false,
        }
    }
}

fn sqlx_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // PostgreSQL: connection exceptions (08), shutting down or
            // starting (57P01-57P03), out of disk or memory (53).
            code.starts_with("08")
                || code.starts_with("53")
                || matches!(&*code, "57P01" | "57P02" | "57P03")
                // SQLite: the disk is full, or the file cannot be written.
                || code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 10 | 13))
        }),
        _ => false,
    }
}

/// Whether rusqlite's error is a full disk or a failed write of the file.
pub fn sqlite_unavailable(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DiskFull | rusqlite::ErrorCode::SystemIoFailure)
    )
}

/// A user as the server checks them.
#[derive(Clone, Debug)]
pub struct User {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Where the user works; `None` for administrators and supervisors of
    /// everything.
    pub workplace: Option<Workplace>,
    pub demo: bool,
    /// Cannot log in; sessions it holds are refused.
    pub disabled: bool,
    /// Holds a password an administrator set; may only replace it.
    pub must_change_password: bool,
}

/// Where a login comes from: a browser that logged in as the user before
/// (by the hash of its device token), or else an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginSource {
    pub address: String,
    pub device: Option<String>,
}

/// How many logins failed, and the last one's time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last: Option<OffsetDateTime>,
}

/// A session being opened.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub token_hash: String,
    pub username: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// The address the login came from.
    pub address: String,
    /// The browser's `User-Agent`.
    pub agent: String,
}

/// A session's user, and when the session was last used.
#[derive(Clone, Debug)]
pub struct SessionUser {
    pub user: User,
    pub seen_at: OffsetDateTime,
}

/// Who chose a password being stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordSetBy {
    /// Its user: it stands.
    Owner,
    /// An administrator or supervisor (a reset, a first password): the
    /// user must choose their own at the next login.
    Manager,
}

/// How busy a store is, for `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreLoad {
    /// Connections open in the pool, and of those, idle.
    pub pool_open: u32,
    pub pool_idle: u32,
    /// Submissions waiting for their turn to be written: SQLite's group
    /// commit queue; PostgreSQL writes each on its own connection.
    pub intake_waiting: usize,
}

/// Whether an account may log in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Enabled,
    Disabled,
}

/// The grids a read covers; `http::auth::Caller` says which a request may.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every grid: administrators and county-wide supervisors.
    All,
    /// The grids of one resettlement area (安置区), as they were when the
    /// request was made.
    Area { name: String, grids: Vec<GridCode> },
    /// The grids under one place of the tree, and every place under it
    /// (itself too), as they were when the request was made.
    Place {
        code: PlaceCode,
        grids: Vec<GridCode>,
        places: Vec<PlaceCode>,
    },
    /// One grid.
    Grid(GridCode),
    /// One building of a grid: a building head's.
    Building { grid: GridCode, building: String },
    /// Some grids of a wider scope: one page of a long read.
    Page(Vec<GridCode>),
}

impl Scope {
    /// The grids covered; `None` for every grid.
    pub fn grids(&self) -> Option<&[GridCode]> {
        match self {
            Scope::All => None,
            Scope::Area { grids, .. } | Scope::Page(grids) | Scope::Place { grids, .. } => {
                Some(grids)
            }
            Scope::Grid(grid) | Scope::Building { grid, .. } => Some(std::slice::from_ref(grid)),
        }
    }

    /// The places covered, as codes, for what is kept by place (accounts);
    /// `None` for every place.
    pub fn places(&self) -> Option<Vec<&str>> {
        match self {
            Scope::Place { places, .. } => Some(places.iter().map(PlaceCode::as_str).collect()),
            _ => self
                .grids()
                .map(|grids| grids.iter().map(GridCode::as_str).collect()),
        }
    }

    /// The one building covered, for a building head.
    pub fn building(&self) -> Option<&str> {
        match self {
            Scope::Building { building, .. } => Some(building),
            _ => None,
        }
    }

    /// This scope narrowed to `grids`, some of its own, for one page of a
    /// long read: a building head's stays their building.
    pub fn page(&self, grids: Vec<GridCode>) -> Scope {
        match self {
            Scope::Building { .. } => self.clone(),
            _ => Scope::Page(grids),
        }
    }

    /// Whether a household of `grid` and `building` is covered.
    pub fn covers_household(&self, grid: &GridCode, building: &str) -> bool {
        self.covers(grid) && self.building().is_none_or(|b| b == building)
    }

    /// Whether `grid` is covered.
    pub fn covers(&self, grid: &GridCode) -> bool {
        self.grids().is_none_or(|grids| grids.contains(grid))
    }
}

/// As audit lines name it: `grid=all`, `grid=G1` or `area=…`.
impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.write_str("grid=all"),
            Scope::Area { name, .. } => write!(f, "area={name}"),
            Scope::Place { code, .. } => write!(f, "place={code}"),
            Scope::Grid(grid) => write!(f, "grid={grid}"),
            Scope::Building { grid, building } => write!(f, "grid={grid} building={building}"),
            Scope::Page(grids) => write!(f, "grids={}", grids.len()),
        }
    }
}

/// The figures of a grid's households, or of one building's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GridTally {
    pub grid: GridCode,
    pub building: Option<String>,
    pub tally: Tally,
}

/// A stored user with their password hash, for logging in.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

/// Where a household sits.
#[derive(Clone, Debug)]
pub struct HouseholdPlace {
    pub code: HouseholdCode,
    pub grid: GridCode,
    pub building: String,
    pub floor: i16,
    pub room: String,
}

/// One line of the audit log: a read of unmasked personal information, a
/// ledger export, a review decision, or a supervisor's correction or
/// resolution.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditEntry {
    pub at: String,
    pub username: String,
    pub action: String,
    pub subject: String,
}

/// A household and its ledger for a round.
#[derive(Clone, Debug)]
pub struct HouseholdState {
    pub place: HouseholdPlace,
    /// This round's ledger; before any submission, last round's carried over.
    pub ledger: HouseholdLedger,
}

/// A grid with its name, area and outline.
#[derive(Clone, Debug)]
pub struct GridRow {
    pub code: GridCode,
    pub name: String,
    pub area: String,
    /// Its area, or the grid above it.
    pub parent: Option<PlaceCode>,
    pub boundary: Option<Boundary>,
}

impl GridRow {
    /// The grid as a place of the tree.
    pub fn place(&self) -> Place {
        crate::import::grid_place(&self.code, &self.name, self.parent.as_ref())
    }
}

/// What the database holds before any survey: places and their outlines,
/// last round's ledger, users.
#[derive(Clone, Debug, Default)]
pub struct Seed {
    /// The places above the grids, parents first.
    pub places: Vec<Place>,
    pub grids: Vec<GridRow>,
    /// Buildings' outlines, by grid and building name.
    pub building_boundaries: Vec<(GridCode, String, Boundary)>,
    pub households: Vec<HouseholdPlace>,
    pub ledgers: Vec<HouseholdLedger>,
    pub users: Vec<Credentials>,
}

/// What recording a submission (or a visit) came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded<R = Receipt> {
    /// Stored (and merged) now.
    New(R),
    /// Stored before with the same body: the original receipt.
    Again(R),
    /// The id was used before for a different body.
    IdReused,
}

/// A visit as the server keeps it.
#[derive(Clone, Debug)]
pub struct StoredVisit {
    pub visit: Visit,
    pub author: String,
    /// The round of the visit's day.
    pub round: Round,
    pub digest: String,
    pub received_at: OffsetDateTime,
}

/// A follow-up action as the server keeps it.
#[derive(Clone, Debug)]
pub struct StoredAction {
    pub action: FollowUpAction,
    pub author: String,
    pub digest: String,
    pub received_at: OffsetDateTime,
}

/// A stored visit as the map shows it: with its author and the grid of the
/// household visited.
#[derive(Clone, Debug)]
pub struct PlacedVisit {
    pub visit: Visit,
    pub author: String,
    pub grid: GridCode,
}

/// A stored submission: as accepted, when it arrived, where its household
/// sits, and the decision on it.
#[derive(Clone, Debug)]
pub struct StoredSubmission {
    pub accepted: Accepted,
    pub received_at: OffsetDateTime,
    pub place: HouseholdPlace,
    pub review: Option<Review>,
}

/// What storing a review came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reviewed {
    /// Stored now, with its line in the audit log.
    New(Review),
    /// A decision on the submission was stored before: this one.
    Earlier(Review),
}

/// What the server needs from a database; implemented by `store::Sqlite`
/// and `store::Postgres`.
pub trait Store: Clone + Send + Sync + 'static {
    /// Whether no place has been stored yet.
    fn is_empty(&self) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Stores places, ledgers and users, all or nothing.
    fn seed(&self, seed: &Seed) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Applies a roster import to its round in one transaction: reads the
    /// roster as stored, plans the import over it (`import::plan`), writes
    /// the plan unless it has errors or is a dry run, and writes the
    /// import's line in the audit log. Households it changes are marked
    /// changed, and those it takes out of the roster are listed in the
    /// roster's removals, for the phones' next delta. While it runs, no
    /// submission is merged.
    fn import_roster(
        &self,
        import: &RosterImport,
    ) -> impl Future<Output = Result<Imported, StoreError>> + Send;

    /// A user and their password hash.
    fn credentials(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<Credentials>, StoreError>> + Send;

    /// Failed logins of `username` from `source` since `since`.
    fn login_failures(
        &self,
        username: &str,
        source: &LoginSource,
        since: OffsetDateTime,
    ) -> impl Future<Output = Result<Failures, StoreError>> + Send;

    /// Failed logins of `username` since `since` from anywhere but a known device.
    fn user_login_failures(
        &self,
        username: &str,
        since: OffsetDateTime,
    ) -> impl Future<Output = Result<Failures, StoreError>> + Send;

    /// Notes a failed login, and forgets every one older than
    /// `forget_before`; a successful one clears its source's
    /// (`clear_login_failures`).
    fn add_login_failure(
        &self,
        username: &str,
        source: &LoginSource,
        at: OffsetDateTime,
        forget_before: OffsetDateTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Forgets a user's failed logins from `source`.
    fn clear_login_failures(
        &self,
        username: &str,
        source: &LoginSource,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Whether the device whose token hashes to `device` logged in as `username` before.
    fn is_known_device(
        &self,
        username: &str,
        device: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Notes that the device whose token hashes to `device` logged in as `username`.
    fn remember_device(
        &self,
        username: &str,
        device: &str,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Writes one line of the audit log: a read of unmasked personal
    /// information, a ledger export, or a supervisor's change to the ledger.
    fn audit(
        &self,
        username: &str,
        action: &str,
        subject: &str,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Writes a line of the audit log unless one with this action and
    /// subject is there: for a change whose line must follow its commit,
    /// so that a retry writes the line a failed first attempt did not.
    fn audit_once(
        &self,
        username: &str,
        action: &str,
        subject: &str,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// How many households of the roster lie in `scope`, in `building`
    /// if one is named.
    fn count_households(
        &self,
        scope: &Scope,
        building: Option<&str>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Every place of the tree, down to the grids.
    fn places(&self) -> impl Future<Output = Result<Vec<Place>, StoreError>> + Send;

    /// Every version of the fields the county added, oldest first.
    fn field_sets(&self) -> impl Future<Output = Result<Vec<FieldSet>, StoreError>> + Send;

    /// Keeps `fields` as the next version, in effect from `from`, with its
    /// line in the audit log; `None` when another upload took that version
    /// number first.
    fn add_field_set(
        &self,
        from: Round,
        fields: &[ExtraField],
        by: &str,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<FieldSet>, StoreError>> + Send;

    /// The audit log, newest first, at most `limit` lines.
    fn audit_log(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<AuditEntry>, StoreError>> + Send;

    /// Users by username: those whose username or name contains `search`
    /// (every one without it) and whose grid `scope` covers (with
    /// `Scope::All`, users of no grid too), at most `limit`.
    fn users(
        &self,
        search: Option<&str>,
        scope: &Scope,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<User>, StoreError>> + Send;

    /// One user, if there is one by that name.
    fn user(&self, username: &str)
    -> impl Future<Output = Result<Option<User>, StoreError>> + Send;

    /// Adds a user; `false` if the username is taken.
    fn create_user(
        &self,
        credentials: &Credentials,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Changes a user's role, grid and area; `false` if there is no such user.
    fn set_scope(
        &self,
        username: &str,
        role: Role,
        workplace: Option<&Workplace>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Stores a new password hash and ends the user's sessions; `false` if
    /// there is no such user.
    fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        set_by: PasswordSetBy,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Enables or disables an account; `false` if there is no such user. A
    /// disabled account's sessions are refused, not ended, so that its
    /// phone can say why it was logged out.
    fn set_access(
        &self,
        username: &str,
        access: Access,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// How busy the store is now.
    fn load(&self) -> StoreLoad;

    /// Adds the `added` accounts and sets the name, role and workplace of
    /// the `updated` ones, all or none; `false` (and nothing written) if a
    /// username to add was taken meanwhile.
    fn apply_staff(
        &self,
        added: &[Credentials],
        updated: &[User],
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The places whose code is `raw`, or else those named `raw`.
    fn places_called(
        &self,
        raw: &str,
    ) -> impl Future<Output = Result<Vec<Place>, StoreError>> + Send;

    /// The places under `code` (itself too), and the grids among them that
    /// hold households.
    fn subtree(
        &self,
        code: &PlaceCode,
    ) -> impl Future<Output = Result<(Vec<PlaceCode>, Vec<GridCode>), StoreError>> + Send;

    /// Computes the figures of every household whose kept ones are stale
    /// as of `on` (see `figures::STALE`); a household without a ledger
    /// gets empty figures of `round`. Returns how many were computed.
    fn refresh_figures(
        &self,
        round: Round,
        on: Date,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// The households whose roster entry, ledger or visits changed after
    /// `since`, in the order of their change.
    fn changed_households(
        &self,
        since: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<figures::HouseholdChange>, StoreError>> + Send;

    /// How many roster imports were ever run: it changes with each one,
    /// whichever server ran it.
    fn roster_imports(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// The kept figures of the households of `scope` for `round`, the round
    /// in progress, with households under `low_income_line` counted: one
    /// sum per grid, or per building of each grid with `by_building`.
    fn tallies(
        &self,
        round: Round,
        low_income_line: u32,
        scope: &Scope,
        by_building: bool,
    ) -> impl Future<Output = Result<Vec<GridTally>, StoreError>> + Send;

    /// The households of `scope` whose code, phone, or a member's name, ID
    /// number or phone contains `term` (lowercased), by code, after
    /// `after`, at most `limit`.
    fn search_households(
        &self,
        scope: &Scope,
        term: &str,
        after: Option<&HouseholdCode>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<HouseholdPlace>, StoreError>> + Send;

    /// Records the definitions this store keeps figures under (the end of
    /// working age); if the database's figures were kept under others,
    /// unsets every household's, so that they are computed again. Returns
    /// whether they were.
    fn adopt_definitions(&self) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Brings the follow-up lists up to date with the kept figures of the
    /// households changed after `since` (with `None`, of every household on
    /// a list or with an item open), those under `low_income_line`
    /// low-income, as of `today`. Returns how many households it compared.
    fn keep_follow_ups(
        &self,
        low_income_line: u32,
        since: Option<OffsetDateTime>,
        today: Date,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// A page of the items of `list` in `scope`, open ones or cleared ones:
    /// by the day entered (or with `by_household`, by household), then by
    /// id, after `after`'s key and id, at most `limit`.
    fn follow_up_items(
        &self,
        scope: &Scope,
        list: FollowUp,
        open: bool,
        by_household: bool,
        after: Option<(&str, i64)>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<follow_ups::ItemRow>, StoreError>> + Send;

    /// The open items of `scope` by grid (or building) and list, those
    /// entered before each list's day in `overdue_before` counted overdue.
    fn follow_up_counts(
        &self,
        scope: &Scope,
        overdue_before: &[(FollowUp, Date); 3],
        by_building: bool,
    ) -> impl Future<Output = Result<Vec<follow_ups::CountRow>, StoreError>> + Send;

    /// The labourers of `scope` seeking work whose "131" is met since they
    /// entered the list (`follow_ups::met_131_sql`).
    fn met_131(&self, scope: &Scope) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// What was done in every grid from `from` to before `to`, and which
    /// zero-employment items entered or were cleared from day `first` to
    /// day `last`.
    fn activity(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        first: Date,
        last: Date,
    ) -> impl Future<Output = Result<Vec<follow_ups::ActivityRow>, StoreError>> + Send;

    /// The earliest round the ledger holds.
    fn first_round(&self) -> impl Future<Output = Result<Option<Round>, StoreError>> + Send;

    /// The grids' figures of `round` kept so far (`round_tallies`).
    fn round_tallies(
        &self,
        round: Round,
    ) -> impl Future<Output = Result<Vec<(GridCode, Tally)>, StoreError>> + Send;

    /// Keeps grids' figures of a closed `round`, unless kept already.
    fn keep_round_tallies(
        &self,
        round: Round,
        tallies: &[(GridCode, Tally)],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The actions recorded for `households` done at or after `since`,
    /// latest first, each with who did it (display name, else username).
    fn follow_up_actions(
        &self,
        households: &[&HouseholdCode],
        since: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<(FollowUpAction, String)>, StoreError>> + Send;

    /// The households of `scope` whose latest ledger holds a conflict, by
    /// code: at most `limit`, from the first after `after`.
    fn conflicted_households(
        &self,
        scope: &Scope,
        after: Option<&HouseholdCode>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<HouseholdCode>, StoreError>> + Send;

    /// Whether a grid holds a household in `building`.
    fn building_exists(
        &self,
        grid: &GridCode,
        building: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The grids of a resettlement area, by code; none if no grid names it.
    fn area_grids(
        &self,
        area: &str,
    ) -> impl Future<Output = Result<Vec<GridCode>, StoreError>> + Send;

    /// Opens a session identified by the hash of its token.
    fn create_session(
        &self,
        session: &NewSession,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The user of an unexpired session, and when it was last used.
    fn session_user(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<SessionUser>, StoreError>> + Send;

    /// Notes that a session was used at `at`.
    fn touch_session(
        &self,
        token_hash: &str,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Ends a session.
    fn delete_session(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The unexpired sessions, of one user or of everyone, the latest used first.
    fn sessions(
        &self,
        username: Option<&str>,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<shared::wire::OpenSession>, StoreError>> + Send;

    /// Ends the session an administrator names by its id; its user, if there was one.
    fn end_session(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// The scope's grids, by code, with their names.
    fn grids(
        &self,
        scope: &Scope,
    ) -> impl Future<Output = Result<Vec<GridInfo>, StoreError>> + Send;

    /// The outlines of the scope's grids and of their buildings, by grid
    /// code; a grid with neither is left out.
    fn map(&self, scope: &Scope) -> impl Future<Output = Result<Vec<GridMap>, StoreError>> + Send;

    /// The scope's households with their members' latest records for
    /// `round`; only those changed after `since`, when given.
    fn roster(
        &self,
        round: Round,
        scope: &Scope,
        since: Option<OffsetDateTime>,
    ) -> impl Future<Output = Result<Vec<RosterHousehold>, StoreError>> + Send;

    /// Households taken out of the scope's grids after `since`.
    fn roster_removals(
        &self,
        scope: &Scope,
        since: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<HouseholdCode>, StoreError>> + Send;

    /// Where a household sits, if it exists.
    fn household(
        &self,
        code: &HouseholdCode,
    ) -> impl Future<Output = Result<Option<HouseholdPlace>, StoreError>> + Send;

    /// Where a household sits and its ledger for `round`, in one read.
    fn household_state(
        &self,
        code: &HouseholdCode,
        round: Round,
    ) -> impl Future<Output = Result<Option<HouseholdState>, StoreError>> + Send;

    /// Stores a submission and merges it into its household's ledger, in one
    /// transaction that is committed before this returns.
    fn record(
        &self,
        accepted: &Accepted,
        digest: &str,
        received_at: OffsetDateTime,
    ) -> impl Future<Output = Result<Recorded, StoreError>> + Send;

    /// Stores a follow-up action once, committed before this returns.
    fn record_action(
        &self,
        action: &StoredAction,
    ) -> impl Future<Output = Result<Recorded<ActionReceipt>, StoreError>> + Send;

    /// Stores a visit once, committed before this returns.
    fn record_visit(
        &self,
        visit: &StoredVisit,
    ) -> impl Future<Output = Result<Recorded<VisitReceipt>, StoreError>> + Send;

    /// Each visit of `round` by an author who visited one of the scope's
    /// households in it, to the scope's households or any other, so that
    /// the pace between an author's visits can be judged; oldest first.
    fn round_visits(
        &self,
        round: Round,
        scope: &Scope,
    ) -> impl Future<Output = Result<Vec<PlacedVisit>, StoreError>> + Send;

    /// A household's ledger for a round, if any was kept.
    fn ledger(
        &self,
        code: &HouseholdCode,
        round: Round,
    ) -> impl Future<Output = Result<Option<HouseholdLedger>, StoreError>> + Send;

    /// Every round's ledger of a household, oldest first.
    fn history(
        &self,
        code: &HouseholdCode,
    ) -> impl Future<Output = Result<Vec<HouseholdLedger>, StoreError>> + Send;

    /// Each household's survey and visits in `round`, of the scope's grids,
    /// ordered by grid, building, floor and room.
    fn household_status(
        &self,
        round: Round,
        scope: &Scope,
    ) -> impl Future<Output = Result<Vec<HouseholdStatus>, StoreError>> + Send;

    /// Each household with where it sits and its ledger for `round` (last
    /// round's carried where none was kept yet), of the scope's grids,
    /// ordered by grid, building, floor and room.
    fn household_states(
        &self,
        round: Round,
        scope: &Scope,
    ) -> impl Future<Output = Result<Vec<HouseholdState>, StoreError>> + Send;

    /// Each submission of `round` to the scope's households, newest first.
    fn round_submissions(
        &self,
        round: Round,
        scope: &Scope,
    ) -> impl Future<Output = Result<Vec<StoredSubmission>, StoreError>> + Send;

    /// Each submission of a household's round, newest first.
    fn household_submissions(
        &self,
        code: &HouseholdCode,
        round: Round,
    ) -> impl Future<Output = Result<Vec<StoredSubmission>, StoreError>> + Send;

    /// One submission, if it was stored.
    fn submission(
        &self,
        id: SubmissionId,
    ) -> impl Future<Output = Result<Option<StoredSubmission>, StoreError>> + Send;

    /// When each submission of `round` to the scope's households arrived.
    fn received_times(
        &self,
        round: Round,
        scope: &Scope,
    ) -> impl Future<Output = Result<BTreeMap<SubmissionId, OffsetDateTime>, StoreError>> + Send;

    /// Stores a decision on a stored submission unless one was stored
    /// before, in one transaction with its line in the audit log (`subject`
    /// says what was decided). A return also marks the household changed,
    /// so that the phones' next roster delta shows it.
    fn review(
        &self,
        review: &Review,
        subject: &str,
    ) -> impl Future<Output = Result<Reviewed, StoreError>> + Send;
}
