//! Sessions, known devices and failed logins: the same SQL on both
//! backends, written once as methods generic over sqlx's database, which
//! each backend's `Store` methods call with its pool.

use shared::wire::OpenSession;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};
use time::OffsetDateTime;

use super::portable::{USER_COLUMNS, USER_PLACE};
use super::rows::{UserRow, parse_timestamp, timestamp};
use super::{Failures, LoginSource, NewSession, SessionUser, StoreError, User};

/// Failed logins from one source since `$4`: for an address (`$3` NULL),
/// those of the user from it outside any known device; for a known device
/// (`$3`), those from that device.
const SOURCE_FAILURES: &str = "SELECT count(*), max(failed_at) FROM login_failures \
     WHERE username = $1 AND failed_at > $4 \
       AND ((CAST($3 AS TEXT) IS NULL AND device IS NULL AND address = $2) OR device = $3)";
/// Failed logins of a user since `$2` from anywhere but a known device.
const USER_FAILURES: &str = "SELECT count(*), max(failed_at) FROM login_failures \
     WHERE username = $1 AND failed_at > $2 AND device IS NULL";
const ADD_FAILURE: &str =
    "INSERT INTO login_failures (username, address, device, failed_at) VALUES ($1, $2, $3, $4)";
const CLEAR_FAILURES: &str = "DELETE FROM login_failures WHERE username = $1 \
     AND ((CAST($3 AS TEXT) IS NULL AND device IS NULL AND address = $2) OR device = $3)";
/// Failed logins older than `$1`, which no longer count.
const FORGET_FAILURES: &str = "DELETE FROM login_failures WHERE failed_at < $1";
const KNOWN_DEVICE: &str =
    "SELECT count(*) FROM known_devices WHERE token_hash = $1 AND username = $2";
const REMEMBER_DEVICE: &str = "INSERT INTO known_devices (token_hash, username, seen_at) \
     VALUES ($1, $2, $3) ON CONFLICT (token_hash) DO UPDATE SET seen_at = excluded.seen_at";
const CREATE_SESSION: &str = "INSERT INTO sessions \
     (token_hash, username, expires_at, created_at, seen_at, address, agent) \
     VALUES ($1, $2, $3, $4, $4, $5, $6)";
const TOUCH_SESSION: &str = "UPDATE sessions SET seen_at = $2 WHERE token_hash = $1";
const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";
/// Sessions are named to administrators by the start of their token's
/// hash: enough to tell them apart, nothing that opens one.
pub const SESSION_ID: &str = "substr(s.token_hash, 1, 16)";

/// An open session as listed: id, username, opened, last used, address, browser.
pub type SessionListRow = (String, String, String, String, String, String);

/// A session's user and when it was last used.
#[derive(sqlx::FromRow)]
pub struct SessionUserRow {
    pub seen_at: String,
    #[sqlx(flatten)]
    pub user: UserRow,
}

/// The queries on `pool`.
pub struct Sessions<'a, DB: Database>(pub &'a Pool<DB>);

