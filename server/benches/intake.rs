//! Intake throughput: acknowledged submissions per second from many
//! concurrent clients over loopback HTTP, on SQLite with full durability,
//! against the raw SQLite insert rate of the same rows in the same run.
//!
//! `cargo bench -p server --bench intake -- [clients] [seconds] [POSTGRES_URL]`
//!
//! With a PostgreSQL URL (an empty database) it measures instead 1, 2 and
//! 4 server processes sharing that database.
//!
//! The server is the real `anju` binary in its own process, with its default
//! logging; the clients are plain HTTP/1.1 keep-alive connections, one per
//! client, each sending its next submission when the last one is answered.
//! The same load against the server running inside the benchmark's own
//! process is reported too. Both share the machine's cores with the clients.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use server::http::auth::hash_password;
use server::settings::Settings;
use server::store::{Credentials, GridRow, HouseholdPlace, Seed, Sqlite, Store, User};
use shared::codes::{EmploymentStatus, LabourCapacity, Role};
use shared::merge::{Accepted, HouseholdLedger, MemberLedger, merge_household};
use shared::place::{GridCode, HouseholdCode, PersonId};
use shared::record::LabourRecord;
use shared::round::Round;
use shared::wire::Submission;
use time::macros::date;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

// Each benchmark uses part of what they share.
#[allow(dead_code)]
mod support;

const HOUSEHOLDS: usize = 20_000;
const MEMBERS: usize = 4;
const ROUND: &str = "2026Q4";

fn seed() -> Seed {
    let grid = GridCode::parse("G1").expect("plain code");
    let previous = Round::parse(ROUND).expect("valid round").previous();
    let mut seed = Seed {
        grids: vec![GridRow {
            code: grid.clone(),
            name: "第一网格".into(),
            area: "基准".into(),
            parent: None,
            boundary: None,
        }],
        users: vec![Credentials {
            user: User {
                username: "bench".into(),
                display_name: "bench".into(),
                role: Role::Supervisor,
                workplace: None,
                demo: false,
                disabled: false,
                must_change_password: false,
            },
            password_hash: hash_password("bench"),
        }],
        ..Seed::default()
    };
    for h in 0..HOUSEHOLDS {
        let code = HouseholdCode::parse(&format!("H{h:05}")).expect("plain code");
        seed.households.push(HouseholdPlace {
            code: code.clone(),
            grid: grid.clone(),
            building: format!("{}号楼", h / 100 + 1),
            floor: (h % 100 / 10) as i16 + 1,
            room: format!("{}", h % 100),
        });
        let members = (0..MEMBERS)
            .map(|m| MemberLedger {
                record: LabourRecord {
                    name: Some(format!("成员{m}")),
                    birth_date: Some(date!(1980 - 01 - 01)),
                    capacity: Some(LabourCapacity::Ordinary),
                    employment: Some(EmploymentStatus::Retired),
                    ..LabourRecord::default()
                },
                ..MemberLedger::new(PersonId::parse(&format!("{code}-{m}")).expect("plain id"))
            })
            .collect();
        seed.ledgers.push(HouseholdLedger {
            members,
            ..merge_household(&code, previous, None, &[])
        });
    }
    seed
}

