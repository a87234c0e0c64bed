//! A generated city or province (`anju generate`) on the real `anju`
//! binary. Its roster files imported one after another, as a county would
//! load its roster: each file's time, the last against the first, and the
//! server's peak memory. Then, from a server started afresh on the same
//! database, the whole ledger's CSV export (rows a second, that server's
//! peak memory), the whole scope's coverage and indicators, and the
//! drill-down's summaries of the whole scope, a city and a county.
//!
//! `cargo bench -p server --bench scale -- [sample|city|province] [DATABASE_URL]`
//!
//! The database is a new SQLite file unless a URL names an empty
//! PostgreSQL database. The server runs the demo, for its administrator.

// Each benchmark uses part of what they share.
#[allow(dead_code)]
mod support;

use std::time::Instant;

use serde_json::Value;
use server::demo::generate::{Size, generate};
use shared::round::Round;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let size = match args.first().map(String::as_str) {
        None | Some("city") => Size::City,
        Some("province") => Size::Province,
        Some("sample") => Size::Sample,
        Some(other) => panic!("no size {other}: sample, city or province"),
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let database = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("import.db").display()));
    let round = Round::parse("2026Q4").expect("valid round");
    let files = dir.path().join("files");
    std::fs::create_dir(&files).expect("files dir");
    let made = generate(size, 1, round, &files).expect("generated");
    println!(
        "{} files, {} households, {} people, {} places",
        made.files.len(),
        made.households,
        made.people,
        made.places
    );

    let (mut child, address) =
        support::start_binary(&["--demo", "--round", "2026Q4", "--database", &database]);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // Each file's seconds and households.
    let times: Vec<(f64, f64)> = runtime.block_on(async {
        let base = format!("http://{address}");
        let client = support::logged_in(&base, "admin").await;
        let mut times = Vec::new();
        for (n, file) in made.files.iter().enumerate() {
            let body = std::fs::read(file).expect("file");
            let started = Instant::now();
            let res = client
                .post(format!("{base}/api/v1/roster/import"))
                .header("content-type", "text/csv")
                .body(body)
                .send()
                .await
                .expect("import sent");
            let status = res.status();
            let report: Value = res.json().await.expect("JSON");
            let seconds = started.elapsed().as_secs_f64();
            assert!(status.is_success(), "file {}: {status} {report}", n + 1);
            println!(
                "file {:>3}: {:>5} households in {seconds:>6.2} s",
                n + 1,
                report["households"]["added"]
            );
            times.push((
                seconds,
                report["households"]["added"].as_f64().unwrap_or(1.0),
            ));
        }
        times
    });
    let peak = support::peak_mb(child.id());
    child.kill().expect("stop anju");
    child.wait().expect("anju stopped");

    let (mut child, address) =
        support::start_binary(&["--demo", "--round", "2026Q4", "--database", &database]);
    let pid = child.id();
    let (rows, bytes, seconds, export_peak, reads) = runtime.block_on(async {
        let base = format!("http://{address}");
        let client = support::logged_in(&base, "admin").await;
        let started = Instant::now();
        let mut res = client
            .get(format!("{base}/api/v1/export?format=csv"))
            .send()
            .await
            .expect("export sent");
        assert!(res.status().is_success(), "export: {}", res.status());
        let (mut rows, mut bytes) = (0usize, 0usize);
        while let Some(chunk) = res.chunk().await.expect("export read") {
            bytes += chunk.len();
            rows += chunk.iter().filter(|&&b| b == b'\n').count();
        }
        let seconds = started.elapsed().as_secs_f64();
        let export_peak = support::peak_mb(pid);
        let mut reads = Vec::new();
        for path in ["/api/v1/coverage", "/api/v1/indicators"] {
            let started = Instant::now();
            let res = client
                .get(format!("{base}{path}"))
                .send()
                .await
                .expect("read sent");
            assert!(res.status().is_success(), "{path}: {}", res.status());
            let body = res.bytes().await.expect("read body");
            reads.push((path.to_owned(), started.elapsed().as_secs_f64(), body.len()));
        }
        // The drill-down: the whole scope, then its largest city (for a
        // province) and that one's largest county, each read three times.
        let mut place: Option<String> = None;
        for _ in 0..3 {
            let path = match &place {
                None => "/api/v1/summary".to_owned(),
                Some(code) => format!("/api/v1/summary?place={code}"),
            };
            let mut best = f64::INFINITY;
            let mut body = Value::Null;
            for _ in 0..3 {
                let started = Instant::now();
                let res = client
                    .get(format!("{base}{path}"))
                    .send()
                    .await
                    .expect("read sent");
                assert!(res.status().is_success(), "{path}: {}", res.status());
                body = res.json().await.expect("summary");
                best = best.min(started.elapsed().as_secs_f64());
            }
            let households = body["total"]["households"].as_u64().unwrap_or(0);
            let level = body["place"]["level"].as_str().unwrap_or("all").to_owned();
            reads.push((
                format!("{path} ({level}, {households} households)"),
                best,
                0,
            ));
            // Down into the largest place of the level.
            place = (body["children"].as_array().into_iter().flatten())
                .max_by_key(|line| line["tally"]["households"].as_u64())
                .and_then(|line| line["code"].as_str())
                .map(str::to_owned);
            if place.is_none() {
                break;
            }
        }
        (rows - 1, bytes, seconds, export_peak, reads)
    });
    child.kill().expect("stop anju");
    child.wait().expect("anju stopped");
    // Files hold whole areas, so they differ in size: compare per household.
    let per = |(seconds, households): (f64, f64)| seconds * 1000.0 / households;
    let (first, last) = (per(times[0]), per(times[times.len() - 1]));
    println!(
        "first file {first:.2} ms a household, last {last:.2} ms ({:.2}× the first), all {:.1} s; server peak {peak:.0} MB",
        last / first,
        times.iter().map(|t| t.0).sum::<f64>()
    );
    println!(
        "CSV export: {rows} rows, {:.0} MB in {seconds:.1} s, {:.0} rows/s; server peak {export_peak:.0} MB",
        bytes as f64 / 1e6,
        rows as f64 / seconds
    );
    for (path, seconds, bytes) in reads {
        println!("{path}: {:.0} ms, {bytes} bytes", seconds * 1000.0);
    }
}
