//! The demo with its round under way (`--demo-underway`): what a supervisor
//! and the team see on a fresh start agrees across every screen.

use serde_json::Value;

use crate::helpers::{in_roster, spawn_underway_app};

fn count(list: &Value, key: &str) -> usize {
    list[key].as_array().expect("a list").len()
}

#[tokio::test]
async fn the_round_under_way_shows_alike_in_coverage_visits_review_and_the_phone() {
    let app = spawn_underway_app().await;
    app.login_as("supervisor").await;

    let coverage = app.get_ok("/api/v1/coverage").await;
    let (g1, g2) = (&coverage["grids"][0], &coverage["grids"][1]);
    assert_eq!(
        (g1["grid"].as_str(), g2["grid"].as_str()),
        (Some("G1"), Some("G2"))
    );
    let surveyed = g1["surveyed"].as_u64().unwrap() as usize;
    let visited = g1["visited"].as_u64().unwrap() as usize;
    assert!(surveyed >= 10, "the team has surveyed part of grid 1: {g1}");
    assert!(
        visited >= surveyed + 10,
        "and the grid member called on more: {g1}"
    );
    assert!(g1["missed"].as_u64().unwrap() >= 10, "some not yet: {g1}");
    assert_eq!(g2["missed"], g2["households"], "grid 2 has not started");

    // Each household called on was called on once.
    let visits = app.get_ok("/api/v1/visits").await;
    assert_eq!(count(&visits, "visits"), visited);
    // One visit was sent from far outside the grid, and only that one is
    // flagged: the member's pace between doors is a walk.
    let flagged = app.get_ok("/api/v1/visits?flagged=true").await;
    assert_eq!(count(&flagged, "visits"), 1, "{flagged}");
    let flags = flagged["visits"][0]["flags"].to_string();
    assert!(
        flags.contains("outside_grid") && !flags.contains("impossible_pace"),
        "{flags}"
    );

    // Every survey waits for review but one, which is back with the team.
    let all = app.review_list("").await;
    assert_eq!(all["total"], surveyed);
    let returned = app.review_list("state=returned").await;
    assert_eq!(returned["total"], 1);
    assert_eq!(
        app.review_list("state=pending").await["total"],
        surveyed - 1
    );
    let code = returned["submissions"][0]["household"]["code"]
        .as_str()
        .expect("the returned household");

    app.login_as("surveyor").await;
    let roster = app.roster().await;
    let on_phone = in_roster(&roster, code).expect("the returned household is on the team's phone");
    assert!(
        on_phone["returned"]["reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    let phone_visited = roster["households"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["visited"] == true)
        .count();
    assert_eq!(phone_visited, visited);
}
