//! What the benchmarks that drive a demo server share.

use std::process::Child;

use serde_json::json;
use server::settings::Settings;
use shared::round::Round;
use tempfile::TempDir;

/// A demo server of round 2026Q4 on a fresh SQLite file in `dir`, running
/// on this runtime; its base URL.
pub async fn demo_server(dir: &TempDir) -> String {
    let settings = Settings {
        demo: true,
        round: Some(Round::parse("2026Q4").expect("valid round")),
        ..Settings::local(format!(
            "sqlite://{}",
            dir.path().join("bench.db").display()
        ))
    };
    let app = server::build(settings).await.expect("server starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    base
}

/// A client logged in as the demo user `user`.
pub async fn logged_in(base: &str, user: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let res = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "username": user, "password": "demo" }))
        .send()
        .await
        .expect("login");
    assert!(res.status().is_success(), "login: {}", res.status());
    client
}

#[path = "../../tests/support/binary.rs"]
mod binary;

/// Starts the real `anju serve` on a free port with its default logging
/// and `args`; returns the process and its address (`host:port`).
pub fn start_binary(args: &[&str]) -> (Child, String) {
    binary::start_anju(args, None)
}

/// The most memory a process has held so far (its peak resident set), in
/// megabytes, from `/proc`.
pub fn peak_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = (status.lines())
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}
