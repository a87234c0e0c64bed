use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{spawn_app, submission};

const ID: &str = "7f1c9a52-2c1e-4d7e-9a8e-0c7a5c1e2b3d";

#[tokio::test]
async fn a_submission_lands_in_the_ledger_and_counts_as_surveyed() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let code = household["code"].as_str().unwrap().to_owned();

    let res = app.post_submission(&submission(ID, &household, 10)).await;

    assert_eq!(res.status(), StatusCode::CREATED);
    let ledger: Value = app
        .get(&format!("/api/v1/households/{code}"))
        .await
        .json()
        .await
        .unwrap();
    let first = &ledger["members"][0];
    assert_eq!(first["record"]["employment"], "employed");
    assert_eq!(first["record"]["channel"], "workshop");
    assert_eq!(first["sources"]["employment"]["submission"], ID);
    assert_eq!(first["sources"]["employment"]["author"], "surveyor");
    assert_eq!(ledger["submissions"], serde_json::json!([ID]));
    let coverage: Value = app
        .get("/api/v1/coverage?round=2026Q4")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(coverage["grids"][0]["surveyed"], 1);
}

#[tokio::test]
async fn a_retry_with_the_same_body_is_acknowledged_once() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let body = submission(ID, &household, 10);

    let first = app.post_submission(&body).await;
    let again = app.post_submission(&body).await;

    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(again.status(), StatusCode::OK);
    let first: Value = first.json().await.unwrap();
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again);
}

#[tokio::test]
async fn a_reused_id_with_another_body_is_a_conflict() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    app.post_submission(&submission(ID, &household, 10)).await;

    let res = app.post_submission(&submission(ID, &household, 11)).await;

    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "submission_id_reused");
}

#[tokio::test]
async fn a_household_outside_the_grid_is_forbidden() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;
    let other_grid = app.roster().await["households"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["grid"] == "G2")
        .cloned()
        .unwrap();
    app.login_as("surveyor").await;

    let res = app.post_submission(&submission(ID, &other_grid, 10)).await;
    let read = app
        .get(&format!(
            "/api/v1/households/{}",
            other_grid["code"].as_str().unwrap()
        ))
        .await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(read.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "out_of_scope");
}

#[tokio::test]
async fn an_unknown_household_is_not_found() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let mut household = app.roster().await["households"][0].clone();
    household["code"] = "XF-9-9999".into();

    let res = app.post_submission(&submission(ID, &household, 10)).await;

    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_malformed_submission_names_the_field() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let mut body = submission(ID, &household, 10);
    body["members"][0]["writes"][0]["value"] = "sometimes".into();

    let res = app.post_submission(&body).await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "malformed");
    let path = body["fields"][0]["path"].as_str().unwrap();
    assert!(path.starts_with("members[0].writes[0]"), "{path}");
}

#[tokio::test]
async fn an_out_of_range_value_is_invalid_with_its_path() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let mut body = submission(ID, &household, 10);
    body["members"][0]["writes"][3] = serde_json::json!({ "field": "months_worked", "value": 13 });

    let res = app.post_submission(&body).await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["fields"][0]["path"], "members[0].months_worked");
    assert_eq!(body["fields"][0]["code"], "months_out_of_range");
    assert_eq!(body["fields"][0]["message"], "务工月数应在 0 到 12 之间");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;

    let res = app
        .client
        .post(format!("{}/api/v1/submissions", app.address))
        .header("content-type", "application/json")
        .body(vec![b' '; 300 * 1024])
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_record_a_submission_leaves_must_pass_the_rules() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let mut body = submission(ID, &household, 10);
    // Employed, but without how much they earn.
    body["members"][0]["writes"].as_array_mut().unwrap().pop();

    let res = app.post_submission(&body).await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["fields"][0]["path"], "members[0].monthly_income");
    assert_eq!(body["fields"][0]["code"], "income_required");
}

#[tokio::test]
async fn a_member_who_is_not_in_the_household_must_join_with_a_reason() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let stranger = serde_json::json!({ "person": "N-1", "writes": [
        { "field": "name", "value": "王小宝" }
    ] });
    let mut body = submission(ID, &household, 10);
    body["members"]
        .as_array_mut()
        .unwrap()
        .push(stranger.clone());

    let unknown = app.post_submission(&body).await;
    let mut joined = stranger;
    joined["membership"] = serde_json::json!({ "change": "joined", "reason": "newborn" });
    body["members"][1] = joined;
    let accepted = app.post_submission(&body).await;

    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown: Value = unknown.json().await.unwrap();
    assert_eq!(unknown["fields"][0]["code"], "unknown_member");
    assert_eq!(accepted.status(), StatusCode::CREATED);
    let code = household["code"].as_str().unwrap();
    let ledger: Value = app
        .get(&format!("/api/v1/households/{code}"))
        .await
        .json()
        .await
        .unwrap();
    let newborn = ledger["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person"] == "N-1")
        .unwrap();
    assert_eq!(newborn["joined"], "newborn");
    assert_eq!(newborn["record"]["name"], "王小宝");
}

#[tokio::test]
async fn the_history_keeps_every_round_and_each_fields_trail() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let code = household["code"].as_str().unwrap().to_owned();
    app.post_submission(&submission(ID, &household, 10)).await;

    let res = app.get(&format!("/api/v1/households/{code}/history")).await;

    assert_eq!(res.status(), StatusCode::OK);
    let history: Value = res.json().await.unwrap();
    let rounds: Vec<&str> = history["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["round"].as_str().unwrap())
        .collect();
    assert_eq!(rounds, ["2026Q3", "2026Q4"]);
    let trail = &history["rounds"][1]["members"][0]["trail"];
    let months = trail
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["write"]["field"] == "months_worked")
        .unwrap();
    assert_eq!(months["write"]["value"], 10);
    assert_eq!(months["outcome"], "stands");
    assert_eq!(months["provenance"]["submission"], ID);
}
