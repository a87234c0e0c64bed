//! The production database: PostgreSQL, shared by several servers. Each
//! merge locks its household's row, so concurrent servers cannot lose a
//! submission from a ledger.

use std::collections::BTreeMap;

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
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use time::{Date, OffsetDateTime};
use tracing::instrument;

use super::import_steps::Lists;
use super::sessions::Sessions;
use super::{Failures, LoginSource, NewSession, SessionUser};
use shared::wire::OpenSession;

use super::figures::{
    CHANGED_HOUSEHOLDS, CONFLICTED, KeptFigures, LATEST_LEDGER, MARK_VISITED, REFRESH_CHUNK,
    SET_WORK_CHANGES, STALE, SUMS, SumsRow, ledger_of, set_figures,
};
use super::follow_ups;
use super::import_rows::{
    ADD_PERSON_ID, AUDIT_ACTION, CLEAR_PERSON_IDS, PLACES, TreeRow, UPSERT_PLACE,
};
use super::portable::{
    INSERT_USER, NEWEST_FIRST, SUBMISSIONS, SUBTREE, USER_COLUMNS, USER_PLACE, containing,
    in_building, latest_rows_sql, portable_queries, workplace_binds,
};
use super::rows::{
    CredentialsRow, GridInfoRow, OutlineRow, PlaceRow, ReviewRow, RosterRow, StateRow, StatusRow,
    SubmissionRow, UserRow, VisitRow, from_json, grid_maps, parse_submission_id, parse_timestamp,
    receipt_of, remerge, timestamp, to_json, visit_receipt,
};
use super::{
    Access, AuditEntry, Credentials, GridTally, HouseholdPlace, HouseholdState, PasswordSetBy,
    PlacedVisit, Recorded, Reviewed, Scope, Seed, Store, StoreError, StoreLoad, StoredAction,
    StoredSubmission, StoredVisit, User,
};
use crate::import::boundary::Boundary;

/// A scope's grids as one parameter, read by `in_scope`: an array, or NULL
/// for every grid.
fn grid_list(scope: &Scope) -> Option<Vec<String>> {
    scope
        .grids()
        .map(|grids| grids.iter().map(|g| g.as_str().to_owned()).collect())
}

/// A scope's places as one parameter, read by `in_scope` for what is kept
/// by place: an array, or NULL for every place.
fn place_list(scope: &Scope) -> Option<Vec<String>> {
    scope
        .places()
        .map(|places| places.into_iter().map(str::to_owned).collect())
}

/// The condition that `column` is one of the grids `grid_list` bound as
/// parameter `$n`, written for `scope`, as SQLite's is.
fn in_scope(column: &str, n: u8, scope: &Scope) -> String {
    match scope.grids() {
        None => format!("${n}::TEXT[] IS NULL"),
        Some(_) => format!("{column} = ANY(${n})"),
    }
}

/// A household's latest return in round `$1` that no submission's base
/// names yet, as JSON text.
const OPEN_RETURN: &str = "SELECT json_build_object('submission', r.submission, 'reason', r.reason, \
         'by', r.reviewer, 'at', r.reviewed_at)::TEXT \
     FROM reviews r WHERE r.household = h.code AND r.round = $1 AND r.decision = 'return' \
     AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.household = h.code AND s.round = $1 \
         AND (s.body::JSONB -> 'submission' -> 'base') @> jsonb_build_array(r.submission)) \
     ORDER BY r.reviewed_at DESC LIMIT 1";

/// A PostgreSQL database.
#[derive(Clone, Debug)]
pub struct Postgres {
    pool: PgPool,
    age_limit: Option<AgeLimit>,
}

impl Postgres {
    /// Connects to the database at `url` and runs migrations.
    pub async fn open(url: &str) -> Result<Postgres, StoreError> {
        Postgres::open_with(url, None).await
    }

    /// As `open`, with figures kept under the deployment's `age_limit`.
    pub async fn open_with(url: &str, age_limit: Option<AgeLimit>) -> Result<Postgres, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // While the database restarts, answer 503 soon rather than
            // hold every request for the default 30 s.
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect(url)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Postgres { pool, age_limit })
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
type Db = sqlx::Postgres;

