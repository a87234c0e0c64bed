//! How many bytes a phone downloads for its first, full roster sync of the
//! demo community (300 households for a supervisor, grid 1's half for a
//! surveyor, whose numbers come masked), as sent with each content encoding;
//! and the bytes of its grids with their outlines, which every later sync
//! sends again.
//!
//! `cargo bench -p server --bench roster`

// Each benchmark uses part of what they share.
#[allow(dead_code)]
mod support;

use serde_json::Value;

async fn wire_bytes(client: &reqwest::Client, url: &str, encoding: &str) -> usize {
    let res = client
        .get(url)
        .header("accept-encoding", encoding)
        .send()
        .await
        .expect("roster");
    assert!(res.status().is_success());
    res.bytes().await.expect("body").len()
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let base = support::demo_server(&dir).await;

        println!(
            "{:<34} {:>10} {:>10} {:>10}",
            "sync", "identity", "gzip", "br"
        );
        for user in ["supervisor", "surveyor"] {
            let client = support::logged_in(&base, user).await;
            let url = format!("{base}/api/v1/roster");
            let roster: Value = client
                .get(&url)
                .send()
                .await
                .expect("roster")
                .json()
                .await
                .expect("JSON");
            let n = roster["households"].as_array().expect("households").len();
            let mut sizes = Vec::new();
            for encoding in ["identity", "gzip", "br"] {
                sizes.push(wire_bytes(&client, &url, encoding).await);
            }
            println!(
                "{:<34} {:>10} {:>10} {:>10}",
                format!("full, {user}, {n} households"),
                sizes[0],
                sizes[1],
                sizes[2]
            );
            // Every later sync sends the grids again, with their outlines.
            let grids = serde_json::to_vec(&roster["grids"]).expect("JSON");
            println!(
                "{:<34} {:>10}",
                format!("its grids and outlines, {user}"),
                grids.len()
            );
        }
    });
}
