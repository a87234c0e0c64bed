//! Moving a county's data from SQLite to PostgreSQL (`anju copy`): every
//! table, row for row, from one snapshot of the SQLite file into an empty
//! PostgreSQL database in one transaction. Rows travel as JSON objects,
//! which PostgreSQL turns back into its column types
//! (`json_populate_recordset`), so the copy names no column.

use std::path::Path;

use sqlx::postgres::PgPoolOptions;

use super::StoreError;

/// Every table, parents before the tables that refer to them.
pub const TABLES: [&str; 21] = [
    "places",
    "grids",
    "building_boundaries",
    "households",
    "person_ids",
    "ledgers",
    "roster_baselines",
    "roster_removals",
    "submissions",
    "reviews",
    "visits",
    "follow_ups",
    "follow_up_actions",
    "users",
    "sessions",
    "login_failures",
    "known_devices",
    "audit_log",
    "field_sets",
    "definitions",
    "round_tallies",
];

/// Rows sent to PostgreSQL in one statement.
const BATCH: usize = 1_000;

/// Why a copy did not happen.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("the PostgreSQL database already holds Anju's data; copy into an empty one")]
    TargetNotEmpty,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Source(#[from] rusqlite::Error),
    #[error(transparent)]
    Target(#[from] sqlx::Error),
}

/// How many rows of each table were copied.
pub type Copied = Vec<(&'static str, usize)>;

/// The tables of a SQLite database, for checking that `TABLES` names them all.
pub fn sqlite_tables(source: &Path) -> Result<Vec<String>, rusqlite::Error> {
    let conn =
        rusqlite::Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut statement = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name",
    )?;
    let names = statement
        .query_map([], |row| row.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(names)
}

/// Copies every table of the SQLite file at `source` into the PostgreSQL
/// database at `target`, which is migrated first and must hold no grid
/// and no user.
pub async fn sqlite_to_postgres(source: &Path, target: &str) -> Result<Copied, TransferError> {
    // The target's schema is the server's own.
    super::Postgres::open(target).await?;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(target)
        .await?;
    let held: i64 =
        sqlx::query_scalar("SELECT (SELECT count(*) FROM grids) + (SELECT count(*) FROM users)")
            .fetch_one(&pool)
            .await?;
    if held > 0 {
        return Err(TransferError::TargetNotEmpty);
    }
    let source = source.to_owned();
    // One read transaction: every table as of the same moment, while a
    // server may still be writing.
    let tables = tokio::task::spawn_blocking(move || read_all(&source))
        .await
        .map_err(|e| StoreError::Batch(e.to_string()))??;
    let mut tx = pool.begin().await?;
    let mut copied = Vec::new();
    for (table, rows) in tables {
        for batch in rows.chunks(BATCH) {
            let json = format!("[{}]", batch.join(","));
            sqlx::query(&format!(
                "INSERT INTO {table} SELECT * FROM json_populate_recordset(NULL::{table}, $1::json)"
            ))
            .bind(json)
            .execute(&mut *tx)
            .await?;
        }
        copied.push((table, rows.len()));
    }
    // The follow-up items' ids were copied; new ones continue after them.
    sqlx::query(
        "SELECT setval(pg_get_serial_sequence('follow_ups', 'id'), \
         (SELECT COALESCE(max(id), 0) + 1 FROM follow_ups), false)",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(copied)
}

/// Every row of every table in `TABLES`, each as a JSON object's text.
fn read_all(source: &Path) -> Result<Vec<(&'static str, Vec<String>)>, rusqlite::Error> {
    let mut conn =
        rusqlite::Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let tx = conn.transaction()?;
    let mut res = Vec::new();
    for table in TABLES {
        let columns: Vec<String> = tx
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let pairs: Vec<String> = columns.iter().map(|c| format!("'{c}', \"{c}\"")).collect();
        let rows = tx
            .prepare(&format!(
                "SELECT json_object({}) FROM {table}",
                pairs.join(", ")
            ))?
            .query_map([], |row| row.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        res.push((table, rows));
    }
    Ok(res)
}
