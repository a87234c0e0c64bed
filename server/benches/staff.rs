//! A staff file the size of a city's (about 80 resident work teams of three
//! and 2,000 grid members) or larger: its dry run, its import with a
//! one-time password hashed for every new account, the same file again,
//! and a search of the accounts it made.
//!
//! `cargo bench -p server --bench staff -- [PEOPLE]` (2,240 by default)

use std::time::Instant;

use serde_json::Value;

// Each benchmark uses part of what they share.
#[allow(dead_code)]
mod support;

/// `PEOPLE` rows: one in eight a resident work team member, the others
/// grid members, in the demo's two grids.
fn staff_csv(people: usize) -> String {
    let mut csv = String::from("\u{feff}姓名,手机号码,角色,工作地点,用户名\r\n");
    for i in 0..people {
        let role = if i % 8 == 0 {
            "驻点工作队"
        } else {
            "网格员"
        };
        let grid = if i % 2 == 0 { "G1" } else { "G2" };
        csv.push_str(&format!("队员{i},138{i:08},{role},{grid},\r\n"));
    }
    csv
}

async fn timed_import(
    client: &reqwest::Client,
    base: &str,
    csv: &str,
    dry_run: bool,
) -> (f64, Value) {
    let started = Instant::now();
    let res = client
        .post(format!("{base}/api/v1/users/import?dry_run={dry_run}"))
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .expect("import sent");
    assert!(res.status().is_success(), "{}", res.status());
    let body: Value = res.json().await.expect("JSON");
    (started.elapsed().as_secs_f64(), body)
}

fn main() {
    let people: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2_240);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let base = support::demo_server(&dir).await;
        let client = support::logged_in(&base, "admin").await;
        let csv = staff_csv(people);

        let (checked, _) = timed_import(&client, &base, &csv, true).await;
        let (imported, report) = timed_import(&client, &base, &csv, false).await;
        assert_eq!(report["added"].as_u64(), Some(people as u64));
        let (again, report) = timed_import(&client, &base, &csv, false).await;
        assert_eq!(report["unchanged"].as_u64(), Some(people as u64));
        let started = Instant::now();
        let found: Value = client
            .get(format!("{base}/api/v1/users?q=duiyuan12"))
            .send()
            .await
            .expect("search")
            .json()
            .await
            .expect("JSON");
        let searched = started.elapsed().as_secs_f64();

        println!("staff file of {people} people, {} bytes", csv.len());
        println!("{:<44} {:>8.2} s", "dry run", checked);
        println!(
            "{:<44} {:>8.2} s",
            "import (a one-time password each)", imported
        );
        println!(
            "{:<44} {:>8.2} s",
            "the same file again (nothing changes)", again
        );
        println!(
            "{:<44} {:>8.3} s",
            format!(
                "search ?q=duiyuan12 ({} found)",
                found.as_array().map_or(0, Vec::len)
            ),
            searched
        );
    });
}
