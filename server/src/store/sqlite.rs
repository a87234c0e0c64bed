//! The embedded default: SQLite in WAL mode with `synchronous = FULL`, so a
//! committed submission survives a crash or power loss.

use std::str::FromStr;
use std::time::Duration;

use shared::codes::{Code, Role};
use shared::merge::{Accepted, HouseholdLedger, merge_household};
use shared::place::{GridCode, HouseholdCode};
use shared::round::Round;
use shared::wire::{GridCoverage, GridInfo, Receipt, RosterHousehold, RosterMember};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tracing::instrument;

use super::{
    Credentials, HouseholdPlace, Recorded, Seed, Store, StoreError, User, carried_members,
};

/// A SQLite database file.
#[derive(Clone, Debug)]
pub struct Sqlite {
    pool: SqlitePool,
}

impl Sqlite {
    /// Opens (creating if needed) the database at `url` and runs migrations.
    pub async fn open(url: &str) -> Result<Sqlite, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(Sqlite { pool })
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain types always serialize")
}

fn from_json<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, StoreError> {
    serde_json::from_str(raw).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn timestamp(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .expect("any UTC time formats as RFC 3339")
}

fn parse_timestamp(raw: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(raw, &Rfc3339).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse_grid(raw: &str) -> Result<GridCode, StoreError> {
    GridCode::parse(raw).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn user_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role")?;
    let grid: Option<String> = row.try_get("grid")?;
    Ok(User {
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::from_code(&role).ok_or_else(|| StoreError::Corrupt(role.clone()))?,
        grid: grid.as_deref().map(parse_grid).transpose()?,
        demo: row.try_get("demo")?,
    })
}

fn receipt_of(accepted: &Accepted, received_at: OffsetDateTime) -> Receipt {
    Receipt {
        submission: accepted.submission.id,
        household: accepted.submission.household.clone(),
        round: accepted.submission.round,
        received_at,
    }
}

impl Store for Sqlite {
    async fn is_empty(&self) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM grids")
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 0)
    }

    #[instrument(skip_all, fields(households = seed.households.len()))]
    async fn seed(&self, seed: &Seed) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for grid in &seed.grids {
            sqlx::query("INSERT INTO grids (code, name, area) VALUES (?, ?, ?)")
                .bind(grid.code.as_str())
                .bind(&grid.name)
                .bind(&grid.area)
                .execute(&mut *tx)
                .await?;
        }
        for h in &seed.households {
            sqlx::query(
                "INSERT INTO households (code, grid, building, floor, room) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(h.code.as_str())
            .bind(h.grid.as_str())
            .bind(&h.building)
            .bind(h.floor)
            .bind(&h.room)
            .execute(&mut *tx)
            .await?;
        }
        for ledger in &seed.ledgers {
            sqlx::query(
                "INSERT INTO ledgers (household, round, surveyed, body) VALUES (?, ?, ?, ?)",
            )
            .bind(ledger.household.as_str())
            .bind(ledger.round.to_string())
            .bind(ledger.is_surveyed())
            .bind(to_json(ledger))
            .execute(&mut *tx)
            .await?;
        }
        for c in &seed.users {
            sqlx::query(
                "INSERT INTO users (username, display_name, password_hash, role, grid, demo) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&c.user.username)
            .bind(&c.user.display_name)
            .bind(&c.password_hash)
            .bind(c.user.role.code())
            .bind(c.user.grid.as_ref().map(GridCode::as_str))
            .bind(c.user.demo)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError> {
        let row = sqlx::query("SELECT * FROM users WHERE username = ?")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(Credentials {
                user: user_from_row(&row)?,
                password_hash: row.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    async fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO sessions (token_hash, username, expires_at) VALUES (?, ?, ?)")
            .bind(token_hash)
            .bind(username)
            .bind(timestamp(expires_at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session_user(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(
            "SELECT u.*, s.expires_at FROM sessions s JOIN users u ON u.username = s.username \
             WHERE s.token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let expires_at = parse_timestamp(&row.try_get::<String, _>("expires_at")?)?;
        if expires_at <= now {
            return Ok(None);
        }
        user_from_row(&row).map(Some)
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn grids(&self, grid: Option<&GridCode>) -> Result<Vec<GridInfo>, StoreError> {
        let rows =
            sqlx::query("SELECT code, name FROM grids WHERE ?1 IS NULL OR code = ?1 ORDER BY code")
                .bind(grid.map(GridCode::as_str))
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                Ok(GridInfo {
                    code: parse_grid(&row.try_get::<String, _>("code")?)?,
                    name: row.try_get("name")?,
                })
            })
            .collect()
    }

    #[instrument(skip_all, fields(%round))]
    async fn roster(
        &self,
        round: Round,
        grid: Option<&GridCode>,
    ) -> Result<Vec<RosterHousehold>, StoreError> {
        // The latest ledger up to this round per household: this round's if
        // surveyed, else the last one kept.
        let rows = sqlx::query(
            "SELECT h.code, h.grid, h.building, h.floor, h.room, l.body FROM households h \
             LEFT JOIN ledgers l ON l.household = h.code AND l.round = ( \
                 SELECT max(round) FROM ledgers WHERE household = h.code AND round <= ?1) \
             WHERE ?2 IS NULL OR h.grid = ?2 \
             ORDER BY h.grid, h.building, h.floor, h.room",
        )
        .bind(round.to_string())
        .bind(grid.map(GridCode::as_str))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let body: Option<String> = row.try_get("body")?;
                let ledger: Option<HouseholdLedger> = body.as_deref().map(from_json).transpose()?;
                let this_round = ledger.as_ref().filter(|l| l.round == round);
                let code: String = row.try_get("code")?;
                Ok(RosterHousehold {
                    code: HouseholdCode::parse(&code)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    grid: parse_grid(&row.try_get::<String, _>("grid")?)?,
                    building: row.try_get("building")?,
                    floor: row.try_get("floor")?,
                    room: row.try_get("room")?,
                    surveyed: this_round.is_some_and(HouseholdLedger::is_surveyed),
                    base: this_round
                        .map(|l| l.submissions.clone())
                        .unwrap_or_default(),
                    members: ledger
                        .map(|l| {
                            l.members
                                .into_iter()
                                .map(|m| RosterMember {
                                    person: m.person,
                                    record: m.record,
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    async fn household(&self, code: &HouseholdCode) -> Result<Option<HouseholdPlace>, StoreError> {
        let row = sqlx::query("SELECT grid, building, floor, room FROM households WHERE code = ?")
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(HouseholdPlace {
                code: code.clone(),
                grid: parse_grid(&row.try_get::<String, _>("grid")?)?,
                building: row.try_get("building")?,
                floor: row.try_get("floor")?,
                room: row.try_get("room")?,
            })
        })
        .transpose()
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
        // The write comes first so the transaction holds the write lock from
        // its first statement and never has to upgrade a read snapshot.
        let inserted = sqlx::query(
            "INSERT INTO submissions (id, household, round, author, digest, received_at, body) \
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
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
            let row = sqlx::query("SELECT digest, received_at FROM submissions WHERE id = ?")
                .bind(sub.id.to_string())
                .fetch_one(&mut *tx)
                .await?;
            let stored_digest: String = row.try_get("digest")?;
            if stored_digest != digest {
                return Ok(Recorded::IdReused);
            }
            let first_received = parse_timestamp(&row.try_get::<String, _>("received_at")?)?;
            return Ok(Recorded::Again(receipt_of(accepted, first_received)));
        }

        let round = sub.round.to_string();
        let previous: Option<String> = sqlx::query_scalar(
            "SELECT body FROM ledgers WHERE household = ? AND round < ? ORDER BY round DESC LIMIT 1",
        )
        .bind(sub.household.as_str())
        .bind(&round)
        .fetch_optional(&mut *tx)
        .await?;
        let previous: Option<HouseholdLedger> = previous.as_deref().map(from_json).transpose()?;
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM submissions WHERE household = ? AND round = ?")
                .bind(sub.household.as_str())
                .bind(&round)
                .fetch_all(&mut *tx)
                .await?;
        let all: Vec<Accepted> = bodies
            .iter()
            .map(|b| from_json(b))
            .collect::<Result<_, _>>()?;
        let ledger = merge_household(&sub.household, sub.round, &carried_members(previous), &all);
        sqlx::query(
            "INSERT INTO ledgers (household, round, surveyed, body) VALUES (?, ?, ?, ?) \
             ON CONFLICT (household, round) DO UPDATE SET surveyed = excluded.surveyed, body = excluded.body",
        )
        .bind(sub.household.as_str())
        .bind(&round)
        .bind(ledger.is_surveyed())
        .bind(to_json(&ledger))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Recorded::New(receipt_of(accepted, received_at)))
    }

    async fn ledger(
        &self,
        code: &HouseholdCode,
        round: Round,
    ) -> Result<Option<HouseholdLedger>, StoreError> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM ledgers WHERE household = ? AND round = ?")
                .bind(code.as_str())
                .bind(round.to_string())
                .fetch_optional(&self.pool)
                .await?;
        body.as_deref().map(from_json).transpose()
    }

    #[instrument(skip_all, fields(%round))]
    async fn coverage(
        &self,
        round: Round,
        grid: Option<&GridCode>,
    ) -> Result<Vec<GridCoverage>, StoreError> {
        let rows = sqlx::query(
            "SELECT g.code, g.name, count(h.code) AS households, \
                    count(l.household) AS surveyed \
             FROM grids g \
             LEFT JOIN households h ON h.grid = g.code \
             LEFT JOIN ledgers l ON l.household = h.code AND l.round = ?1 AND l.surveyed = 1 \
             WHERE ?2 IS NULL OR g.code = ?2 \
             GROUP BY g.code, g.name ORDER BY g.code",
        )
        .bind(round.to_string())
        .bind(grid.map(GridCode::as_str))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(GridCoverage {
                    grid: parse_grid(&row.try_get::<String, _>("code")?)?,
                    name: row.try_get("name")?,
                    households: row.try_get::<i64, _>("households")? as u32,
                    surveyed: row.try_get::<i64, _>("surveyed")? as u32,
                })
            })
            .collect()
    }
}
