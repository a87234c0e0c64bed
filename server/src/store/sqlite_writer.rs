//! Group commit for SQLite: one task owns the write connection and commits
//! every submission waiting for it in one transaction, so many phones
//! syncing at once share one fsync instead of paying one each. Each
//! submission still gets its answer only after the commit that holds it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use shared::merge::HouseholdLedger;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Executor, QueryBuilder};
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

/// The rows one statement inserts at most, well under SQLite's limit on
/// bound parameters.
const ROWS_PER_STATEMENT: usize = 100;

type Key = (String, String); // (household, round)

/// Writes every job of the batch in one transaction with a fixed number of
/// statements, whatever the batch's size: which ids exist, the households'
/// stored submissions, earlier ledgers and roster baselines, then the new submissions and the
/// re-merged ledgers. A job that cannot be merged is answered with its error
/// and not written; a database failure fails the whole batch.
async fn commit_batch(
    conn: &mut SqliteConnection,
    batch: &[Job],
) -> Result<Vec<Result<Recorded, StoreError>>, sqlx::Error> {
    conn.execute("BEGIN IMMEDIATE").await?;
    let ids: Vec<String> = batch
        .iter()
        .map(|j| j.accepted.submission.id.to_string())
        .collect();
    let keys: BTreeSet<Key> = batch.iter().map(key_of).collect();

    let mut stored_ids: HashMap<String, (String, String)> = HashMap::new();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let mut query =
            QueryBuilder::new("SELECT id, digest, received_at FROM submissions WHERE id IN (");
        let mut list = query.separated(", ");
        for id in chunk {
            list.push_bind(id);
        }
        query.push(")");
        let rows: Vec<(String, String, String)> =
            query.build_query_as().fetch_all(&mut *conn).await?;
        stored_ids.extend(rows.into_iter().map(|(id, digest, at)| (id, (digest, at))));
    }

    let households: Vec<&str> = keys.iter().map(|k| k.0.as_str()).collect();
    let mut bodies: BTreeMap<Key, Vec<String>> = BTreeMap::new();
    let mut ledgers: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut baselines: BTreeMap<Key, String> = BTreeMap::new();
    for chunk in households.chunks(ROWS_PER_STATEMENT) {
        let mut query = QueryBuilder::new(
            "SELECT household, round, body FROM submissions WHERE household IN (",
        );
        let mut list = query.separated(", ");
        for household in chunk {
            list.push_bind(*household);
        }
        query.push(")");
        let rows: Vec<(String, String, String)> =
            query.build_query_as().fetch_all(&mut *conn).await?;
        for (household, round, body) in rows {
            bodies.entry((household, round)).or_default().push(body);
        }
        let mut query =
            QueryBuilder::new("SELECT household, round, body FROM ledgers WHERE household IN (");
        let mut list = query.separated(", ");
        for household in chunk {
            list.push_bind(*household);
        }
        query.push(")");
        let rows: Vec<(String, String, String)> =
            query.build_query_as().fetch_all(&mut *conn).await?;
        for (household, round, body) in rows {
            ledgers.entry(household).or_default().push((round, body));
        }
        let mut query = QueryBuilder::new(
            "SELECT household, round, body FROM roster_baselines WHERE household IN (",
        );
        let mut list = query.separated(", ");
        for household in chunk {
            list.push_bind(*household);
        }
        query.push(")");
        let rows: Vec<(String, String, String)> =
            query.build_query_as().fetch_all(&mut *conn).await?;
        for (household, round, body) in rows {
            baselines.insert((household, round), body);
        }
    }

    // In batch order, so a retry within the batch sees the first copy.
    let mut outcomes: Vec<Option<Result<Recorded, StoreError>>> = Vec::with_capacity(batch.len());
    let mut new_rows: Vec<(usize, String)> = Vec::new(); // (job index, body)
    for (idx, job) in batch.iter().enumerate() {
        let id = &ids[idx];
        if let Some((digest, received_at)) = stored_ids.get(id) {
            outcomes.push(Some(if *digest != job.digest {
                Ok(Recorded::IdReused)
            } else {
                parse_timestamp(received_at)
                    .map(|at| Recorded::Again(receipt_of(&job.accepted, at)))
            }));
            continue;
        }
        let body = to_json(&job.accepted);
        bodies.entry(key_of(job)).or_default().push(body.clone());
        stored_ids.insert(id.clone(), (job.digest.clone(), timestamp(job.received_at)));
        new_rows.push((idx, body));
        outcomes.push(None);
    }

    // Re-merge each household touched by a new submission.
    let mut merged: Vec<(Key, HouseholdLedger)> = Vec::new();
    let mut failed: BTreeMap<Key, String> = BTreeMap::new();
    let touched: BTreeSet<Key> = new_rows
        .iter()
        .map(|(idx, _)| key_of(&batch[*idx]))
        .collect();
    for key in touched {
        // The round's roster baseline if an import set one, else last
        // round's ledger.
        let previous = baselines.get(&key).map(String::as_str).or_else(|| {
            ledgers.get(&key.0).and_then(|rounds| {
                rounds
                    .iter()
                    .filter(|(round, _)| *round < key.1)
                    .max_by(|a, b| a.0.cmp(&b.0))
                    .map(|(_, body)| body.as_str())
            })
        });
        let job = batch
            .iter()
            .find(|j| key_of(j) == key)
            .expect("touched by a job");
        match remerge(&job.accepted, previous, &bodies[&key]) {
            Ok(ledger) => merged.push((key, ledger)),
            Err(err) => {
                failed.insert(key, err.to_string());
            }
        }
    }
    new_rows.retain(|(idx, _)| !failed.contains_key(&key_of(&batch[*idx])));

    for chunk in new_rows.chunks(ROWS_PER_STATEMENT) {
        let mut query = QueryBuilder::new(
            "INSERT INTO submissions (id, household, round, author, digest, received_at, body) ",
        );
        query.push_values(chunk, |mut row, (idx, body)| {
            let job = &batch[*idx];
            let sub = &job.accepted.submission;
            row.push_bind(sub.id.to_string())
                .push_bind(sub.household.as_str())
                .push_bind(sub.round.to_string())
                .push_bind(&job.accepted.author)
                .push_bind(&job.digest)
                .push_bind(timestamp(job.received_at))
                .push_bind(body);
        });
        query.build().execute(&mut *conn).await?;
    }
    for chunk in merged.chunks(ROWS_PER_STATEMENT) {
        let mut query =
            QueryBuilder::new("INSERT INTO ledgers (household, round, surveyed, body) ");
        query.push_values(chunk, |mut row, ((household, round), ledger)| {
            row.push_bind(household)
                .push_bind(round)
                .push_bind(ledger.is_surveyed())
                .push_bind(to_json(ledger));
        });
        query.push(
            " ON CONFLICT (household, round) DO UPDATE \
             SET surveyed = excluded.surveyed, body = excluded.body",
        );
        query.build().execute(&mut *conn).await?;
    }
    // Mark the touched households changed, for the phones' delta sync.
    if let Some(latest) = batch.iter().map(|j| j.received_at).max() {
        let touched: BTreeSet<&str> = merged
            .iter()
            .map(|((household, _), _)| household.as_str())
            .collect();
        for chunk in touched
            .into_iter()
            .collect::<Vec<_>>()
            .chunks(ROWS_PER_STATEMENT)
        {
            let mut query = QueryBuilder::new("UPDATE households SET changed_at = ");
            query.push_bind(timestamp(latest)).push(" WHERE code IN (");
            let mut list = query.separated(", ");
            for household in chunk {
                list.push_bind(*household);
            }
            query.push(")");
            query.build().execute(&mut *conn).await?;
        }
    }
    conn.execute("COMMIT").await?;

    Ok(batch
        .iter()
        .zip(outcomes)
        .map(|(job, outcome)| match outcome {
            Some(done) => done,
            None => match failed.get(&key_of(job)) {
                Some(err) => Err(StoreError::Corrupt(err.clone())),
                None => Ok(Recorded::New(receipt_of(&job.accepted, job.received_at))),
            },
        })
        .collect())
}

fn key_of(job: &Job) -> Key {
    let sub = &job.accepted.submission;
    (sub.household.to_string(), sub.round.to_string())
}
