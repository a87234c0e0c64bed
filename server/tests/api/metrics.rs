//! `GET /metrics` as a collector on the server's own machine reads it.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, submission};

const ID: &str = "0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d";

#[tokio::test]
async fn metrics_count_requests_by_route_and_time_intake_and_roster_sync() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let stored = app.post_submission(&submission(ID, &household, 10)).await;
    assert_eq!(stored.status(), StatusCode::CREATED);

    let res = app.get("/metrics").await;

    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    let build = format!(
        r#"anju_build_info{{version="{}"}} 1"#,
        env!("CARGO_PKG_VERSION")
    );
    for line in [
        r#"anju_http_requests_total{method="POST",route="/api/v1/submissions",status="201"} 1"#,
        r#"anju_http_requests_total{method="GET",route="/api/v1/roster",status="200"} 1"#,
        r#"anju_http_request_duration_seconds_count{method="POST",route="/api/v1/submissions"} 1"#,
        r#"anju_http_request_duration_seconds_count{method="GET",route="/api/v1/roster"} 1"#,
        "anju_intake_waiting 0",
        &build,
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    assert!(text.lines().any(|l| l.starts_with("anju_db_pool_open ")));
}
