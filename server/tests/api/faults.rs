//! The database failing under the server while teams submit: PostgreSQL
//! stopped at once and started again, SQLite's disk filled up and freed.
//! Meanwhile submissions are answered 503 with a `Retry-After`, never a
//! 500; afterwards the server works again by itself, and everything it
//! acknowledged is kept.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::crash::{assert_kept, unchanged};
use crate::helpers::{ROUND, TestApp, serve, spawn_app, supervisor_client};

/// What the submitting clients got: the acknowledged (id, household), and
/// every other answer as (status, code, Retry-After).
#[derive(Default)]
struct Answers {
    acked: Vec<(String, String)>,
    refused: Vec<(u16, String, Option<String>)>,
}

/// Clients submitting to `app` until `stop` is set.
fn submit_until(
    app: &TestApp,
    households: &[Value],
    answers: &Arc<Mutex<Answers>>,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..4u128)
        .map(|worker| {
            let (client, address) = (app.client.clone(), app.address.clone());
            let (households, answers, stop) = (households.to_vec(), answers.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0u128;
                while !stop.load(Ordering::Acquire) {
                    n += 1;
                    let household =
                        &households[(n as usize * 7 + worker as usize) % households.len()];
                    let id = (worker << 64) | n;
                    let res = client
                        .post(format!("{address}/api/v1/submissions"))
                        .json(&unchanged(id, household))
                        .send()
                        .await
                        .expect("the server stays up");
                    let status = res.status().as_u16();
                    let retry = res
                        .headers()
                        .get("retry-after")
                        .map(|v| v.to_str().unwrap().to_owned());
                    let body: Value = res.json().await.expect("a JSON answer");
                    let acked = status == 201;
                    {
                        let mut answers = answers.lock().unwrap();
                        if acked {
                            let code = household["code"].as_str().unwrap().to_owned();
                            answers
                                .acked
                                .push((uuid::Uuid::from_u128(id).to_string(), code));
                        } else {
                            let code = body["code"].as_str().unwrap().to_owned();
                            answers.refused.push((status, code, retry));
                        }
                    }
                    if !acked {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
            })
        })
        .collect()
}

