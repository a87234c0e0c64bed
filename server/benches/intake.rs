//! Intake throughput: acknowledged submissions per second from many
//! concurrent clients over loopback HTTP, on SQLite with full durability,
//! against the raw SQLite insert rate of the same rows in the same run.
//!
//! `cargo bench -p server --bench intake -- [clients] [seconds]`

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
use shared::merge::{HouseholdLedger, MemberLedger, merge_household};
use shared::place::{GridCode, HouseholdCode, PersonId};
use shared::record::LabourRecord;
use shared::round::Round;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, Executor};
use time::macros::date;

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
            boundary: None,
        }],
        users: vec![Credentials {
            user: User {
                username: "bench".into(),
                display_name: "bench".into(),
                role: Role::Supervisor,
                grid: None,
                area: None,
                demo: false,
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

async fn http_rate(dir: &std::path::Path, clients: usize, seconds: u64) -> f64 {
    let url = format!("sqlite://{}", dir.join("intake.db").display());
    Sqlite::open(&url)
        .await
        .expect("open")
        .seed(&seed())
        .await
        .expect("seed");
    let settings = Settings {
        port: 0,
        host: "127.0.0.1".into(),
        database: url,
        demo: false,
        round: Some(Round::parse(ROUND).expect("valid round")),
    };
    let app = server::build(settings).await.expect("server starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "username": "bench", "password": "bench" }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login JSON");
    let token = login["token"].as_str().expect("token").to_owned();

    let acked = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|idx| {
            let (client, base, token, acked) =
                (client.clone(), base.clone(), token.clone(), acked.clone());
            tokio::spawn(async move {
                let mut rng = ChaCha8Rng::seed_from_u64(idx as u64);
                while Instant::now() < deadline {
                    let res = client
                        .post(format!("{base}/api/v1/submissions"))
                        .bearer_auth(&token)
                        .json(&submission(&mut rng))
                        .send()
                        .await
                        .expect("request sent");
                    assert!(res.status().is_success(), "{}", res.status());
                    acked.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("client task");
    }
    acked.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// The same rows (a submission and its household's ledger) inserted straight
/// into SQLite with the same durability, `per_commit` rows a transaction.
async fn raw_rate(dir: &std::path::Path, rows: usize, per_commit: usize) -> f64 {
    let path = dir.join(format!("raw-{per_commit}.db"));
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("open");
    conn.execute(
        "CREATE TABLE submissions (id TEXT PRIMARY KEY, household TEXT, body TEXT); \
         CREATE TABLE ledgers (household TEXT PRIMARY KEY, body TEXT);",
    )
    .await
    .expect("schema");
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let seeded = seed();
    let bodies: Vec<(String, String, String, String)> = (0..rows)
        .map(|idx| {
            let sub = submission(&mut rng);
            let ledger = serde_json::to_string(&seeded.ledgers[idx % HOUSEHOLDS]).expect("json");
            (
                sub["id"].as_str().expect("id").to_owned(),
                sub["household"].as_str().expect("code").to_owned(),
                sub.to_string(),
                ledger,
            )
        })
        .collect();
    let started = Instant::now();
    for chunk in bodies.chunks(per_commit) {
        let mut tx = conn.begin().await.expect("begin");
        for (id, household, body, ledger) in chunk {
            sqlx::query("INSERT INTO submissions VALUES (?, ?, ?)")
                .bind(id)
                .bind(household)
                .bind(body)
                .execute(&mut *tx)
                .await
                .expect("insert");
            sqlx::query("INSERT INTO ledgers VALUES (?, ?) ON CONFLICT (household) DO UPDATE SET body = excluded.body")
                .bind(household)
                .bind(ledger)
                .execute(&mut *tx)
                .await
                .expect("upsert");
        }
        tx.commit().await.expect("commit");
    }
    rows as f64 / started.elapsed().as_secs_f64()
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
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let http = http_rate(dir.path(), clients, seconds).await;
        let batched = raw_rate(dir.path(), 20_000, clients).await;
        let single = raw_rate(dir.path(), 1_000, 1).await;
        println!("clients: {clients}, seconds: {seconds}, households of {MEMBERS}");
        println!("acknowledged submissions/s over HTTP: {http:.0}");
        println!("raw SQLite rows/s, {clients} per commit: {batched:.0}");
        println!("raw SQLite rows/s, 1 per commit: {single:.0}");
        println!("HTTP intake / raw batched: {:.2}", http / batched);
    });
}
