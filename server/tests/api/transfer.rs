//! `anju copy`: a county on SQLite moves to PostgreSQL, and the server on
//! PostgreSQL answers as the one on SQLite did.

use std::process::Command;

use serde_json::Value;
use server::calendar::Calendar;
use server::settings::Settings;
use server::store::transfer::{TABLES, sqlite_tables};
use shared::round::Round;

use crate::helpers::{ROUND, fresh_database, serve, supervisor_client};

fn copy(from: &str, to: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_anju"))
        .args(["copy", "--from", from, "--to", to])
        .env("LANG", "C")
        .output()
        .expect("anju runs")
}

/// What a supervisor reads of a server: coverage, the review list, the
/// visits and two households' ledgers and histories.
async fn readings(address: &str) -> Vec<Value> {
    let client = supervisor_client(address).await;
    let mut res = Vec::new();
    for path in [
        "/api/v1/coverage",
        "/api/v1/review?limit=1000",
        "/api/v1/visits",
        "/api/v1/gaps",
        "/api/v1/households/XF-1-0101",
        "/api/v1/households/XF-1-0101/history",
        "/api/v1/households/XF-1-0102",
    ] {
        let body: Value = client
            .get(format!("{address}{path}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        res.push(body);
    }
    res
}

#[tokio::test]
async fn a_county_on_sqlite_moves_to_postgresql_with_all_it_held() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("anju.db");
    let sqlite = format!("sqlite://{}", file.display());
    let settings = Settings {
        demo: true,
        demo_underway: true,
        round: Some(Round::parse(ROUND).expect("valid round")),
        ..Settings::local(sqlite.clone())
    };
    let on_sqlite = serve(settings.clone(), Calendar::system_clock(), dir).await;

    // Every table the migrations made is one the copy knows.
    let mut known: Vec<&str> = TABLES.to_vec();
    known.sort_unstable();
    assert_eq!(sqlite_tables(&file).unwrap(), known);
    if std::env::var_os("ANJU_TEST_DATABASE_URL").is_none() {
        return;
    }
    let pg_dir = tempfile::tempdir().expect("temp dir");
    let postgres = fresh_database(&pg_dir).await;

    let copied = copy(&sqlite, &postgres);
    let again = copy(&sqlite, &postgres);

    assert!(
        copied.status.success(),
        "{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    assert!(String::from_utf8_lossy(&copied.stdout).contains("submissions: 41"));
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds"));
    let on_postgres = serve(
        Settings {
            database: postgres,
            ..settings
        },
        Calendar::system_clock(),
        pg_dir,
    )
    .await;
    assert_eq!(
        readings(&on_postgres.address).await,
        readings(&on_sqlite.address).await
    );
}
