//! The map on the phone: the roster's grids carry their outlines and their
//! buildings', within the caller's scope.

use serde_json::Value;

use crate::helpers::spawn_app;

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
    let delta = app
        .get(&format!(
            "/api/v1/roster?since={}",
            grid_member["cursor"].as_str().unwrap()
        ))
        .await
        .json::<Value>()
        .await
        .unwrap();

    let names = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    let g1 = ("G1".to_owned(), 5, names(&["1号楼", "2号楼", "3号楼"]));
    let g2 = ("G2".to_owned(), 5, names(&["4号楼", "5号楼", "6号楼"]));
    assert_eq!(outlines(&supervisor), [g1.clone(), g2]);
    assert_eq!(outlines(&grid_member), vec![g1.clone()]);
    assert_eq!(outlines(&delta), vec![g1]);
    // Longitude first, in degrees with at most 6 decimals.
    let corner = &grid_member["grids"][0]["buildings"][0]["outline"][0];
    assert_eq!(corner[0], 112.3006);
    assert_eq!(corner[1], 39.00025);
}
