//! Group commit for SQLite: one thread owns the write connection and commits
//! every submission waiting for it in one transaction, so many phones
//! syncing at once share one fsync instead of paying one each. Each
//! submission still gets its answer only after the commit that holds it.
//!
//! The thread talks to SQLite directly (no async driver in between), so a
//! group's statements cost no hand-over between threads: requests hand it
//! their job over a channel and wait for the answer, and that is the only
//! hand-over a submission makes on its way to the disk. What can be done
//! before the job is handed over (the body's JSON, its time stamp) is done
//! by the request, so that the one thread does only what must be serial.
//!
//! Checkpoints (copying committed pages from the WAL back into the database
//! file) run on a second thread, at most every `CHECKPOINT_INTERVAL`, so no
//! commit waits for one and a page changed by several commits in between is
//! copied and written out once; they change nothing about durability, which
//! the WAL's fsync at each commit provides. The WAL can only start over from
//! its beginning when a write begins with every frame already copied, which
//! a checkpoint running beside a steady stream of commits never sees; so
//! once the WAL has grown past `WAL_RESTART_FRAMES`, the writer copies the
//! last few frames itself between two commits, after answering the first.

use shared::indicators::AgeLimit;
use shared::trends::work_changes;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use shared::merge::{Accepted, HouseholdLedger, merge_household};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use super::figures::{KeptFigures, SET_FIGURES, SET_WORK_CHANGES};
use super::import_rows::{ADD_PERSON_ID, CLEAR_PERSON_IDS};
use super::rows::{from_json, parse_timestamp, receipt_of, timestamp, to_json};
use super::{Recorded, StoreError};

/// The most submissions one transaction takes; more wait for the next.
const MAX_BATCH: usize = 256;

/// The least time between two checkpoints on the checkpoint thread.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(100);

/// WAL frames (pages of 4 KiB) past which the writer finishes a checkpoint
/// itself, so that its next write starts the WAL over.
const WAL_RESTART_FRAMES: i64 = 8_000;

/// One submission waiting to be written, and where its answer goes.
struct Job {
    accepted: Accepted,
    /// The stored form of `accepted`.
    body: String,
    digest: String,
    received_at: OffsetDateTime,
    /// `received_at` as stored.
    received: String,
    reply: oneshot::Sender<Result<Recorded, StoreError>>,
}

/// The handle request handlers send submissions through.
#[derive(Clone, Debug)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Opens the write connection to the database file at `path` (which
    /// must exist, migrated) and starts the thread that owns it. The thread
    /// ends when the last handle is dropped. Figures are kept under the
    /// deployment's `age_limit`.
    pub fn start(path: &Path, age_limit: Option<AgeLimit>) -> Result<Writer, StoreError> {
        let conn = open(path)?;
        // Checkpoints are the other thread's work.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let checkpoints = open(path)?;
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        let (committed, commits) = sync_channel(1);
        let restart_due = Arc::new(AtomicBool::new(false));
        let due = restart_due.clone();
        let spawn = |name: &str, work: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(work)
                .map_err(|e| StoreError::Batch(format!("could not start {name}: {e}")))
        };
        spawn(
            "anju-checkpoint",
            Box::new(move || checkpoint_loop(checkpoints, commits, &due)),
        )?;
        spawn(
            "anju-writer",
            Box::new(move || write_loop(conn, rx, committed, &restart_due, age_limit)),
        )?;
        Ok(Writer { jobs })
    }

    /// Submissions handed over and not yet taken into a batch.
    pub fn waiting(&self) -> usize {
        self.jobs.max_capacity() - self.jobs.capacity()
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
            body: to_json(accepted),
            digest: digest.to_owned(),
            received_at,
            received: timestamp(received_at),
            reply,
        };
        self.jobs
            .send(job)
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }
}

/// The write connection, as durable as the pool's: WAL, `synchronous =
/// FULL` (every commit is fsynced before it returns), foreign keys checked.
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(30))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "journal mode {mode}, not WAL"
        )));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

fn write_loop(
    mut conn: Connection,
    mut rx: mpsc::Receiver<Job>,
    committed: SyncSender<()>,
    restart_due: &AtomicBool,
    age_limit: Option<AgeLimit>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(job) = rx.blocking_recv() {
        batch.push(job);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match commit_batch(&mut conn, &batch, age_limit) {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
                if restart_due.load(Ordering::Acquire) {
                    // The checkpoint thread has stood by for this; only the
                    // frames since its last pass are left to copy. It is
                    // woken again after the next commit, which starts the
                    // WAL over.
                    match checkpoint(&conn) {
                        Ok((frames, copied)) if frames == copied => {
                            restart_due.store(false, Ordering::Release);
                        }
                        Ok(_) => {}
                        Err(err) => tracing::warn!(error = %err, "checkpoint failed"),
                    }
                } else {
                    // Full means a checkpoint is already due.
                    let _ = committed.try_send(());
                }
            }
            Err(err) => {
                // The transaction was rolled back when it was dropped.
                tracing::error!(error = %err, n = batch.len(), "group commit failed");
                let message = err.to_string();
                let unavailable = super::sqlite_unavailable(&err);
                for job in batch.drain(..) {
                    let error = if unavailable {
                        StoreError::Unavailable(message.clone())
                    } else {
                        StoreError::Batch(message.clone())
                    };
                    let _ = job.reply.send(Err(error));
                }
            }
        }
    }
}