impl<DB> Sessions<'_, DB>
where
    DB: Database,
    for<'q> <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
    for<'c> &'c mut <DB as Database>::Connection: Executor<'c, Database = DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB>,
    for<'r> Option<String>: Decode<'r, DB>,
    for<'r> i64: Decode<'r, DB> + Type<DB>,
    for<'r> UserRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> SessionListRow: sqlx::FromRow<'r, DB::Row>,
    for<'r> SessionUserRow: sqlx::FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    pub async fn failures(
        &self,
        username: &str,
        source: &LoginSource,
        since: OffsetDateTime,
    ) -> Result<Failures, StoreError> {
        let (count, last): (i64, Option<String>) = sqlx::query_as(SOURCE_FAILURES)
            .bind(username.to_owned())
            .bind(source.address.clone())
            .bind(source.device.clone())
            .bind(timestamp(since))
            .fetch_one(self.0)
            .await?;
        failures(count, last)
    }

    pub async fn user_failures(
        &self,
        username: &str,
        since: OffsetDateTime,
    ) -> Result<Failures, StoreError> {
        let (count, last): (i64, Option<String>) = sqlx::query_as(USER_FAILURES)
            .bind(username.to_owned())
            .bind(timestamp(since))
            .fetch_one(self.0)
            .await?;
        failures(count, last)
    }

    /// Notes a failed login, and forgets those older than `forget_before`.
    pub async fn add_failure(
        &self,
        username: &str,
        source: &LoginSource,
        at: OffsetDateTime,
        forget_before: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.0.begin().await?;
        sqlx::query(FORGET_FAILURES)
            .bind(timestamp(forget_before))
            .execute(&mut *tx)
            .await?;
        sqlx::query(ADD_FAILURE)
            .bind(username.to_owned())
            .bind(source.address.clone())
            .bind(source.device.clone())
            .bind(timestamp(at))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn clear_failures(
        &self,
        username: &str,
        source: &LoginSource,
    ) -> Result<(), StoreError> {
        sqlx::query(CLEAR_FAILURES)
            .bind(username.to_owned())
            .bind(source.address.clone())
            .bind(source.device.clone())
            .execute(self.0)
            .await?;
        Ok(())
    }

    pub async fn is_known_device(&self, username: &str, device: &str) -> Result<bool, StoreError> {
        let (n,): (i64,) = sqlx::query_as(KNOWN_DEVICE)
            .bind(device.to_owned())
            .bind(username.to_owned())
            .fetch_one(self.0)
            .await?;
        Ok(n > 0)
    }

    pub async fn remember_device(
        &self,
        username: &str,
        device: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(REMEMBER_DEVICE)
            .bind(device.to_owned())
            .bind(username.to_owned())
            .bind(timestamp(at))
            .execute(self.0)
            .await?;
        Ok(())
    }

    pub async fn create(&self, session: &NewSession) -> Result<(), StoreError> {
        sqlx::query(CREATE_SESSION)
            .bind(session.token_hash.clone())
            .bind(session.username.clone())
            .bind(timestamp(session.expires_at))
            .bind(timestamp(session.created_at))
            .bind(session.address.clone())
            .bind(session.agent.clone())
            .execute(self.0)
            .await?;
        Ok(())
    }

    pub async fn user(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SessionUser>, StoreError> {
        let row: Option<SessionUserRow> = sqlx::query_as(&session_user_sql("$1", "$2"))
            .bind(token_hash.to_owned())
            .bind(timestamp(now))
            .fetch_optional(self.0)
            .await?;
        row.map(|row| session_user(&row.seen_at, row.user))
            .transpose()
    }

    pub async fn touch(&self, token_hash: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query(TOUCH_SESSION)
            .bind(token_hash.to_owned())
            .bind(timestamp(at))
            .execute(self.0)
            .await?;
        Ok(())
    }

    pub async fn delete(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query(DELETE_SESSION)
            .bind(token_hash.to_owned())
            .execute(self.0)
            .await?;
        Ok(())
    }

    /// The unexpired sessions, of one user or of everyone, the latest used first.
    pub async fn list(
        &self,
        username: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Vec<OpenSession>, StoreError> {
        let rows: Vec<SessionListRow> = sqlx::query_as(&format!(
            "SELECT {SESSION_ID}, s.username, s.created_at, s.seen_at, s.address, s.agent \
             FROM sessions s WHERE s.expires_at > $1 \
                 AND (CAST($2 AS TEXT) IS NULL OR s.username = $2) \
             ORDER BY s.seen_at DESC LIMIT 1000"
        ))
        .bind(timestamp(now))
        .bind(username.map(str::to_owned))
        .fetch_all(self.0)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, username, created_at, seen_at, address, agent)| OpenSession {
                    id,
                    username,
                    created_at,
                    seen_at,
                    address,
                    agent,
                },
            )
            .collect())
    }

    /// Ends the session named `id`; its user, if there was one.
    pub async fn end(&self, id: &str) -> Result<Option<String>, StoreError> {
        let ended: Option<(String,)> = sqlx::query_as(&format!(
            "DELETE FROM sessions WHERE token_hash IN \
                 (SELECT s.token_hash FROM sessions s WHERE {SESSION_ID} = $1) \
             RETURNING username"
        ))
        .bind(id.to_owned())
        .fetch_optional(self.0)
        .await?;
        Ok(ended.map(|(username,)| username))
    }
}

/// The read of a session's user and when it was last used, with the
/// backend's parameter marks for the token's hash and now.
pub fn session_user_sql(token: &str, now: &str) -> String {
    // RFC 3339 in UTC sorts as text in time order.
    format!(
        "SELECT s.seen_at, {USER_COLUMNS} FROM sessions s JOIN users u ON u.username = s.username \
             {USER_PLACE} WHERE s.token_hash = {token} AND s.expires_at > {now}"
    )
}

pub fn session_user(seen_at: &str, user: UserRow) -> Result<SessionUser, StoreError> {
    Ok(SessionUser {
        user: User::try_from(user)?,
        seen_at: parse_timestamp(seen_at)?,
    })
}

fn failures(count: i64, last: Option<String>) -> Result<Failures, StoreError> {
    Ok(Failures {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        last: last.as_deref().map(parse_timestamp).transpose()?,
    })
}