/// Waits until `answers` holds `more` acknowledgements beyond `from`.
async fn until_acked(answers: &Arc<Mutex<Answers>>, from: usize, more: usize) {
    for _ in 0..600 {
        if answers.lock().unwrap().acked.len() >= from + more {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no submission was acknowledged again");
}

/// Stops the clients; every refusal was a 503 with a wait, and every
/// acknowledged submission is kept.
async fn finish(
    app: &TestApp,
    answers: &Arc<Mutex<Answers>>,
    stop: &Arc<AtomicBool>,
    clients: Vec<tokio::task::JoinHandle<()>>,
) {
    stop.store(true, Ordering::Release);
    for client in clients {
        client.await.unwrap();
    }
    let (acked, refused) = {
        let answers = answers.lock().unwrap();
        (answers.acked.clone(), answers.refused.clone())
    };
    assert_all_unavailable(&refused);
    let client = supervisor_client(&app.address).await;
    assert_kept(&client, &app.address, &acked).await;
}

fn assert_all_unavailable(refused: &[(u16, String, Option<String>)]) {
    assert!(!refused.is_empty(), "no submission met the fault");
    for (status, code, retry) in refused {
        assert_eq!(
            (*status, code.as_str()),
            (503, "unavailable"),
            "{refused:?}"
        );
        assert_eq!(retry.as_deref(), Some("10"), "{refused:?}");
    }
}

/// The test PostgreSQL server's `pg_ctl` and data directory, from
/// `scripts/with-postgres`, when `ANJU_TEST_PG_FAULTS` allows stopping it:
/// other tests on the same server would meet the outage, so scripts/test
/// runs this one alone on a cluster of its own.
fn cluster() -> Option<(String, PathBuf)> {
    std::env::var("ANJU_TEST_DATABASE_URL").ok()?;
    if std::env::var_os("ANJU_TEST_PG_FAULTS").is_none() {
        eprintln!("PostgreSQL is not stopped unless ANJU_TEST_PG_FAULTS is set");
        return None;
    }
    let pg_ctl = std::env::var("ANJU_TEST_PG_CTL").ok()?;
    let data = std::env::var("ANJU_TEST_PG_DATA").ok()?;
    Some((pg_ctl, PathBuf::from(data)))
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("id");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// `pg_ctl` as the cluster's owner.
fn pg_ctl(pg_ctl: &str, data: &Path, args: &[&str]) {
    let data = data.to_str().unwrap();
    let log = format!("{data}/../log");
    let mut all = vec![pg_ctl, "-D", data, "-l", &log, "-w"];
    all.extend_from_slice(args);
    let status = if is_root() {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .args(&all)
            .status()
    } else {
        Command::new(all[0]).args(&all[1..]).status()
    }
    .expect("pg_ctl runs");
    assert!(status.success(), "pg_ctl {args:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_at_once_and_started_again_loses_nothing_acknowledged() {
    let Some((ctl, data)) = cluster() else {
        return;
    };
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let households = app.roster().await["households"].as_array().unwrap().clone();
    let answers = Arc::new(Mutex::new(Answers::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients = submit_until(&app, &households, &answers, &stop);
    until_acked(&answers, 0, 20).await;

    // Longer than the server waits for a connection, so requests meet it.
    let (ctl2, data2) = (ctl.clone(), data.clone());
    tokio::task::spawn_blocking(move || pg_ctl(&ctl2, &data2, &["-m", "immediate", "stop"]))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(8)).await;
    tokio::task::spawn_blocking(move || pg_ctl(&ctl, &data, &["start"]))
        .await
        .unwrap();
    let before = answers.lock().unwrap().acked.len();
    until_acked(&answers, before, 20).await;
    finish(&app, &answers, &stop, clients).await;
}

/// A small filesystem of its own, mounted for the test and unmounted after.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let size = format!("size={megabytes}m");
        let path = dir.path().to_str()?;
        let mounted = as_root(&["mount", "-t", "tmpfs", "-o", &size, "tmpfs", path]);
        // Writable by this user, whoever mounted it.
        let mode = as_root(&["chmod", "1777", path]);
        (mounted && mode).then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills what is left with a file, which `free` deletes.
    fn fill(&self) {
        use std::io::Write;
        let mut file = std::fs::File::create(self.path().join("filler")).unwrap();
        let block = vec![0u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        let _ = file.sync_all();
    }

    fn free(&self) {
        std::fs::remove_file(self.path().join("filler")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if let Some(path) = self.dir.path().to_str() {
            as_root(&["umount", "-l", path]);
        }
    }
}

/// Runs `command` as root: directly if this is root, else through `sudo -n`.
fn as_root(command: &[&str]) -> bool {
    let status = if is_root() {
        Command::new(command[0]).args(&command[1..]).status()
    } else {
        Command::new("sudo").arg("-n").args(command).status()
    };
    status.is_ok_and(|s| s.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_under_sqlite_answers_503_and_loses_nothing_acknowledged() {
    if std::env::var_os("ANJU_TEST_DATABASE_URL").is_some() {
        // The PostgreSQL run: this fault is SQLite's.
        return;
    }
    let disk = SmallDisk::mount(64).expect("a tmpfs mounts (as root, or through sudo -n)");
    let settings = server::settings::Settings {
        demo: true,
        round: Some(shared::round::Round::parse(ROUND).unwrap()),
        ..server::settings::Settings::local(format!(
            "sqlite://{}",
            disk.path().join("anju.db").display()
        ))
    };
    let app = serve(
        settings,
        server::calendar::Calendar::system_clock(),
        tempfile::tempdir().unwrap(),
    )
    .await;
    app.login_as("surveyor").await;
    let households = app.roster().await["households"].as_array().unwrap().clone();
    let answers = Arc::new(Mutex::new(Answers::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients = submit_until(&app, &households, &answers, &stop);
    until_acked(&answers, 0, 20).await;

    disk.fill();
    for _ in 0..600 {
        if !answers.lock().unwrap().refused.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    disk.free();
    let before = answers.lock().unwrap().acked.len();
    until_acked(&answers, before, 20).await;
    finish(&app, &answers, &stop, clients).await;
}
