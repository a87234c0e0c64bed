use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{in_roster, spawn_app};

const ID: &str = "0b9a0f6e-5a57-4b39-9f43-2f2c61e3a001";

fn visit(household: &str, position: Value) -> Value {
    json!({
        "id": ID,
        "household": household,
        "outcome": "not_home",
        "visited_at": "2026-11-23T18:05:00+08:00",
        "position": position,
    })
}

async fn post_visit(app: &crate::helpers::TestApp, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/visits", app.address))
        .json(body)
        .send()
        .await
        .expect("request sent")
}

#[tokio::test]
async fn a_visit_is_stored_once_by_its_id() {
    let app = spawn_app().await;
    app.login_as("grid").await;
    let code = app.roster().await["households"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = visit(
        &code,
        json!({ "kind": "fix", "latitude": 39.0, "longitude": 112.3, "accuracy_m": 15.0 }),
    );

    let first = post_visit(&app, &body).await;
    let again = post_visit(&app, &body).await;
    let mut other = body.clone();
    other["outcome"] = "met".into();
    let reused = post_visit(&app, &other).await;

    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(again.status(), StatusCode::OK);
    let (first, again): (Value, Value) = (first.json().await.unwrap(), again.json().await.unwrap());
    assert_eq!(first, again);
    assert_eq!(reused.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_refused_permission_is_recorded_not_blocking() {
    let app = spawn_app().await;
    app.login_as("grid").await;
    let code = app.roster().await["households"][1]["code"]
        .as_str()
        .unwrap()
        .to_owned();

    let res = post_visit(&app, &visit(&code, json!({ "kind": "denied" }))).await;

    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn an_impossible_position_is_invalid() {
    let app = spawn_app().await;
    app.login_as("grid").await;
    let code = app.roster().await["households"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();

    let res = post_visit(
        &app,
        &visit(
            &code,
            json!({ "kind": "fix", "latitude": 139.0, "longitude": 112.3, "accuracy_m": 5.0 }),
        ),
    )
    .await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["fields"][0]["path"], "position");
}

#[tokio::test]
async fn a_visit_outside_the_grid_is_forbidden() {
    let app = spawn_app().await;
    app.login_as("grid").await;

    let res = post_visit(&app, &visit("XF-4-0101", json!({ "kind": "unavailable" }))).await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_visit_shows_in_the_next_roster_delta() {
    let app = spawn_app().await;
    app.login_as("grid").await;
    let first = app.roster().await;
    let code = first["households"][2]["code"].as_str().unwrap().to_owned();
    let cursor = first["cursor"].as_str().unwrap().to_owned();
    assert_eq!(first["households"][2]["visited"], false);

    let res = post_visit(&app, &visit(&code, json!({ "kind": "unavailable" }))).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let delta: Value = app
        .get(&format!("/api/v1/roster?since={cursor}"))
        .await
        .json()
        .await
        .unwrap();

    let changed = in_roster(&delta, &code).expect("the visited household is in the delta");
    assert_eq!(changed["visited"], true);
    assert_eq!(changed["surveyed"], false);
}
