use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{in_roster, spawn_app};

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_message() {
    let app = spawn_app().await;

    let res = app.login("surveyor", "wrong").await;

    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "bad_credentials");
    assert_eq!(body["message"], "用户名或密码错误");
}

#[tokio::test]
async fn the_roster_needs_a_session() {
    let app = spawn_app().await;

    let res = app.get("/api/v1/roster").await;

    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_surveyor_sees_only_the_households_of_their_grid() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;

    let roster = app.roster().await;

    let households = roster["households"].as_array().unwrap();
    assert!(households.len() > 100, "{} households", households.len());
    assert!(households.iter().all(|h| h["grid"] == "G1"));
    assert_eq!(roster["round"], "2026Q4");
    // Last round's ledger prefills the form.
    assert!(
        households
            .iter()
            .all(|h| !h["members"].as_array().unwrap().is_empty())
    );
}

#[tokio::test]
async fn errors_speak_english_when_asked() {
    let app = spawn_app().await;

    let res = app
        .client
        .post(format!("{}/api/v1/session", app.address))
        .header("accept-language", "en-US,en;q=0.9")
        .json(&serde_json::json!({ "username": "surveyor", "password": "x" }))
        .send()
        .await
        .unwrap();

    let body: Value = res.json().await.unwrap();
    assert_eq!(body["message"], "wrong username or password");
}

#[tokio::test]
async fn an_unknown_api_path_is_a_json_404() {
    let app = spawn_app().await;

    let res = app.get("/api/v1/nothing-here").await;

    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "no_route");
}

#[tokio::test]
async fn a_roster_delta_holds_only_what_changed_since_the_cursor() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let first = app.roster().await;
    let household = first["households"][3].clone();
    let cursor = first["cursor"].as_str().unwrap().to_owned();

    let unchanged: Value = app
        .get(&format!("/api/v1/roster?since={cursor}"))
        .await
        .json()
        .await
        .unwrap();
    let members: Vec<Value> = household["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| serde_json::json!({ "person": m["person"], "writes": [] }))
        .collect();
    let res = app
        .post_submission(&serde_json::json!({
            "id": "5d0c1f3e-8a4b-4c4e-9d55-3b1f2a7c9e10",
            "household": household["code"],
            "round": "2026Q4",
            "captured_at": "2026-11-23T10:00:00+08:00",
            "members": members,
        }))
        .await;
    assert!(res.status().is_success());
    let delta: Value = app
        .get(&format!("/api/v1/roster?since={cursor}"))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(first["full"], true);
    assert!(first["households"].as_array().unwrap().len() > 100);
    assert_eq!(unchanged["full"], false);
    // The grace window may resend the seed's households only if the seed is
    // under a minute old; a change since the cursor is always there.
    let codes: Vec<&str> = delta["households"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&household["code"].as_str().unwrap()));
    let changed = in_roster(&delta, household["code"].as_str().unwrap()).unwrap();
    assert_eq!(changed["surveyed"], true);
}

#[tokio::test]
async fn a_cursor_from_another_scope_gets_the_whole_roster() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let surveyor_cursor = app.roster().await["cursor"].as_str().unwrap().to_owned();
    app.login_as("supervisor").await;

    let roster: Value = app
        .get(&format!("/api/v1/roster?since={surveyor_cursor}"))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(roster["full"], true);
    assert!(roster["households"].as_array().unwrap().len() > 250);
}
