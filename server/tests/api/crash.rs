//! Nothing acknowledged is lost: the real binary is killed with SIGKILL
//! while clients submit, restarted, and killed again; afterwards every
//! submission it acknowledged is in its household's ledger.

use std::collections::BTreeMap;
use std::process::Child;
use std::sync::{Arc, Mutex};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::binary::start_anju;
use crate::helpers::{ROUND, fresh_database, supervisor_client};

/// Kill-and-restart cycles; `ANJU_CRASH_CYCLES=100` for the longer run
/// recorded in BENCHMARKS.md.
fn cycles() -> usize {
    std::env::var("ANJU_CRASH_CYCLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20)
        .max(20)
}

const CLIENTS: usize = 8;

/// Starts `anju serve` on a free port; returns the process and its base URL.
fn start(database: &str) -> (Child, String) {
    let (child, address) = start_anju(
        &["--demo", "--round", ROUND, "--database", database],
        Some("error"),
    );
    (child, format!("http://{address}"))
}

/// A whole household confirmed unchanged: valid for any household.
pub fn unchanged(id: u128, household: &Value) -> Value {
    let members: Vec<Value> = household["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| json!({ "person": m["person"], "writes": [] }))
        .collect();
    json!({
        "id": uuid::Uuid::from_u128(id).to_string(),
        "household": household["code"],
        "round": ROUND,
        "captured_at": "2026-11-23T10:00:00+08:00",
        "members": members,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_submissions_survive_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = fresh_database(&dir).await;
    let mut rng = ChaCha8Rng::seed_from_u64(20261123);
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let mut households: Vec<Value> = Vec::new();

    for cycle in 0..cycles() {
        let (mut child, address) = start(&database);
        let client = supervisor_client(&address).await;
        if households.is_empty() {
            let roster: Value = client
                .get(format!("{address}/api/v1/roster"))
                .send()
                .await
                .expect("roster")
                .json()
                .await
                .expect("roster JSON");
            households = roster["households"].as_array().expect("households").clone();
        }
        let before = acked.lock().expect("lock").len();
        let kill_after = before + rng.gen_range(5..60);
        let households = Arc::new(households.clone());
        // Each goes on until the server is gone.
        let never = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let seed = (cycle * CLIENTS) as u64;
        let tasks = clients_of(
            &address,
            &client,
            &households,
            &acked,
            &never,
            seed,
            CLIENTS,
        );
        while acked.lock().expect("lock").len() < kill_after {
            tokio::task::yield_now().await;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        for task in tasks {
            task.await.expect("client task");
        }
    }

    let (mut child, address) = start(&database);
    let client = supervisor_client(&address).await;
    let acked = acked.lock().expect("lock").clone();
    assert_kept(&client, &address, &acked).await;
    child.kill().expect("stop");
    child.wait().expect("reaped");
}

/// Every acknowledged (submission, household) is in its household's ledger,
/// once, as `client` reads it from the server at `address`.
pub async fn assert_kept(client: &reqwest::Client, address: &str, acked: &[(String, String)]) {
    let mut by_household: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, household) in acked {
        by_household
            .entry(household.clone())
            .or_default()
            .push(id.clone());
    }
    assert!(
        by_household.len() > 10,
        "the test acknowledged too little to mean anything"
    );
    for (household, ids) in &by_household {
        let ledger: Value = client
            .get(format!("{address}/api/v1/households/{household}"))
            .send()
            .await
            .expect("ledger")
            .json()
            .await
            .expect("ledger JSON");
        let stored: Vec<&str> = ledger["submissions"]
            .as_array()
            .expect("submissions")
            .iter()
            .map(|s| s.as_str().expect("id"))
            .collect();
        for id in ids {
            let times = stored.iter().filter(|s| **s == id).count();
            assert_eq!(
                times, 1,
                "acknowledged {id} of {household} is in its ledger once"
            );
        }
    }
}

/// `workers` clients submitting to `address` until it is gone or `stop`
/// is set, noting each acknowledged submission in `acked`.
fn clients_of(
    address: &str,
    client: &reqwest::Client,
    households: &Arc<Vec<Value>>,
    acked: &Arc<Mutex<Vec<(String, String)>>>,
    stop: &Arc<std::sync::atomic::AtomicBool>,
    seed: u64,
    workers: usize,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..workers as u64)
        .map(|worker| {
            let (client, address, acked, households, stop) = (
                client.clone(),
                address.to_owned(),
                acked.clone(),
                households.clone(),
                stop.clone(),
            );
            let mut rng = ChaCha8Rng::seed_from_u64(seed + worker);
            tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::Acquire) {
                    let household = &households[rng.gen_range(0..households.len())];
                    let id: u128 = rng.r#gen();
                    let sent = client
                        .post(format!("{address}/api/v1/submissions"))
                        .json(&unchanged(id, household))
                        .send()
                        .await;
                    match sent {
                        Ok(res) if res.status().is_success() => {
                            let code = household["code"].as_str().expect("code").to_owned();
                            acked
                                .lock()
                                .expect("lock")
                                .push((uuid::Uuid::from_u128(id).to_string(), code));
                        }
                        Ok(res) => panic!("unexpected answer {}", res.status()),
                        // The server is gone: this one was never acknowledged.
                        Err(_) => return,
                    }
                }
            })
        })
        .collect()
}

/// Two servers on one PostgreSQL database, each killed with SIGKILL in
/// turn while clients submit to both, then restarted: every submission
/// either acknowledged is kept once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_submissions_survive_two_servers_killed_in_turn() {
    if std::env::var_os("ANJU_TEST_DATABASE_URL").is_none() {
        // Servers share a database only on PostgreSQL.
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let database = fresh_database(&dir).await;
    let mut rng = ChaCha8Rng::seed_from_u64(20261206);
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let mut servers = [start(&database), start(&database)];
    let roster: Value = supervisor_client(&servers[0].1)
        .await
        .get(format!("{}/api/v1/roster", servers[0].1))
        .send()
        .await
        .expect("roster")
        .json()
        .await
        .expect("roster JSON");
    let households = Arc::new(roster["households"].as_array().expect("households").clone());

    for cycle in 0..cycles() {
        let victim = cycle % 2;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut tasks = Vec::new();
        for (i, (_, address)) in servers.iter().enumerate() {
            let client = supervisor_client(address).await;
            let seed = ((cycle * 2 + i) * CLIENTS) as u64;
            let workers = CLIENTS / 2;
            tasks.extend(clients_of(
                address,
                &client,
                &households,
                &acked,
                &stop,
                seed,
                workers,
            ));
        }
        let kill_after = acked.lock().expect("lock").len() + rng.gen_range(5..60);
        while acked.lock().expect("lock").len() < kill_after {
            tokio::task::yield_now().await;
        }
        let (child, _) = &mut servers[victim];
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        // The other server goes on taking submissions meanwhile.
        let going_on = acked.lock().expect("lock").len() + 5;
        while acked.lock().expect("lock").len() < going_on {
            tokio::task::yield_now().await;
        }
        stop.store(true, std::sync::atomic::Ordering::Release);
        for task in tasks {
            task.await.expect("client task");
        }
        servers[victim] = start(&database);
    }

    let address = servers[0].1.clone();
    let client = supervisor_client(&address).await;
    let acked = acked.lock().expect("lock").clone();
    assert_kept(&client, &address, &acked).await;
    for (child, _) in &mut servers {
        child.kill().expect("stop");
        child.wait().expect("reaped");
    }
}
