//! The map: the roster's grids carry their outlines and their buildings',
//! and a round's visits come with where the phone was and the flags that
//! put them up for review, all within the caller's scope.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// Each grid of the roster: (code, corners of its outline, its buildings).
fn outlines(roster: &Value) -> Vec<(String, usize, Vec<String>)> {
    roster["grids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|grid| {
            let corners = grid["outline"][0]
                .as_array()
                .map_or(0, |ring| ring.len() / 2);
            let buildings = grid["buildings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["name"].as_str().unwrap().to_owned())
                .collect();
            (
                grid["code"].as_str().unwrap().to_owned(),
                corners,
                buildings,
            )
        })
        .collect()
}

#[tokio::test]
async fn the_roster_carries_the_outlines_of_the_callers_grids_and_buildings() {
    let app = spawn_app().await;

    app.login_as("supervisor").await;
    let supervisor = app.roster().await;
    app.login_as("grid").await;
    let grid_member = app.roster().await;
    let cursor = grid_member["cursor"].as_str().unwrap();
    let delta = app.get_ok(&format!("/api/v1/roster?since={cursor}")).await;

    let names = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    let g1 = ("G1".to_owned(), 5, names(&["1号楼", "2号楼", "3号楼"]));
    let g2 = ("G2".to_owned(), 5, names(&["4号楼", "5号楼", "6号楼"]));
    assert_eq!(outlines(&supervisor), [g1.clone(), g2]);
    assert_eq!(outlines(&grid_member), vec![g1.clone()]);
    // The delta does not repeat grids the phone already has.
    assert_eq!(delta["grids_kept"], true);
    assert_eq!(outlines(&delta), vec![]);
    // A cursor from before the grids changed gets them again.
    let stale = grid_member["cursor"]
        .as_str()
        .unwrap()
        .rsplit_once('.')
        .map(|(rest, _)| format!("{rest}.0000000000000000"))
        .unwrap();
    let after_change = app.get_ok(&format!("/api/v1/roster?since={stale}")).await;
    assert_eq!(after_change["full"], false);
    assert_eq!(after_change.get("grids_kept"), None);
    assert_eq!(outlines(&after_change), vec![g1]);
    // Longitude first, in degrees with at most 6 decimals.
    let corner = &grid_member["grids"][0]["buildings"][0]["outline"][0];
    assert_eq!(corner[0], 112.3006);
    assert_eq!(corner[1], 39.00025);
}

/// Posts a visit to the `idx`th household of grid 1, `minute` minutes after
/// 10:00 on 23 November, from `position`, and expects it stored.
async fn visit(app: &TestApp, n: u128, idx: usize, minute: u32, position: Value) {
    let households = app.roster().await["households"].clone();
    let body = json!({
        "id": uuid::Uuid::from_u128(n),
        "household": households[idx]["code"],
        "outcome": "met",
        "visited_at": format!("2026-11-23T10:{minute:02}:00+08:00"),
        "position": position,
    });
    let res = app
        .client
        .post(format!("{}/api/v1/visits", app.address))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

fn fix(longitude: f64, latitude: f64, accuracy_m: f64) -> Value {
    json!({ "kind": "fix", "longitude": longitude, "latitude": latitude, "accuracy_m": accuracy_m })
}

/// Each listed visit as (its number, the kinds of its flags).
fn flags_of(list: &Value) -> Vec<(u128, Vec<String>)> {
    list["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let id = uuid::Uuid::parse_str(v["id"].as_str().unwrap()).unwrap();
            let kinds = v["flags"]
                .as_array()
                .map(|flags| {
                    flags
                        .iter()
                        .map(|f| f.as_object().unwrap().keys().next().unwrap().clone())
                        .collect()
                })
                .unwrap_or_default();
            (id.as_u128(), kinds)
        })
        .collect()
}

