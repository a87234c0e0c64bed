//! What supervisors read: coverage at every level, the gaps, the indicators.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ROUND, SCOPED_READS, spawn_app};

#[tokio::test]
async fn coverage_counts_surveys_visits_and_the_missed_and_gaps_list_them() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let households = app.roster().await["households"].as_array().unwrap().clone();
    let (surveyed, visited) = (&households[0], &households[1]);
    let members: Vec<Value> = surveyed["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({ "person": m["person"], "writes": [] }))
        .collect();
    let res = app
        .post_submission(&json!({
            "id": "8e1b6a58-1f0e-4a35-8d1e-2a9e1f3c4b50", "household": surveyed["code"],
            "round": ROUND, "captured_at": "2026-11-23T10:00:00+08:00", "members": members,
        }))
        .await;
    assert!(res.status().is_success());
    let res = app
        .client
        .post(format!("{}/api/v1/visits", app.address))
        .json(&json!({
            "id": "8e1b6a58-1f0e-4a35-8d1e-2a9e1f3c4b51", "household": visited["code"],
            "outcome": "not_home", "visited_at": "2026-11-23T11:00:00+08:00",
            "position": { "kind": "denied" },
        }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());

    let coverage: Value = app.get("/api/v1/coverage").await.json().await.unwrap();
    let gaps: Value = app.get("/api/v1/gaps").await.json().await.unwrap();

    let n = households.len() as u64;
    let grid = &coverage["grids"][0];
    assert_eq!(grid["households"], n);
    assert_eq!(grid["surveyed"], 1);
    assert_eq!(grid["visited"], 1);
    assert_eq!(grid["missed"], n - 2);
    assert_eq!(coverage["total"]["missed"], n - 2);
    // The surveyor's scope is one grid of one area: the area's counts are its.
    let areas = coverage["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 1);
    assert_eq!(areas[0]["area"], grid["area"]);
    assert!(!areas[0]["area"].as_str().unwrap().is_empty());
    assert_eq!(areas[0]["households"], n);
    assert_eq!(areas[0]["surveyed"], 1);
    let building = grid["buildings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["building"] == surveyed["building"])
        .unwrap();
    assert_eq!(building["surveyed"], 1);

    let not_surveyed = gaps["not_surveyed"].as_array().unwrap();
    let not_visited = gaps["not_visited"].as_array().unwrap();
    assert_eq!(not_surveyed.len() as u64, n - 1);
    assert_eq!(not_visited.len() as u64, n - 1);
    assert!(not_surveyed.iter().all(|h| h["code"] != surveyed["code"]));
    let the_visited = not_surveyed
        .iter()
        .find(|h| h["code"] == visited["code"])
        .unwrap();
    assert_eq!(the_visited["last_visit"]["outcome"], "not_home");
    assert_eq!(the_visited["last_visit"]["author"], "surveyor");
}

#[tokio::test]
async fn indicators_cover_the_callers_scope() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;

    let res = app.get("/api/v1/indicators").await;

    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["round"], ROUND);
    assert_eq!(report["indicators"]["households"], 300);
    let labour = report["indicators"]["labour_households"].as_u64().unwrap();
    assert!(labour > 200 && labour <= 300, "{labour}");
    let rate = report["employment_rate"].as_f64().unwrap();
    assert!(rate > 0.5 && rate < 1.0, "{rate}");
    let zero = report["indicators"]["zero_employment"].as_array().unwrap();
    assert!(zero.len() as u64 <= labour);
    assert_eq!(report["low_income_line"], 8500);
}

#[tokio::test]
async fn indicators_are_given_per_grid_and_for_one_grid() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;

    let all: Value = app.get("/api/v1/indicators").await.json().await.unwrap();
    let g1: Value = app
        .get("/api/v1/indicators?grid=G1")
        .await
        .json()
        .await
        .unwrap();

    let by_grid = all["by_grid"].as_array().unwrap();
    assert_eq!(by_grid.len(), 2);
    let households: u64 = by_grid
        .iter()
        .map(|g| g["households"].as_u64().unwrap())
        .sum();
    assert_eq!(
        households,
        all["indicators"]["households"].as_u64().unwrap()
    );
    let zero: u64 = by_grid
        .iter()
        .map(|g| g["zero_employment"].as_u64().unwrap())
        .sum();
    assert_eq!(
        zero,
        all["indicators"]["zero_employment"]
            .as_array()
            .unwrap()
            .len() as u64
    );
    let first = &by_grid[0];
    assert_eq!(first["grid"], "G1");
    assert_eq!(g1["indicators"]["households"], first["households"]);
    assert_eq!(g1["employment_rate"], first["employment_rate"]);
    assert_eq!(g1["by_grid"].as_array().unwrap().len(), 1);

    app.login_as("surveyor").await;
    assert_eq!(
        app.get("/api/v1/indicators?grid=G2").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn every_read_of_a_round_answers_a_malformed_query_with_a_422_naming_it() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;
    let reads = ["/api/v1/coverage", "/api/v1/households/XF-1-0101"]
        .into_iter()
        .chain(SCOPED_READS);
    for path in reads {
        let bad_round = app.get(&format!("{path}?round=2026Q9")).await;
        assert_eq!(
            bad_round.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}"
        );
        let body: Value = bad_round.json().await.unwrap();
        assert_eq!(body["fields"][0]["path"], "round", "{path}");

        let twice = app
            .get(&format!("{path}?round={ROUND}&round={ROUND}"))
            .await;
        assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let body: Value = twice.json().await.unwrap();
        assert_eq!(body["code"], "malformed", "{path}");
    }
    for path in SCOPED_READS {
        let bad_grid = app.get(&format!("{path}?grid=no%20such")).await;
        assert_eq!(
            bad_grid.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}"
        );
        let body: Value = bad_grid.json().await.unwrap();
        assert_eq!(body["fields"][0]["path"], "grid", "{path}");
    }
}
