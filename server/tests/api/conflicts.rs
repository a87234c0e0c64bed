//! Open conflicts: two surveyors who did not see each other's submission
//! disagree; supervisors see both sides with who recorded each and when,
//! choose one, and the ledger keeps the trail.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    ROUND, TEAMMATE, TestApp, add_teammate, in_roster, login_teammate, spawn_app, submission,
};

const BY_LI: &str = "6a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3";
const BY_WANG: &str = "7b2c3d4e-5f6a-4b7c-9d8e-9fa0b1c2d3e4";
const RESOLUTION: &str = "8c3d4e5f-6a7b-4c8d-8e9f-a0b1c2d3e4f5";

/// Two surveyors of grid 1, each sending what they recorded from the same
/// roster: the first member's months worked, 10 by one and 11 by the other.
/// Returns the household as both phones had it.
async fn conflicting_surveys(app: &TestApp) -> Value {
    add_teammate(app).await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let res = app
        .post_submission(&submission(BY_LI, &household, 10))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    login_teammate(app).await;
    let res = app
        .post_submission(&submission(BY_WANG, &household, 11))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    household
}

fn months_trail(ledger: &Value) -> Vec<(Value, Value, Value)> {
    ledger["members"][0]["trail"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["write"]["field"] == "months_worked")
        .map(|t| {
            (
                t["write"]["value"].clone(),
                t["provenance"]["author"].clone(),
                t["outcome"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_list_shows_both_sides_with_who_recorded_each_and_when() {
    let app = spawn_app().await;
    let household = conflicting_surveys(&app).await;
    app.login_as("supervisor").await;

    let list = app.conflicts(&format!("round={ROUND}")).await;

    let conflicts = list["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{list}");
    let conflict = &conflicts[0];
    assert_eq!(conflict["kind"], "field");
    assert_eq!(conflict["household"]["code"], household["code"]);
    assert_eq!(conflict["household"]["building"], household["building"]);
    assert_eq!(conflict["household"]["room"], household["room"]);
    assert_eq!(
        conflict["member"]["person"],
        household["members"][0]["person"]
    );
    assert_eq!(
        conflict["member"]["name"],
        household["members"][0]["record"]["name"]
    );
    assert_eq!(conflict["field"], "months_worked");
    let sides: Vec<(Value, Value, Value, Value, bool)> = conflict["sides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["captured_at"], "2026-11-23T01:30:00Z");
            assert!(s["received_at"].is_string(), "{s}");
            (
                s["write"]["value"].clone(),
                s["submission"].clone(),
                s["author"].clone(),
                s["author_name"].clone(),
                s["stands"].as_bool().unwrap(),
            )
        })
        .collect();
    // Equal capture times: the larger id stands for now.
    assert_eq!(
        sides,
        [
            (
                json!(10),
                json!(BY_LI),
                json!("surveyor"),
                json!("驻点工作队 李文华"),
                false
            ),
            (
                json!(11),
                json!(BY_WANG),
                json!(TEAMMATE),
                json!("驻点工作队 王丽"),
                true
            ),
        ]
    );
}

#[tokio::test]
async fn conflicts_are_listed_within_the_callers_scope() {
    let app = spawn_app().await;
    conflicting_surveys(&app).await;

    app.login_as("surveyor").await;
    let surveyor = app.conflicts("").await;
    let surveyor_elsewhere = app.get("/api/v1/conflicts?grid=G2").await;
    app.login_as("grid").await;
    let grid_member = app.conflicts("grid=G1").await;
    app.login_as("supervisor").await;
    let other_grid = app.conflicts("grid=G2").await;
    let all = app.conflicts("").await;

    assert_eq!(surveyor["conflicts"].as_array().unwrap().len(), 1);
    assert_eq!(surveyor_elsewhere.status(), StatusCode::FORBIDDEN);
    assert_eq!(grid_member["conflicts"].as_array().unwrap().len(), 1);
    assert_eq!(other_grid["conflicts"], json!([]));
    assert_eq!(all["conflicts"].as_array().unwrap().len(), 1);
    // Only the supervisor's list held conflicts with numbers in full.
    let reads: Vec<String> = app
        .audit_lines()
        .await
        .into_iter()
        .filter(|(action, _)| action == "conflicts")
        .map(|(_, subject)| subject)
        .collect();
    assert_eq!(reads, [format!("round={ROUND} grid=all households=1")]);
}

#[tokio::test]
async fn choosing_a_side_settles_the_conflict_and_the_trail_keeps_both_values() {
    let app = spawn_app().await;
    let household = conflicting_surveys(&app).await;
    let code = household["code"].as_str().unwrap().to_owned();
    app.login_as("supervisor").await;
    let choose = json!({
        "id": RESOLUTION, "household": code, "member": household["members"][0]["person"],
        "field": "months_worked", "choose": BY_LI,
    });

    let res = app.resolve(&choose).await;
    let again = app.resolve(&choose).await;

    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(again.status(), StatusCode::OK);
    let receipt: Value = res.json().await.unwrap();
    let again: Value = again.json().await.unwrap();
    assert_eq!(receipt, again);
    assert_eq!(receipt["submission"], RESOLUTION);
    assert_eq!(app.conflicts("").await["conflicts"], json!([]));
    let ledger = app.ledger(&code).await;
    let member = &ledger["members"][0];
    assert_eq!(member["record"]["months_worked"], 10);
    assert_eq!(member["sources"]["months_worked"]["submission"], RESOLUTION);
    assert_eq!(member["sources"]["months_worked"]["author"], "supervisor");
    assert_eq!(
        months_trail(&ledger),
        [
            (json!(10), json!("surveyor"), json!("superseded")),
            (json!(11), json!(TEAMMATE), json!("superseded")),
            (json!(10), json!("supervisor"), json!("stands")),
        ]
    );
    assert_eq!(ledger["conflicts"], json!([]));
    let list = app.review_list("").await;
    assert_eq!(list["submissions"][0]["submission"], RESOLUTION);
    assert_eq!(list["submissions"][0]["kind"], "resolution");
    let lines = app.audit_lines().await;
    assert!(
        lines.iter().any(|(action, subject)| action == "resolution"
            && subject.contains(RESOLUTION)
            && subject.contains("months_worked")),
        "{lines:?}"
    );
    app.login_as("surveyor").await;
    let roster = app.roster().await;
    let on_phone = in_roster(&roster, &code).unwrap();
    assert_eq!(on_phone["conflicted"], false);
    assert_eq!(on_phone["members"][0]["record"]["months_worked"], 10);
}

#[tokio::test]
async fn a_resolution_posted_as_a_submission_settles_it_the_same_way() {
    let app = spawn_app().await;
    let household = conflicting_surveys(&app).await;
    let code = household["code"].as_str().unwrap().to_owned();
    app.login_as("supervisor").await;
    let resolution = json!({
        "id": RESOLUTION, "kind": "resolution", "household": code, "round": ROUND,
        "captured_at": "2026-11-24T10:00:00+08:00", "base": [BY_LI, BY_WANG],
        "members": [{ "person": household["members"][0]["person"], "writes": [
            { "field": "months_worked", "value": 11 }
        ] }],
    });

    let res = app.post_submission(&resolution).await;

    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(app.conflicts("").await["conflicts"], json!([]));
    let ledger = app.ledger(&code).await;
    assert_eq!(ledger["members"][0]["record"]["months_worked"], 11);
    assert_eq!(
        months_trail(&ledger),
        [
            (json!(10), json!("surveyor"), json!("superseded")),
            (json!(11), json!(TEAMMATE), json!("superseded")),
            (json!(11), json!("supervisor"), json!("stands")),
        ]
    );
}

#[tokio::test]
async fn resolving_needs_a_supervisor_an_open_conflict_and_one_of_its_sides() {
    let app = spawn_app().await;
    let household = conflicting_surveys(&app).await;
    let person = household["members"][0]["person"].clone();
    let request = |field: &str, choose: &str| {
        json!({
            "id": RESOLUTION, "household": household["code"], "member": person,
            "field": field, "choose": choose,
        })
    };
    app.login_as("surveyor").await;
    let surveyor = app.resolve(&request("months_worked", BY_LI)).await;
    app.login_as("supervisor").await;

    let not_a_side = app.resolve(&request("months_worked", RESOLUTION)).await;
    let no_conflict = app.resolve(&request("employment", BY_LI)).await;
    let no_field = app.resolve(&request("mood", BY_LI)).await;

    assert_eq!(surveyor.status(), StatusCode::FORBIDDEN);
    assert_eq!(not_a_side.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let not_a_side: Value = not_a_side.json().await.unwrap();
    assert_eq!(not_a_side["fields"][0]["path"], "choose");
    assert_eq!(not_a_side["fields"][0]["code"], "not_a_side");
    assert_eq!(no_conflict.status(), StatusCode::NOT_FOUND);
    let no_conflict: Value = no_conflict.json().await.unwrap();
    assert_eq!(no_conflict["code"], "unknown_conflict");
    assert_eq!(no_field.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.conflicts("").await["conflicts"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// The households whose conflicts a list holds.
fn households_in(list: &Value) -> std::collections::BTreeSet<String> {
    (list["conflicts"].as_array().unwrap().iter())
        .map(|c| c["household"]["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn conflicts_come_fifty_households_to_a_page() {
    let app = spawn_app().await;
    add_teammate(&app).await;
    app.login_as("surveyor").await;
    let roster = app.roster().await;
    let households = &roster["households"].as_array().unwrap()[..52];
    for (n, household) in households.iter().enumerate() {
        let id = format!("6a1b2c3d-4e5f-4a6b-8c7d-{n:012x}");
        let res = app.post_submission(&submission(&id, household, 10)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    login_teammate(&app).await;
    for (n, household) in households.iter().enumerate() {
        let id = format!("7b2c3d4e-5f6a-4b7c-9d8e-{n:012x}");
        let res = app.post_submission(&submission(&id, household, 11)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    app.login_as("supervisor").await;

    let first = app.conflicts(&format!("round={ROUND}")).await;
    assert_eq!(households_in(&first).len(), 50);
    let next = first["next"].as_str().expect("a next page").to_owned();
    assert_eq!(households_in(&first).last(), Some(&next));
    let second = app.conflicts(&format!("round={ROUND}&after={next}")).await;
    assert_eq!(households_in(&second).len(), 2);
    assert!(second.get("next").is_none(), "{second}");
    let all: std::collections::BTreeSet<String> = households_in(&first)
        .union(&households_in(&second))
        .cloned()
        .collect();
    let expected: std::collections::BTreeSet<String> = (households.iter())
        .map(|h| h["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(all, expected);

    let res = app.get("/api/v1/conflicts?after=%E4%B8%80").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
