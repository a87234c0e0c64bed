//! Servers keep no state of their own: two of them on one database, taking
//! conflicting submissions for the same households at once, end with the
//! ledgers one server would, which are exactly what the merge rule makes
//! of every acknowledged submission.

use std::sync::{Arc, Mutex};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use server::settings::Settings;
use shared::merge::{Accepted, HouseholdLedger, merge_household};
use shared::round::Round;
use shared::wire::Submission;

use crate::helpers::{ROUND, fresh_database, supervisor_client};

const HOUSEHOLDS: usize = 3;
const CLIENTS: usize = 8;
const PER_CLIENT: usize = 25;

async fn serve(database: &str) -> String {
    let settings = Settings {
        demo: true,
        round: Some(Round::parse(ROUND).expect("valid round")),
        ..Settings::local(database.to_owned())
    };
    let app = server::build(settings).await.expect("server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    address
}

/// Writes with no rule between them, so random values always pass and
/// concurrent ones conflict.
fn submission(rng: &mut ChaCha8Rng, household: &Value) -> Value {
    let first = &household["members"][0]["person"];
    json!({
        "id": uuid::Uuid::from_u128(rng.r#gen()).to_string(),
        "household": household["code"],
        "round": ROUND,
        "captured_at": format!("2026-11-23T10:{:02}:00+08:00", rng.gen_range(0..60)),
        "members": [{ "person": first, "writes": [
            { "field": "certified", "value": rng.gen_bool(0.5) },
            { "field": "willing_to_train", "value": rng.gen_bool(0.5) }
        ] }],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_agree_with_the_merge_rule() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = fresh_database(&dir).await;
    let first = serve(&database).await;
    let second = serve(&database).await;
    let roster: Value = supervisor_client(&first)
        .await
        .get(format!("{first}/api/v1/roster"))
        .send()
        .await
        .expect("roster")
        .json()
        .await
        .expect("roster JSON");
    let households: Vec<Value> =
        roster["households"].as_array().expect("households")[..HOUSEHOLDS].to_vec();

    let acked: Arc<Mutex<Vec<Submission>>> = Arc::default();
    let mut tasks = Vec::new();
    for worker in 0..CLIENTS {
        let address = if worker % 2 == 0 { &first } else { &second };
        let (client, address, acked, households) = (
            supervisor_client(address).await,
            address.clone(),
            acked.clone(),
            households.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut rng = ChaCha8Rng::seed_from_u64(worker as u64);
            for _ in 0..PER_CLIENT {
                let household = &households[rng.gen_range(0..HOUSEHOLDS)];
                let body = submission(&mut rng, household);
                let res = client
                    .post(format!("{address}/api/v1/submissions"))
                    .json(&body)
                    .send()
                    .await
                    .expect("sent");
                assert!(res.status().is_success(), "{}", res.status());
                acked
                    .lock()
                    .expect("lock")
                    .push(serde_json::from_value(body).expect("a wire submission"));
            }
        }));
    }
    for task in tasks {
        task.await.expect("client");
    }

    let reader = supervisor_client(&second).await;
    let acked = acked.lock().expect("lock").clone();
    for household in &households {
        let code = household["code"].as_str().expect("code");
        let get = |round: &str| {
            let url = format!("{second}/api/v1/households/{code}?round={round}");
            let reader = reader.clone();
            async move {
                let ledger: HouseholdLedger = reader
                    .get(url)
                    .send()
                    .await
                    .expect("ledger")
                    .json()
                    .await
                    .expect("ledger JSON");
                ledger
            }
        };
        let stored = get(ROUND).await;
        let previous = get("2026Q3").await;
        let mine: Vec<Accepted> = acked
            .iter()
            .filter(|s| s.household.as_str() == code)
            .map(|s| Accepted {
                submission: Submission {
                    captured_at: s.captured_at.to_offset(time::UtcOffset::UTC),
                    ..s.clone()
                },
                author: "supervisor".into(),
            })
            .collect();
        let expected = merge_household(&stored.household, stored.round, Some(&previous), &mine);
        assert_eq!(stored, expected, "the ledger of {code}");
    }
}
