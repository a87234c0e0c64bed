//! What the benchmarks that drive a demo server share.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

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

/// Starts the real `anju serve` on a free port with its default logging
/// and `args`; returns the process and its address (`host:port`).
/// `ANJU_BIN` names another build to measure.
pub fn start_binary(args: &[&str]) -> (Child, String) {
    let binary = std::env::var("ANJU_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_anju").into());
    let mut child = Command::new(binary)
        .args(["serve", "--port", "0"])
        .args(args)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("anju starts");
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("anju prints its address")
            .expect("utf-8");
        if let Some(rest) = line.split("running at http://").nth(1) {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    // Keep reading, so the server never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, address)
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
