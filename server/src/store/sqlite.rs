//! The embedded default: SQLite in WAL mode with `synchronous = FULL`, so a
//! committed submission survives a crash or power loss.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use shared::codes::FollowUp;
use shared::codes::{Code, ReviewDecision, Role};
use shared::coverage::HouseholdStatus;
use shared::extra::{ExtraField, FieldSet};
use shared::follow_up::{ActionReceipt, FollowUpAction};
use shared::indicators::AgeLimit;
use shared::map::GridMap;
use shared::merge::{Accepted, HouseholdLedger};
use shared::place::{GridCode, HouseholdCode, Place, PlaceCode};
use shared::round::Round;
use shared::tally::Tally;
use shared::wire::{GridInfo, Review, RosterHousehold, SubmissionId, VisitReceipt};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use time::{Date, OffsetDateTime};
use tracing::instrument;

use super::import_steps::Lists;
use super::sessions::Sessions;
use super::{Failures, LoginSource, NewSession, SessionUser};
use shared::wire::OpenSession;

use super::figures::{
    CHANGED_HOUSEHOLDS, CONFLICTED, KeptFigures, LATEST_LEDGER, MARK_VISITED, REFRESH_CHUNK, STALE,
    SUMS, SumsRow, ledger_of, set_figures,
};
use super::follow_ups;
use super::import_rows::{ADD_PERSON_ID, AUDIT_ACTION, PLACES, TreeRow, UPSERT_PLACE};
use super::portable::{
    INSERT_USER, NEWEST_FIRST, SUBMISSIONS, SUBTREE, USER_COLUMNS, USER_PLACE, containing,
    in_building, latest_rows_sql, portable_queries, workplace_binds,
};
use super::rows::{
    CredentialsRow, GridInfoRow, OutlineRow, PlaceRow, ReviewRow, RosterRow, StatusRow,
    SubmissionRow, UserRow, VisitRow, from_json, grid_maps, parse_submission_id, parse_timestamp,
    timestamp, to_json, visit_receipt,
};
use super::sqlite_reads::Readers;
use super::sqlite_writer::Writer;
use super::{
    Access, AuditEntry, Credentials, GridTally, HouseholdPlace, HouseholdState, PasswordSetBy,
    PlacedVisit, Recorded, Reviewed, Scope, Seed, Store, StoreError, StoreLoad, StoredAction,
    StoredSubmission, StoredVisit, User,
};
use crate::import::boundary::Boundary;

/// A scope's grids as one parameter, read by `in_scope`: a JSON array, or
/// NULL for every grid.
fn grid_list(scope: &Scope) -> Option<String> {
    scope
        .grids()
        .map(|grids| to_json(&grids.iter().map(GridCode::as_str).collect::<Vec<_>>()))
}

/// A scope's places as one parameter, read by `in_scope` for what is kept
/// by place: a JSON array, or NULL for every place.
fn place_list(scope: &Scope) -> Option<String> {
    scope.places().map(|places| to_json(&places))
}

/// The condition that `column` is one of the grids `grid_list` bound as
/// parameter `$n`, written for `scope`: a test of the parameter beside the
/// column's would keep SQLite from reading the column's index.
fn in_scope(column: &str, n: u8, scope: &Scope) -> String {
    match scope.grids() {
        None => format!("${n} IS NULL"),
        Some(_) => format!("{column} IN (SELECT value FROM json_each(${n}))"),
    }
}

/// A household's latest return in round `$1` that no submission's base
/// names yet, as JSON text.
const OPEN_RETURN: &str = "SELECT json_object('submission', r.submission, 'reason', r.reason, \
         'by', r.reviewer, 'at', r.reviewed_at) \
     FROM reviews r WHERE r.household = h.code AND r.round = $1 AND r.decision = 'return' \
     AND NOT EXISTS (SELECT 1 FROM submissions s, json_each(s.body, '$.submission.base') b \
         WHERE s.household = h.code AND s.round = $1 AND b.value = r.submission) \
     ORDER BY r.reviewed_at DESC LIMIT 1";

/// A SQLite database file: a pool of connections for reads and other
/// writes, connections for the reads each submission makes, and a single
/// writer that commits submissions in groups.
#[derive(Clone, Debug)]
pub struct Sqlite {
    pool: SqlitePool,
    readers: Arc<Readers>,
    writer: Writer,
    age_limit: Option<AgeLimit>,
}

