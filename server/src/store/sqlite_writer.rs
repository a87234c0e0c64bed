//! Group commit for SQLite: one task owns the write connection and commits
//! every submission waiting for it in one transaction, so many phones
//! syncing at once share one fsync instead of paying one each. Each
//! submission still gets its answer only after the commit that holds it.

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Executor};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use shared::merge::Accepted;

use super::rows::{parse_timestamp, receipt_of, remerge, timestamp, to_json};
use super::{Recorded, StoreError};

/// The most submissions one transaction takes; more wait for the next.
const MAX_BATCH: usize = 256;

/// One submission waiting to be written, and where its answer goes.
struct Job {
    accepted: Accepted,
    digest: String,
    received_at: OffsetDateTime,
    reply: oneshot::Sender<Result<Recorded, StoreError>>,
}

/// The handle request handlers send submissions through.
#[derive(Clone, Debug)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Opens the write connection and starts the task that owns it.
    pub async fn start(options: &SqliteConnectOptions) -> Result<Writer, StoreError> {
        let conn = SqliteConnection::connect_with(options).await?;
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write_loop(conn, rx));
        Ok(Writer { jobs })
    }

    /// Stores a submission and merges it; returns after the commit.
    pub async fn record(
        &self,
        accepted: &Accepted,
        digest: &str,
        received_at: OffsetDateTime,
    ) -> Result<Recorded, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            accepted: accepted.clone(),
            digest: digest.to_owned(),
            received_at,
            reply,
        };
        self.jobs
            .send(job)
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }
}

async fn write_loop(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(job) = rx.recv().await {
        batch.push(job);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match commit_batch(&mut conn, &batch).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            Err(err) => {
                tracing::error!(error = %err, n = batch.len(), "group commit failed");
                let message = err.to_string();
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(StoreError::Batch(message.clone())));
                }
                // A failed COMMIT can leave the transaction open.
                let _ = conn.execute("ROLLBACK").await;
            }
        }
    }
}

/// Writes every job of the batch in one transaction. A job that fails is
/// rolled back to its savepoint alone; the others still commit.
async fn commit_batch(
    conn: &mut SqliteConnection,
    batch: &[Job],
) -> Result<Vec<Result<Recorded, StoreError>>, sqlx::Error> {
    conn.execute("BEGIN IMMEDIATE").await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        conn.execute("SAVEPOINT job").await?;
        let outcome = record_one(conn, job).await;
        if outcome.is_err() {
            conn.execute("ROLLBACK TO job").await?;
        }
        conn.execute("RELEASE job").await?;
        outcomes.push(outcome);
    }
    conn.execute("COMMIT").await?;
    Ok(outcomes)
}

async fn record_one(conn: &mut SqliteConnection, job: &Job) -> Result<Recorded, StoreError> {
    let accepted = &job.accepted;
    let sub = &accepted.submission;
    let inserted = sqlx::query(
        "INSERT INTO submissions (id, household, round, author, digest, received_at, body) \
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(sub.id.to_string())
    .bind(sub.household.as_str())
    .bind(sub.round.to_string())
    .bind(&accepted.author)
    .bind(&job.digest)
    .bind(timestamp(job.received_at))
    .bind(to_json(accepted))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        let (stored_digest, first_received): (String, String) =
            sqlx::query_as("SELECT digest, received_at FROM submissions WHERE id = ?")
                .bind(sub.id.to_string())
                .fetch_one(&mut *conn)
                .await?;
        if stored_digest != job.digest {
            return Ok(Recorded::IdReused);
        }
        return Ok(Recorded::Again(receipt_of(
            accepted,
            parse_timestamp(&first_received)?,
        )));
    }

    let round = sub.round.to_string();
    let previous: Option<String> = sqlx::query_scalar(
        "SELECT body FROM ledgers WHERE household = ? AND round < ? ORDER BY round DESC LIMIT 1",
    )
    .bind(sub.household.as_str())
    .bind(&round)
    .fetch_optional(&mut *conn)
    .await?;
    let bodies: Vec<String> =
        sqlx::query_scalar("SELECT body FROM submissions WHERE household = ? AND round = ?")
            .bind(sub.household.as_str())
            .bind(&round)
            .fetch_all(&mut *conn)
            .await?;
    let ledger = remerge(accepted, previous.as_deref(), &bodies)?;
    sqlx::query(
        "INSERT INTO ledgers (household, round, surveyed, body) VALUES (?, ?, ?, ?) \
         ON CONFLICT (household, round) DO UPDATE SET surveyed = excluded.surveyed, body = excluded.body",
    )
    .bind(sub.household.as_str())
    .bind(&round)
    .bind(ledger.is_surveyed())
    .bind(to_json(&ledger))
    .execute(&mut *conn)
    .await?;
    Ok(Recorded::New(receipt_of(accepted, job.received_at)))
}
