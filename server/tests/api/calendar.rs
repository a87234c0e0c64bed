//! The round by China's calendar, read at each request: a server that keeps
//! running moves into the next quarter at midnight in China, and takes the
//! last quarter's late surveys for its grace period only.

use reqwest::StatusCode;
use serde_json::Value;
use time::macros::datetime;

use crate::helpers::{TestClock, field_codes, spawn_on_clock, submission};

const LATE: &str = "4c0d8a1e-6f2b-4a9c-8d7e-1b2c3d4e5f60";
const TOO_LATE: &str = "5d1e9b2f-7a3c-4b0d-9e8f-2c3d4e5f6a71";
const EARLY: &str = "6e2f0c3a-8b4d-4c1e-8f90-3d4e5f6a7b82";

async fn round_of_session(app: &crate::helpers::TestApp) -> Value {
    app.get_ok("/api/v1/session").await["round"].clone()
}

#[tokio::test]
async fn the_round_changes_at_midnight_in_china_without_a_restart() {
    // 23:59:59 on 31 December in China.
    let clock = TestClock::at(datetime!(2026-12-31 15:59:59 UTC));
    let app = spawn_on_clock(&clock).await;
    app.login_as("surveyor").await;

    let before = round_of_session(&app).await;
    let roster_before = app.roster().await["round"].clone();
    clock.set(datetime!(2026-12-31 16:00:00 UTC));
    let after = round_of_session(&app).await;
    let roster_after = app.roster().await["round"].clone();

    assert_eq!(before, "2026Q4");
    assert_eq!(roster_before, "2026Q4");
    assert_eq!(after, "2027Q1");
    assert_eq!(roster_after, "2027Q1");
}

#[tokio::test]
async fn a_late_survey_is_taken_in_the_grace_period_and_refused_after_it() {
    let clock = TestClock::at(datetime!(2026-12-20 10:00:00 +8));
    let app = spawn_on_clock(&clock).await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let code = household["code"].as_str().unwrap().to_owned();

    // The 15th day after the quarter's end, China time; the phone, unused
    // since, logs in again.
    clock.set(datetime!(2027-01-15 23:30:00 +8));
    app.login_as("surveyor").await;
    let late = app.post_submission(&submission(LATE, &household, 10)).await;
    clock.set(datetime!(2027-01-16 00:30:00 +8));
    let too_late = app
        .post_submission(&submission(TOO_LATE, &household, 11))
        .await;
    let mut early = submission(EARLY, &household, 9);
    early["round"] = "2027Q2".into();
    let early = app.post_submission(&early).await;

    assert_eq!(late.status(), StatusCode::CREATED);
    assert_eq!(field_codes(too_late).await, ["round_closed"]);
    assert_eq!(field_codes(early).await, ["round_not_open"]);
    // The late survey was merged into its own round.
    let ledger = app
        .get_ok(&format!("/api/v1/households/{code}?round=2026Q4"))
        .await;
    assert_eq!(ledger["members"][0]["record"]["months_worked"], 10);
    assert_eq!(ledger["submissions"], serde_json::json!([LATE]));
}