/// After a commit, copies what the WAL holds back into the database file
/// without holding up the writer (a passive checkpoint), then waits out
/// `CHECKPOINT_INTERVAL`. Once the WAL has grown past `WAL_RESTART_FRAMES`,
/// copies what was committed during that checkpoint too, leaves the few
/// frames left to the writer (`restart_due`) and stands by until it is
/// done. Ends with the writer.
fn checkpoint_loop(conn: Connection, commits: Receiver<()>, restart_due: &AtomicBool) {
    while commits.recv().is_ok() {
        if restart_due.load(Ordering::Acquire) {
            continue;
        }
        let result = match checkpoint(&conn) {
            Ok((frames, _)) if frames > WAL_RESTART_FRAMES => {
                let again = checkpoint(&conn);
                restart_due.store(true, Ordering::Release);
                again
            }
            other => other,
        };
        if let Err(err) = result {
            tracing::warn!(error = %err, "checkpoint failed");
        }
        std::thread::sleep(CHECKPOINT_INTERVAL);
    }
}

/// A passive checkpoint: the frames the WAL holds, and how many of them
/// are now copied into the database file.
fn checkpoint(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get(1)?, row.get(2)?))
    })
}

type Key = (String, String); // (household, round)

/// Writes every job of the batch in one transaction: which ids exist, the
/// households' stored submissions, earlier ledgers and roster baselines,
/// then the new submissions and the re-merged ledgers, each with one cached
/// statement per row. A job that cannot be merged is answered with its
/// error and not written; a database failure fails the whole batch.
fn commit_batch(
    conn: &mut Connection,
    batch: &[Job],
    age_limit: Option<AgeLimit>,
) -> rusqlite::Result<Vec<Result<Recorded, StoreError>>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;

    // In batch order, so a retry within the batch sees the first copy.
    let mut outcomes: Vec<Option<Result<Recorded, StoreError>>> = Vec::with_capacity(batch.len());
    let mut new_jobs: Vec<usize> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new(); // id -> job index, new this batch
    {
        let mut stored =
            tx.prepare_cached("SELECT digest, received_at FROM submissions WHERE id = ?1")?;
        for (idx, job) in batch.iter().enumerate() {
            let id = job.accepted.submission.id.to_string();
            let earlier: Option<(String, OffsetDateTime)> = match seen.get(&id) {
                Some(&first) => Some((batch[first].digest.clone(), batch[first].received_at)),
                None => {
                    let row: Option<(String, String)> = stored
                        .query_row([&id], |row| Ok((row.get(0)?, row.get(1)?)))
                        .optional()?;
                    match row {
                        Some((digest, at)) => match parse_timestamp(&at) {
                            Ok(at) => Some((digest, at)),
                            Err(err) => {
                                outcomes.push(Some(Err(err)));
                                continue;
                            }
                        },
                        None => None,
                    }
                }
            };
            outcomes.push(match earlier {
                Some((digest, _)) if digest != job.digest => Some(Ok(Recorded::IdReused)),
                Some((_, at)) => Some(Ok(Recorded::Again(receipt_of(&job.accepted, at)))),
                None => {
                    seen.insert(id, idx);
                    new_jobs.push(idx);
                    None
                }
            });
        }
    }

    // Each household round touched by a new submission, re-merged from the
    // round's roster baseline if an import set one (else last round's
    // ledger) and every submission of the round, the new ones included.
    let mut by_key: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for &idx in &new_jobs {
        by_key.entry(key_of(&batch[idx])).or_default().push(idx);
    }
    // Each with who found and who lost work since the ledger it was merged from.
    let mut merged: Vec<(Key, HouseholdLedger, (u32, u32))> = Vec::with_capacity(by_key.len());
    let mut failed: BTreeMap<Key, String> = BTreeMap::new();
    {
        let mut stored_bodies =
            tx.prepare_cached("SELECT body FROM submissions WHERE household = ?1 AND round = ?2")?;
        let mut baseline = tx.prepare_cached(
            "SELECT body FROM roster_baselines WHERE household = ?1 AND round = ?2",
        )?;
        let mut previous_ledger = tx.prepare_cached(
            "SELECT body FROM ledgers WHERE household = ?1 AND round < ?2 \
             ORDER BY round DESC LIMIT 1",
        )?;
        for (key, jobs) in &by_key {
            let stored: Vec<String> = stored_bodies
                .query_map(params![key.0, key.1], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let previous: Option<String> = match baseline
                .query_row(params![key.0, key.1], |row| row.get(0))
                .optional()?
            {
                Some(body) => Some(body),
                None => previous_ledger
                    .query_row(params![key.0, key.1], |row| row.get(0))
                    .optional()?,
            };
            let new = jobs.iter().map(|&idx| &batch[idx].accepted);
            match remerge(previous.as_deref(), &stored, new) {
                Ok((ledger, changes)) => merged.push((key.clone(), ledger, changes)),
                Err(err) => {
                    failed.insert(key.clone(), err.to_string());
                }
            }
        }
    }

    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO submissions (id, household, round, author, digest, received_at, body) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for &idx in &new_jobs {
            let job = &batch[idx];
            if failed.contains_key(&key_of(job)) {
                continue;
            }
            let sub = &job.accepted.submission;
            insert.execute(params![
                sub.id.to_string(),
                sub.household.as_str(),
                sub.round.to_string(),
                job.accepted.author,
                job.digest,
                job.received,
                job.body,
            ])?;
        }
        let mut upsert = tx.prepare_cached(
            "INSERT INTO ledgers (household, round, surveyed, body) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (household, round) DO UPDATE \
             SET surveyed = excluded.surveyed, body = excluded.body",
        )?;
        // Each household is marked changed, for the phones' delta sync, in
        // the statement that sets its figures; by itself where a later
        // round's figures are kept already.
        let latest = batch.iter().map(|j| j.received_at).max().map(timestamp);
        let mut figures = tx.prepare_cached(SET_FIGURES)?;
        let mut changed =
            tx.prepare_cached("UPDATE households SET changed_at = ?1 WHERE code = ?2")?;
        let mut work = tx.prepare_cached(SET_WORK_CHANGES)?;
        for ((household, round), ledger, (found, lost)) in &merged {
            upsert.execute(params![
                household,
                round,
                ledger.is_surveyed(),
                to_json(ledger)
            ])?;
            let f = KeptFigures::now(ledger, age_limit);
            let set = figures.execute(params![
                f.round,
                f.on,
                f.until,
                f.labourers,
                f.employed_labourers,
                f.employed,
                f.willing_to_train,
                f.trained_of_willing,
                f.labour_household,
                f.zero_employment,
                f.per_capita,
                f.search,
                f.seeking,
                f.over_age_employed,
                f.conflicted,
                f.surveyed,
                latest,
                household,
                None::<String>,
            ])?;
            if set == 0 {
                changed.execute(params![latest, household])?;
            }
            work.execute(params![found, lost, household, round])?;
        }
        // The ID numbers the roster import checks against, where a
        // submission may have changed them.
        let mut clear = tx.prepare_cached(CLEAR_PERSON_IDS)?;
        let mut add = tx.prepare_cached(ADD_PERSON_ID)?;
        for (key, ledger, _) in &merged {
            let touched = by_key[key]
                .iter()
                .any(|&idx| batch[idx].accepted.submission.touches_resident_ids());
            if !touched {
                continue;
            }
            clear.execute(params![key.0])?;
            for id in ledger.present_ids() {
                add.execute(params![key.0, id.as_str()])?;
            }
        }
    }
    tx.commit()?;

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

/// A household round's ledger, re-merged from the last earlier ledger (or
/// the round's roster baseline), the round's stored submissions, and the
/// new ones; with who found and who lost work since that earlier ledger.
fn remerge<'a>(
    previous: Option<&str>,
    stored: &[String],
    new: impl Iterator<Item = &'a Accepted> + Clone,
) -> Result<(HouseholdLedger, (u32, u32)), StoreError> {
    let first = new.clone().next().expect("a new submission");
    let previous: Option<HouseholdLedger> = previous.map(from_json).transpose()?;
    let mut all: Vec<Accepted> = stored
        .iter()
        .map(|b| from_json(b))
        .collect::<Result<_, _>>()?;
    all.extend(new.cloned());
    let sub = &first.submission;
    let ledger = merge_household(&sub.household, sub.round, previous.as_ref(), &all);
    let changes = previous.map_or((0, 0), |p| work_changes(&p, &ledger));
    Ok((ledger, changes))
}

fn key_of(job: &Job) -> Key {
    let sub = &job.accepted.submission;
    (sub.household.to_string(), sub.round.to_string())
}