/// A valid submission for one household: every member employed, with the
/// details the rules require.
fn submission(rng: &mut ChaCha8Rng) -> Value {
    let household = format!("H{:05}", rng.gen_range(0..HOUSEHOLDS));
    let months = rng.gen_range(1..=12);
    let members: Vec<Value> = (0..MEMBERS)
        .map(|m| {
            json!({ "person": format!("{household}-{m}"), "writes": [
                { "field": "employment", "value": "employed" },
                { "field": "channel", "value": "workshop" },
                { "field": "work_place", "value": "in_county" },
                { "field": "months_worked", "value": months },
                { "field": "monthly_income", "value": 2400 }
            ] })
        })
        .collect();
    json!({
        "id": uuid::Uuid::from_u128(rng.r#gen()).to_string(),
        "household": household,
        "round": ROUND,
        "captured_at": "2026-11-23T09:30:00+08:00",
        "members": members,
    })
}

/// A database of `HOUSEHOLDS` households with last round's ledgers, and the
/// user `bench`, at `path`: migrated and seeded by the server's own code,
/// then checkpointed into the one file, so that it can be copied.
async fn seed_database(path: &Path, seed: &Seed) {
    let url = format!("sqlite://{}", path.display());
    let store = Sqlite::open(&url).await.expect("open");
    store.seed(seed).await.expect("seed");
    drop(store);
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
}

/// A fresh copy of the seeded database; its URL.
fn copy_of(seeded: &Path, dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    std::fs::copy(seeded, &path).expect("copy");
    format!("sqlite://{}", path.display())
}

/// Logs in as `bench`; the session token.
async fn login(address: &str) -> String {
    let login: Value = reqwest::Client::new()
        .post(format!("http://{address}/api/v1/session"))
        .json(&json!({ "username": "bench", "password": "bench" }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login JSON");
    login["token"].as_str().expect("token").to_owned()
}

/// CPU seconds (user and system) a process or thread has used so far,
/// from its `/proc` stat file; with its name.
fn cpu_of(stat_file: &Path) -> Option<(String, f64)> {
    let stat = std::fs::read_to_string(stat_file).ok()?;
    let name = &stat[stat.find('(')? + 1..stat.rfind(')')?];
    // The fields after the name, which is in parentheses.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
    let ticks = fields[11].parse::<f64>().ok()? + fields[12].parse::<f64>().ok()?;
    Some((name.to_owned(), ticks / 100.0))
}

/// CPU seconds a process has used so far, in all and in its write thread.
fn cpu_seconds(pid: &str) -> (f64, f64) {
    let all = cpu_of(Path::new(&format!("/proc/{pid}/stat"))).map_or(0.0, |(_, s)| s);
    let writer = std::fs::read_dir(format!("/proc/{pid}/task"))
        .expect("tasks")
        .filter_map(|task| cpu_of(&task.ok()?.path().join("stat")))
        .filter(|(name, _)| name == "anju-writer")
        .map(|(_, s)| s)
        .sum();
    (all, writer)
}

/// One keep-alive connection sending submissions one after another until
/// `deadline`; every answer must be 201.
async fn client(
    address: String,
    token: String,
    seed: u64,
    deadline: Instant,
    acked: Arc<AtomicU64>,
) {
    let stream = TcpStream::connect(&address).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut line = String::new();
    let mut body = Vec::new();
    while Instant::now() < deadline {
        let sub = submission(&mut rng).to_string();
        let request = format!(
            "POST /api/v1/submissions HTTP/1.1\r\nhost: {address}\r\n\
             authorization: Bearer {token}\r\ncontent-type: application/json\r\n\
             content-length: {}\r\n\r\n{sub}",
            sub.len()
        );
        write
            .write_all(request.as_bytes())
            .await
            .expect("request sent");
        line.clear();
        read.read_line(&mut line).await.expect("status line");
        let status = line.split(' ').nth(1).unwrap_or_default().to_owned();
        let mut length = 0;
        loop {
            line.clear();
            read.read_line(&mut line).await.expect("header");
            if line == "\r\n" || line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').expect("header line");
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().expect("length");
            }
            assert!(
                !name.eq_ignore_ascii_case("transfer-encoding"),
                "chunked answer"
            );
        }
        body.resize(length, 0);
        read.read_exact(&mut body).await.expect("body");
        assert_eq!(status, "201", "{}", String::from_utf8_lossy(&body));
        acked.fetch_add(1, Ordering::Relaxed);
    }
}

/// What one load run came to.
struct Load {
    acked: u64,
    per_second: f64,
    /// CPU microseconds per acknowledged submission: the server's process
    /// (all of it, and its write thread), and the benchmark's process.
    server_cpu: (f64, f64),
    own_cpu: (f64, f64),
}

/// `clients` connections spread over the servers at `addresses`, whose
/// processes are `server_pids`, for `seconds`; run `run` of several on one
/// database, so that each makes submissions of its own.
async fn load(
    addresses: &[String],
    server_pids: &[String],
    clients: usize,
    seconds: u64,
    run: u64,
) -> Load {
    let token = login(&addresses[0]).await;
    let cpu = || {
        server_pids.iter().fold((0.0, 0.0), |(all, writer), pid| {
            let (a, w) = cpu_seconds(pid);
            (all + a, writer + w)
        })
    };
    let acked = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let server_before = cpu();
    let own_before = cpu_seconds("self");
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|idx| {
            tokio::spawn(client(
                addresses[idx % addresses.len()].clone(),
                token.clone(),
                run * 1_000_000 + idx as u64,
                deadline,
                acked.clone(),
            ))
        })
        .collect();
    for task in tasks {
        task.await.expect("client task");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let acked = acked.load(Ordering::Relaxed);
    let micros = |(all, writer): (f64, f64), (all_before, writer_before): (f64, f64)| {
        (
            (all - all_before) * 1e6 / acked as f64,
            (writer - writer_before) * 1e6 / acked as f64,
        )
    };
    Load {
        acked,
        per_second: acked as f64 / elapsed,
        server_cpu: micros(cpu(), server_before),
        own_cpu: micros(cpu_seconds("self"), own_before),
    }
}

/// Every acknowledged submission is in the database.
fn check_stored(database: &str, acked: u64) {
    let path = database.trim_start_matches("sqlite://");
    let conn = rusqlite::Connection::open(path).expect("open");
    let stored: u64 = conn
        .query_row("SELECT count(*) FROM submissions", [], |row| row.get(0))
        .expect("count");
    assert!(stored >= acked, "{stored} stored, {acked} acknowledged");
}

/// The server as a separate process: the real binary.
async fn separate_process(database: &str, clients: usize, seconds: u64) -> Load {
    let (mut child, address) = support::start_binary(&["--round", ROUND, "--database", database]);
    let pid = child.id().to_string();
    let result = load(&[address], &[pid], clients, seconds, 0).await;
    child.kill().expect("stop anju");
    child.wait().expect("anju stopped");
    check_stored(database, result.acked);
    result
}

/// The server inside the benchmark's process, on its runtime.
async fn same_process(database: &str, clients: usize, seconds: u64) -> Load {
    let settings = Settings {
        round: Some(Round::parse(ROUND).expect("valid round")),
        ..Settings::local(database.to_owned())
    };
    let app = server::build(settings).await.expect("server starts");
    let address = format!("127.0.0.1:{}", app.port());
    let server = tokio::spawn(app.run_until_stopped());
    let result = load(&[address], &["self".to_owned()], clients, seconds, 0).await;
    server.abort();
    check_stored(database, result.acked);
    result
}

/// The same rows written straight into SQLite with the same durability
/// (WAL, `synchronous = FULL`), `per_commit` submissions a transaction,
/// through cached prepared statements, into a copy of the same seeded
/// database: each submission's row, its household's re-merged ledger, and
/// the household's change time, as the server writes them. Neither the
/// reads nor the merge are timed.
fn raw_rate(database: &str, seed: &Seed, rows: usize, per_commit: usize) -> f64 {
    let mut conn =
        rusqlite::Connection::open(database.trim_start_matches("sqlite://")).expect("open");
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        .expect("durability");
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let received_at = "2026-11-23T01:30:00Z";
    let rows: Vec<[String; 8]> = (0..rows)
        .map(|_| {
            let body = submission(&mut rng);
            let sub: Submission = serde_json::from_value(body).expect("a submission");
            let household: usize = sub.household.as_str()[1..].parse().expect("number");
            let accepted = Accepted {
                submission: sub,
                author: "bench".into(),
            };
            let sub = &accepted.submission;
            let ledger = merge_household(
                &sub.household,
                sub.round,
                Some(&seed.ledgers[household]),
                std::slice::from_ref(&accepted),
            );
            [
                sub.id.to_string(),
                sub.household.to_string(),
                sub.round.to_string(),
                server::http::digest_of(sub),
                serde_json::to_string(&accepted).expect("json"),
                serde_json::to_string(&ledger).expect("json"),
                received_at.to_owned(),
                accepted.author.clone(),
            ]
        })
        .collect();
    let started = Instant::now();
    for chunk in rows.chunks(per_commit) {
        let tx = conn.transaction().expect("begin");
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO submissions \
                     (id, household, round, author, digest, received_at, body) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .expect("prepare");
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO ledgers (household, round, surveyed, body) \
                     VALUES (?1, ?2, TRUE, ?3) ON CONFLICT (household, round) DO UPDATE \
                     SET surveyed = excluded.surveyed, body = excluded.body",
                )
                .expect("prepare");
            let mut changed = tx
                .prepare_cached("UPDATE households SET changed_at = ?1 WHERE code = ?2")
                .expect("prepare");
            for [id, household, round, digest, body, ledger, at, author] in chunk {
                insert
                    .execute([id, household, round, author, digest, at, body])
                    .expect("insert");
                upsert.execute([household, round, ledger]).expect("upsert");
                changed.execute([at, household]).expect("update");
            }
        }
        tx.commit().expect("commit");
    }
    rows.len() as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let clients: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(64);
    let seconds: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let seed = seed();
    if let Some(url) = args.get(2) {
        runtime.block_on(postgres(url, &seed, clients, seconds));
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let seeded = dir.path().join("seeded.db");
    runtime.block_on(seed_database(&seeded, &seed));
    let database = copy_of(&seeded, dir.path(), "separate.db");
    let separate = runtime.block_on(separate_process(&database, clients, seconds));
    let database = copy_of(&seeded, dir.path(), "inside.db");
    let inside = runtime.block_on(same_process(&database, clients, seconds));
    let database = copy_of(&seeded, dir.path(), "raw-batched.db");
    let batched = raw_rate(
        &database,
        &seed,
        separate.acked.max(10_000) as usize,
        clients,
    );
    let database = copy_of(&seeded, dir.path(), "raw-single.db");
    let single = raw_rate(&database, &seed, 2_000, 1);
    println!("clients: {clients}, seconds: {seconds}, households of {MEMBERS}");
    println!(
        "acknowledged submissions/s over HTTP, anju in its own process: {:.0} \
         (CPU per submission: server {:.0} µs, of which its write thread {:.0} µs; clients {:.0} µs)",
        separate.per_second, separate.server_cpu.0, separate.server_cpu.1, separate.own_cpu.0
    );
    println!(
        "acknowledged submissions/s over HTTP, server in the benchmark's process: {:.0} \
         (CPU per submission: server and clients {:.0} µs, of which the write thread {:.0} µs)",
        inside.per_second, inside.server_cpu.0, inside.server_cpu.1
    );
    println!("raw SQLite rows/s, {clients} per commit: {batched:.0}");
    println!("raw SQLite rows/s, 1 per commit: {single:.0}");
    println!(
        "HTTP intake (own process) / raw batched: {:.2}",
        separate.per_second / batched
    );
}

/// Several servers on one PostgreSQL database at `url` (empty, seeded
/// here): the same load spread over 1, 2 and 4 `anju` processes, each
/// count in turn on the database as the last left it.
async fn postgres(url: &str, seed: &Seed, clients: usize, seconds: u64) {
    let store = server::store::Postgres::open(url).await.expect("open");
    store.seed(seed).await.expect("seed");
    drop(store);
    println!("PostgreSQL, clients: {clients}, seconds: {seconds}, households of {MEMBERS}");
    let mut stored = 0;
    for servers in [1, 2, 4] {
        let started: Vec<_> = (0..servers)
            .map(|_| support::start_binary(&["--round", ROUND, "--database", url]))
            .collect();
        let addresses: Vec<String> = started.iter().map(|(_, a)| a.clone()).collect();
        let pids: Vec<String> = started.iter().map(|(c, _)| c.id().to_string()).collect();
        let result = load(&addresses, &pids, clients, seconds, servers).await;
        for (mut child, _) in started {
            child.kill().expect("stop anju");
            child.wait().expect("anju stopped");
        }
        let pool = sqlx::PgPool::connect(url).await.expect("connect");
        let now: i64 = sqlx::query_scalar("SELECT count(*) FROM submissions")
            .fetch_one(&pool)
            .await
            .expect("count");
        let now = u64::try_from(now).unwrap_or_default();
        assert!(
            now - stored >= result.acked,
            "every acknowledged submission is stored"
        );
        stored = now;
        println!(
            "{servers} server process(es): {:.0} acknowledged submissions/s (server CPU per submission {:.0} µs)",
            result.per_second, result.server_cpu.0
        );
    }
}