#[tokio::test]
async fn visits_outside_the_grid_or_too_far_apart_are_flagged_for_review() {
    let app = spawn_app().await;
    app.login_as("grid").await;
    // Inside grid 1; then 7 km away two minutes later, outside the grid;
    // then back eight minutes after that; then without a fix.
    visit(&app, 1, 0, 0, fix(112.301_234_567, 39.0003, 10.0)).await;
    visit(&app, 2, 1, 2, fix(112.35, 39.05, 20.0)).await;
    visit(&app, 3, 2, 10, fix(112.3012, 39.0008, 10.0)).await;
    visit(&app, 4, 3, 15, json!({ "kind": "denied" })).await;
    // Another person, inside the grid at the same time: not their pace.
    app.login_as("surveyor").await;
    visit(&app, 5, 4, 2, fix(112.3012, 39.0008, 10.0)).await;

    app.login_as("supervisor").await;
    let all: Value = app.get("/api/v1/visits").await.json().await.unwrap();
    let flagged: Value = app
        .get("/api/v1/visits?flagged=true")
        .await
        .json()
        .await
        .unwrap();

    let pace = || "impossible_pace".to_owned();
    assert_eq!(
        flags_of(&all),
        [
            (1, vec![pace()]),
            (2, vec!["outside_grid".to_owned(), pace()]),
            (5, vec![]),
            (3, vec![]),
            (4, vec![]),
        ]
    );
    assert_eq!(
        flags_of(&flagged),
        [
            (1, vec![pace()]),
            (2, vec!["outside_grid".to_owned(), pace()])
        ]
    );
    let first = &all["visits"][0];
    assert_eq!(first["author"], "grid");
    assert_eq!(
        first["fix"],
        json!({ "longitude": 112.301235, "latitude": 39.0003, "accuracy_m": 10.0 })
    );
    assert_eq!(all["authors"]["grid"], "网格员 张秀梅");
    let second = &flagged["visits"][1];
    assert_eq!(second["flags"][1]["impossible_pace"]["with"], first["id"]);
    assert_eq!(second["flags"][1]["impossible_pace"]["seconds"], 120);
    assert!(second["flags"][0]["outside_grid"]["by_m"].as_u64().unwrap() > 6_000);
    assert_eq!(all["visits"][4].get("fix"), None);
}

#[tokio::test]
async fn visits_are_listed_within_the_callers_scope() {
    let app = spawn_app().await;
    app.login_as("grid").await;
    visit(&app, 1, 0, 0, fix(112.301, 39.0003, 10.0)).await;

    let own: Value = app.get("/api/v1/visits").await.json().await.unwrap();
    let other_grid = app.get("/api/v1/visits?grid=G2").await;
    app.login_as("supervisor").await;
    let in_g2: Value = app
        .get("/api/v1/visits?grid=G2")
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(flags_of(&own), [(1, vec![])]);
    assert_eq!(other_grid.status(), StatusCode::FORBIDDEN);
    assert_eq!(flags_of(&in_g2), []);
}

#[tokio::test]
async fn pace_counts_the_authors_visits_outside_the_scope_asked_for() {
    let app = spawn_app().await;
    app.login_as("grid").await;
    visit(&app, 1, 0, 0, fix(112.301, 39.0003, 10.0)).await;
    app.login_as("admin").await;
    let moved = app
        .client
        .patch(format!("{}/api/v1/users/grid", app.address))
        .json(&json!({ "role": "grid_member", "place": "G2" }))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::NO_CONTENT);
    app.login_as("grid").await;
    // Grid 2, one minute later, from 8 km east.
    visit(&app, 2, 0, 1, fix(112.4, 39.0003, 10.0)).await;

    app.login_as("supervisor").await;
    let g2: Value = app
        .get("/api/v1/visits?grid=G2")
        .await
        .json()
        .await
        .unwrap();

    let kinds = vec!["outside_grid".to_owned(), "impossible_pace".to_owned()];
    assert_eq!(flags_of(&g2), [(2, kinds)]);
    let with = &g2["visits"][0]["flags"][1]["impossible_pace"]["with"];
    assert_eq!(with, &json!(uuid::Uuid::from_u128(1)));
}
