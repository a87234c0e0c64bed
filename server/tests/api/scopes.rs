//! Accounts at every level of the tree: what each sees, and the rules of
//! where each role may work.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, add_other_area, spawn_app};

const PASSWORD: &str = "stairwell-7-north";

async fn add(
    app: &TestApp,
    username: &str,
    role: &str,
    place: &str,
    building: Option<&str>,
) -> reqwest::Response {
    app.login_as("admin").await;
    app.post_json(
        "/api/v1/users",
        &json!({ "username": username, "display_name": username, "password": PASSWORD,
            "role": role, "place": place, "building": building }),
    )
    .await
}

/// The (grid, building) pairs of the roster the caller gets.
async fn roster_buildings(app: &TestApp) -> BTreeSet<(String, String)> {
    let roster = app.roster().await;
    (roster["households"].as_array().unwrap().iter())
        .map(|h| {
            (
                h["grid"].as_str().unwrap().to_owned(),
                h["building"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn grids(pairs: &BTreeSet<(String, String)>) -> BTreeSet<&str> {
    pairs.iter().map(|(grid, _)| grid.as_str()).collect()
}

async fn field_codes(res: reqwest::Response) -> Vec<String> {
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    (body["fields"].as_array().unwrap().iter())
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_account_at_each_level_sees_the_grids_under_its_place() {
    let app = spawn_app().await;
    add_other_area(&app).await;
    // The demo's chain: city, county, township, area, grids G1 and G2.
    let levels = [
        ("city", "140900000000"),
        ("county", "140925000000"),
        ("town", "140925100000"),
        ("area.sup", "XFJY"),
        ("grid.sup", "G2"),
    ];
    for (username, place) in levels {
        let res = add(&app, username, "supervisor", place, None).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{username}");
    }
    assert_eq!(
        add(&app, "team", "surveyor", "XFJY", None).await.status(),
        StatusCode::CREATED
    );

    let mut seen = Vec::new();
    for username in ["city", "county", "town", "area.sup", "grid.sup", "team"] {
        app.login(username, PASSWORD).await;
        let pairs = roster_buildings(&app).await;
        seen.push((
            username,
            grids(&pairs)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        ));
    }

    let both = vec!["G1".to_owned(), "G2".to_owned()];
    assert_eq!(
        seen,
        [
            ("city", both.clone()),
            ("county", both.clone()),
            ("town", both.clone()),
            ("area.sup", both.clone()),
            ("grid.sup", vec!["G2".to_owned()]),
            ("team", both),
        ]
    );
    // The township's supervisor reads coverage of their grids and no other.
    app.login("town", PASSWORD).await;
    let coverage = app.get_ok("/api/v1/coverage").await;
    let covered: BTreeSet<&str> = (coverage["grids"].as_array().unwrap().iter())
        .map(|g| g["grid"].as_str().unwrap())
        .collect();
    assert_eq!(covered, BTreeSet::from(["G1", "G2"]));
    assert_eq!(
        app.get("/api/v1/gaps?grid=G9").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_building_head_works_in_their_building_only() {
    let app = spawn_app().await;
    app.login_as("building").await;

    let session = app.get_ok("/api/v1/session").await;
    let pairs = roster_buildings(&app).await;
    let gaps = app.get_ok("/api/v1/gaps?grid=G1").await;

    assert_eq!(session["role"], "building_head");
    assert_eq!(session["workplace"]["building"], "1号楼");
    assert_eq!(
        pairs,
        BTreeSet::from([("G1".to_owned(), "1号楼".to_owned())])
    );
    let listed: BTreeSet<&str> = (gaps["not_surveyed"].as_array().unwrap().iter())
        .map(|h| h["building"].as_str().unwrap())
        .collect();
    assert_eq!(listed, BTreeSet::from(["1号楼"]));

    // A visit in their building is taken; one next door is not.
    app.login_as("grid").await;
    let roster = app.roster().await;
    let in_building = |building: &str| {
        (roster["households"].as_array().unwrap().iter())
            .find(|h| h["grid"] == "G1" && h["building"] == building)
            .unwrap()["code"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (own, next_door) = (in_building("1号楼"), in_building("2号楼"));
    app.login_as("building").await;
    let visit = |n: u128, household: &str| {
        json!({
            "id": uuid::Uuid::from_u128(0xB000 + n).to_string(), "household": household,
            "outcome": "met", "visited_at": "2026-11-23T10:00:00+08:00",
            "position": { "kind": "unavailable" },
        })
    };
    let taken = app.post_json("/api/v1/visits", &visit(1, &own)).await;
    let refused = app.post_json("/api/v1/visits", &visit(2, &next_door)).await;
    let read = app.get(&format!("/api/v1/households/{next_door}")).await;
    assert_eq!(taken.status(), StatusCode::CREATED);
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(read.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn each_role_works_only_at_the_levels_it_may() {
    let app = spawn_app().await;
    add_other_area(&app).await;
    // A second grid named like the demo's first makes its name ambiguous.
    let file = "\u{feff}户编号,网格编号,网格,安置区,楼栋,楼层,房号,人员编号,姓名\r\n\
                T-2-0101,G8,第一网格,测试安置区,1号楼,1,101,T-2-0101-1,王小山\r\n";
    app.login_as("admin").await;
    assert_eq!(app.import_csv(file, "").await.status(), StatusCode::OK);

    let cases: [(&str, &str, Option<&str>, &str); 9] = [
        ("grid_member", "XFJY", None, "place_level"),
        ("surveyor", "140925100000", None, "place_level"),
        ("admin", "G1", None, "place_level"),
        ("grid_member", "", None, "place_required"),
        ("supervisor", "没有的地方", None, "unknown_place"),
        ("supervisor", "第一网格", None, "place_ambiguous"),
        ("building_head", "G1", None, "building_required"),
        ("building_head", "G1", Some("99号楼"), "unknown_building"),
        ("grid_member", "G1", Some("1号楼"), "building_for_heads"),
    ];
    let mut got = Vec::new();
    for (n, (role, place, building, _)) in cases.iter().enumerate() {
        let res = add(&app, &format!("user{n}"), role, place, *building).await;
        got.push(field_codes(res).await.join(","));
    }

    let want: Vec<&str> = cases.iter().map(|c| c.3).collect();
    assert_eq!(got, want);
    // By a name only one place has: the area, and a grid member at a grid.
    let by_name = add(&app, "by.name", "surveyor", "测试安置区", None).await;
    assert_eq!(by_name.status(), StatusCode::CREATED);
    let by_name: Value = by_name.json().await.unwrap();
    assert_eq!(by_name["workplace"]["level"], "area");
    let head = add(&app, "head", "building_head", "G9", Some("1号楼")).await;
    assert_eq!(head.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_township_supervisor_manages_accounts_within_the_township() {
    let app = spawn_app().await;
    add_other_area(&app).await;
    add(&app, "town", "supervisor", "140925100000", None).await;
    app.login("town", PASSWORD).await;

    let new = |username: &str, role: &str, place: &str, building: Option<&str>| {
        json!({ "username": username, "display_name": username, "password": PASSWORD,
            "role": role, "place": place, "building": building })
    };
    let team = app
        .post_json("/api/v1/users", &new("team1", "surveyor", "XFJY", None))
        .await;
    let head = app
        .post_json(
            "/api/v1/users",
            &new("head1", "building_head", "G2", Some("4号楼")),
        )
        .await;
    let elsewhere = app
        .post_json("/api/v1/users", &new("team2", "surveyor", "G9", None))
        .await;
    let listed: Vec<String> = (app.get_ok("/api/v1/users").await.as_array().unwrap().iter())
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect();

    assert_eq!(team.status(), StatusCode::CREATED);
    assert_eq!(
        head.status(),
        StatusCode::CREATED,
        "{}",
        head.text().await.unwrap()
    );
    assert_eq!(elsewhere.status(), StatusCode::FORBIDDEN);
    assert_eq!(listed, ["building", "grid", "head1", "surveyor", "team1"]);
}

#[tokio::test]
async fn a_team_stationed_at_an_area_sees_who_surveyed_each_household() {
    let app = spawn_app().await;
    add(&app, "team.a", "surveyor", "XFJY", None).await;
    add(&app, "team.b", "surveyor", "宁武县幸福家园安置区", None).await;
    app.login("team.a", PASSWORD).await;
    let roster = app.roster().await;
    let in_g2 = (roster["households"].as_array().unwrap().iter())
        .find(|h| h["grid"] == "G2")
        .unwrap()
        .clone();
    assert!(in_g2.get("surveyed_by").is_none());

    let sent = app
        .post_submission(&crate::helpers::submission(
            &uuid::Uuid::from_u128(0xC001).to_string(),
            &in_g2,
            1,
        ))
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    app.login("team.b", PASSWORD).await;
    let roster = app.roster().await;

    let seen = (roster["households"].as_array().unwrap().iter())
        .find(|h| h["code"] == in_g2["code"])
        .unwrap();
    assert_eq!(seen["surveyed"], true);
    assert_eq!(seen["surveyed_by"], "team.a");
}

#[tokio::test]
async fn a_building_heads_export_holds_their_building_alone() {
    let app = spawn_app().await;
    app.login_as("building").await;

    let csv = app
        .get("/api/v1/export?format=csv")
        .await
        .text()
        .await
        .unwrap();

    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.contains("XF-1-")), "{}", rows[0]);
}
