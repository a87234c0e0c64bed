use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_admin_creates_a_user_who_can_then_log_in_in_their_grid() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let new = json!({
        "username": "wang.li", "display_name": "王丽", "password": "s3cret-pass",
        "role": "surveyor", "grid": "G2",
    });

    let created = app
        .client
        .post(format!("{}/api/v1/users", app.address))
        .json(&new)
        .send()
        .await
        .unwrap();
    let again = app
        .client
        .post(format!("{}/api/v1/users", app.address))
        .json(&new)
        .send()
        .await
        .unwrap();

    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let login = app.login("wang.li", "s3cret-pass").await;
    assert_eq!(login.status(), StatusCode::OK);
    let roster = app.roster().await;
    assert!(
        roster["households"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["grid"] == "G2")
    );
}

#[tokio::test]
async fn a_new_user_needs_a_proper_name_password_and_grid() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let bad = json!({
        "username": "X", "display_name": " ", "password": "short",
        "role": "grid_member", "grid": "G9",
    });

    let res = app
        .client
        .post(format!("{}/api/v1/users", app.address))
        .json(&bad)
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    let codes: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "username_format",
            "required",
            "password_too_short",
            "unknown_grid"
        ]
    );
}

#[tokio::test]
async fn an_admin_moves_a_user_to_another_grid() {
    let app = spawn_app().await;
    app.login_as("admin").await;

    let moved = app
        .client
        .patch(format!("{}/api/v1/users/surveyor", app.address))
        .json(&json!({ "role": "surveyor", "grid": "G2" }))
        .send()
        .await
        .unwrap();
    let missing = app
        .client
        .patch(format!("{}/api/v1/users/nobody", app.address))
        .json(&json!({ "role": "surveyor", "grid": "G2" }))
        .send()
        .await
        .unwrap();

    assert_eq!(moved.status(), StatusCode::NO_CONTENT);
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    app.login_as("surveyor").await;
    let roster = app.roster().await;
    assert!(
        roster["households"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["grid"] == "G2")
    );
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(
            app.login("surveyor", "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }

    let throttled = app.login("surveyor", "demo").await;

    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = throttled.json().await.unwrap();
    assert_eq!(body["code"], "too_many_attempts");
    // Another user is not held up by someone guessing this one's password.
    assert_eq!(app.login("grid", "demo").await.status(), StatusCode::OK);
}