impl Sqlite {
    /// Opens (creating if needed) the database at `url` and runs migrations.
    pub async fn open(url: &str) -> Result<Sqlite, StoreError> {
        Sqlite::open_with(url, None).await
    }

    /// As `open`, with figures kept under the deployment's `age_limit`.
    pub async fn open_with(url: &str, age_limit: Option<AgeLimit>) -> Result<Sqlite, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        let writer = Writer::start(options.get_filename(), age_limit)?;
        let readers = Arc::new(Readers::new(options.get_filename()));
        Ok(Sqlite {
            pool,
            readers,
            writer,
            age_limit,
        })
    }

    /// The roster's rows: see `latest_rows_sql`.
    async fn latest_rows(
        &self,
        round: Round,
        scope: &Scope,
        since: Option<OffsetDateTime>,
    ) -> Result<Vec<RosterRow>, StoreError> {
        let sql = latest_rows_sql(
            OPEN_RETURN,
            &(in_scope("h.grid", 2, scope) + &in_building("h", scope)),
        );
        let rows: Vec<RosterRow> = sqlx::query_as(&sql)
            .bind(round.to_string())
            .bind(grid_list(scope))
            .bind(since.map(timestamp))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows)
    }
}

/// The database the portable queries bind their lists for.
type Db = sqlx::Sqlite;

impl Store for Sqlite {
    portable_queries!();

    async fn login_failures(
        &self,
        username: &str,
        source: &LoginSource,
        since: OffsetDateTime,
    ) -> Result<Failures, StoreError> {
        Sessions(&self.pool).failures(username, source, since).await
    }

    async fn user_login_failures(
        &self,
        username: &str,
        since: OffsetDateTime,
    ) -> Result<Failures, StoreError> {
        Sessions(&self.pool).user_failures(username, since).await
    }

    async fn add_login_failure(
        &self,
        username: &str,
        source: &LoginSource,
        at: OffsetDateTime,
        forget_before: OffsetDateTime,
    ) -> Result<(), StoreError> {
        (Sessions(&self.pool))
            .add_failure(username, source, at, forget_before)
            .await
    }

    async fn clear_login_failures(
        &self,
        username: &str,
        source: &LoginSource,
    ) -> Result<(), StoreError> {
        Sessions(&self.pool).clear_failures(username, source).await
    }

    async fn is_known_device(&self, username: &str, device: &str) -> Result<bool, StoreError> {
        Sessions(&self.pool).is_known_device(username, device).await
    }

    async fn remember_device(
        &self,
        username: &str,
        device: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        Sessions(&self.pool)
            .remember_device(username, device, at)
            .await
    }

    async fn create_session(&self, session: &NewSession) -> Result<(), StoreError> {
        Sessions(&self.pool).create(session).await
    }

    async fn touch_session(&self, token_hash: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        Sessions(&self.pool).touch(token_hash, at).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        Sessions(&self.pool).delete(token_hash).await
    }

    async fn sessions(
        &self,
        username: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Vec<OpenSession>, StoreError> {
        Sessions(&self.pool).list(username, now).await
    }

    async fn end_session(&self, id: &str) -> Result<Option<String>, StoreError> {
        Sessions(&self.pool).end(id).await
    }

    async fn import_roster(
        &self,
        import: &crate::import::RosterImport,
    ) -> Result<crate::import::Imported, StoreError> {
        super::sqlite_import::import_roster(&self.pool, import).await
    }

    async fn audit_once(
        &self,
        username: &str,
        action: &str,
        subject: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_log (at, username, action, subject) SELECT ?1, ?2, ?3, ?4 \
             WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE action = ?3 AND subject = ?4)",
        )
        .bind(timestamp(at))
        .bind(username)
        .bind(action)
        .bind(subject)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session_user(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SessionUser>, StoreError> {
        self.readers.session_user(token_hash, now)
    }

    async fn household_state(
        &self,
        code: &HouseholdCode,
        round: Round,
    ) -> Result<Option<HouseholdState>, StoreError> {
        self.readers.household_state(code.as_str(), round)
    }

    fn load(&self) -> StoreLoad {
        StoreLoad {
            pool_open: self.pool.size(),
            pool_idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            intake_waiting: self.writer.waiting(),
        }
    }

    #[instrument(skip_all, fields(submission = %accepted.submission.id))]
    async fn record(
        &self,
        accepted: &Accepted,
        digest: &str,
        received_at: OffsetDateTime,
    ) -> Result<Recorded, StoreError> {
        self.writer.record(accepted, digest, received_at).await
    }
}
