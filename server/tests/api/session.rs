use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

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
