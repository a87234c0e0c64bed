//! `anju backup` while the server takes submissions, and a server restored
//! from the copy.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use serde_json::Value;
use server::calendar::Calendar;
use server::settings::Settings;
use shared::round::Round;

use crate::accounts::anju;
use crate::helpers::{ROUND, fresh_database, serve, submission, supervisor_client};

const CLIENTS: usize = 4;
/// Each client stops after this many, whatever happens.
const PER_CLIENT: usize = 150;

fn demo_settings(database: String) -> Settings {
    Settings {
        demo: true,
        round: Some(Round::parse(ROUND).expect("valid round")),
        ..Settings::local(database)
    }
}

#[tokio::test]
async fn a_backup_taken_under_load_restores_every_acknowledged_submission() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = fresh_database(&dir).await;
    if database.starts_with("postgres") {
        let file = dir.path().join("anju.dump");
        let told = anju(&["backup", file.to_str().unwrap()], &database, "", "C");
        assert!(!told.status.success(), "nothing was backed up");
        assert!(String::from_utf8_lossy(&told.stderr).contains("pg_dump --format=custom"));
        return;
    }
    let app = serve(
        demo_settings(database.clone()),
        Calendar::system_clock(),
        dir,
    )
    .await;
    app.login_as("surveyor").await;
    let households = app.roster().await["households"].clone();
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for n in 0..CLIENTS {
        let (address, households) = (app.address.clone(), households.clone());
        let (acked, stop) = (acked.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap();
            let login = client
                .post(format!("{address}/api/v1/session"))
                .json(&serde_json::json!({ "username": "surveyor", "password": "demo" }))
                .send()
                .await
                .unwrap();
            assert_eq!(login.status(), StatusCode::OK);
            for i in 0..PER_CLIENT {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let id = uuid::Uuid::new_v4().to_string();
                let household = &households[(n * PER_CLIENT + i) % 100];
                let res = client
                    .post(format!("{address}/api/v1/submissions"))
                    .json(&submission(&id, household, (i % 12) as u8))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::CREATED);
                acked.lock().unwrap().push(id);
            }
        }));
    }
    while acked.lock().unwrap().len() < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let before: BTreeSet<String> = acked.lock().unwrap().iter().cloned().collect();
    let restored_dir = tempfile::tempdir().expect("temp dir");
    let file = restored_dir.path().join("anju.db");
    let copy = {
        let (file, database) = (file.clone(), database.clone());
        tokio::task::spawn_blocking(move || {
            anju(&["backup", file.to_str().unwrap()], &database, "", "C")
        })
        .await
        .unwrap()
    };
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }

    assert!(
        copy.status.success(),
        "{}",
        String::from_utf8_lossy(&copy.stderr)
    );
    let told = String::from_utf8_lossy(&copy.stdout).to_string();
    let held: usize = told
        .split(", ")
        .nth(1)
        .and_then(|part| part.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count of submissions in {told:?}"));
    assert!(held >= before.len(), "{told}");
    let restored = serve(
        demo_settings(format!("sqlite://{}", file.display())),
        Calendar::system_clock(),
        restored_dir,
    )
    .await;
    let supervisor = supervisor_client(&restored.address).await;
    let list: Value = supervisor
        .get(format!("{}/api/v1/review?limit=1000", restored.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let served: BTreeSet<String> = list["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["submission"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        served.len(),
        held,
        "the restored server serves what the backup said it holds"
    );
    assert!(
        before.is_subset(&served),
        "missing: {:?}",
        before.difference(&served)
    );
}