impl Store for Postgres {
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
        super::postgres_import::import_roster(&self.pool, import).await
    }

    async fn audit_once(
        &self,
        username: &str,
        action: &str,
        subject: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        // Under READ COMMITTED two servers could both find no line and both
        // write one; a lock on the line's key makes the second see the first.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1 || ' ' || $2))")
            .bind(action)
            .bind(subject)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO audit_log (at, username, action, subject) SELECT $1, $2, $3, $4 \
             WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE action = $3 AND subject = $4)",
        )
        .bind(timestamp(at))
        .bind(username)
        .bind(action)
        .bind(subject)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session_user(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SessionUser>, StoreError> {
        Sessions(&self.pool).user(token_hash, now).await
    }

    async fn household_state(
        &self,
        code: &HouseholdCode,
        round: Round,
    ) -> Result<Option<HouseholdState>, StoreError> {
        let row: Option<StateRow> = sqlx::query_as(
            "SELECT h.code, h.grid, h.building, h.floor, h.room, \
                 (SELECT body FROM ledgers WHERE household = h.code AND round = $2) AS current, \
                 (SELECT body FROM ledgers WHERE household = h.code AND round < $2 \
                  ORDER BY round DESC LIMIT 1) AS previous \
             FROM households h WHERE h.code = $1",
        )
        .bind(code.as_str())
        .bind(round.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.into_state(round)).transpose()
    }

    fn load(&self) -> StoreLoad {
        StoreLoad {
            pool_open: self.pool.size(),
            pool_idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            intake_waiting: 0,
        }
    }

    #[instrument(skip_all, fields(submission = %accepted.submission.id))]
    async fn record(
        &self,
        accepted: &Accepted,
        digest: &str,
        received_at: OffsetDateTime,
    ) -> Result<Recorded, StoreError> {
        let sub = &accepted.submission;
        let mut tx = self.pool.begin().await?;
        // Servers sharing this database merge one household at a time: the
        // row lock this update takes makes each merge see every submission
        // committed before it. It also marks the roster entry changed.
        sqlx::query("UPDATE households SET changed_at = $2 WHERE code = $1")
            .bind(sub.household.as_str())
            .bind(timestamp(received_at))
            .execute(&mut *tx)
            .await?;
        let inserted = sqlx::query(
            "INSERT INTO submissions (id, household, round, author, digest, received_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(sub.id.to_string())
        .bind(sub.household.as_str())
        .bind(sub.round.to_string())
        .bind(&accepted.author)
        .bind(digest)
        .bind(timestamp(received_at))
        .bind(to_json(accepted))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            let (stored_digest, first_received): (String, String) =
                sqlx::query_as("SELECT digest, received_at FROM submissions WHERE id = $1")
                    .bind(sub.id.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
            if stored_digest != digest {
                return Ok(Recorded::IdReused);
            }
            return Ok(Recorded::Again(receipt_of(
                accepted,
                parse_timestamp(&first_received)?,
            )));
        }

        let round = sub.round.to_string();
        // The round's roster baseline if an import set one, else last round's ledger.
        let previous: Option<String> = sqlx::query_scalar(
            "SELECT COALESCE( \
                 (SELECT body FROM roster_baselines WHERE household = $1 AND round = $2), \
                 (SELECT body FROM ledgers WHERE household = $1 AND round < $2 \
                  ORDER BY round DESC LIMIT 1))",
        )
        .bind(sub.household.as_str())
        .bind(&round)
        .fetch_optional(&mut *tx)
        .await?;
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM submissions WHERE household = $1 AND round = $2")
                .bind(sub.household.as_str())
                .bind(&round)
                .fetch_all(&mut *tx)
                .await?;
        let (ledger, (found, lost)) = remerge(accepted, previous.as_deref(), &bodies)?;
        sqlx::query(
            "INSERT INTO ledgers (household, round, surveyed, body) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (household, round) DO UPDATE SET surveyed = excluded.surveyed, body = excluded.body",
        )
        .bind(sub.household.as_str())
        .bind(&round)
        .bind(ledger.is_surveyed())
        .bind(to_json(&ledger))
        .execute(&mut *tx)
        .await?;
        let figures = KeptFigures::now(&ledger, self.age_limit);
        set_figures(sub.household.as_str(), &figures, None, None)
            .execute(&mut *tx)
            .await?;
        sqlx::query(SET_WORK_CHANGES)
            .bind(i64::from(found))
            .bind(i64::from(lost))
            .bind(sub.household.as_str())
            .bind(&round)
            .execute(&mut *tx)
            .await?;
        // The ID numbers the roster import checks against, where this
        // submission may have changed them.
        if sub.touches_resident_ids() {
            sqlx::query(CLEAR_PERSON_IDS)
                .bind(sub.household.as_str())
                .execute(&mut *tx)
                .await?;
            for id in ledger.present_ids() {
                sqlx::query(ADD_PERSON_ID)
                    .bind(sub.household.as_str())
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(Recorded::New(receipt_of(accepted, received_at)))
    }
}
