//! Who may do what: every role, at each level of the tree, against every
//! endpoint, inside and outside their scope, with the status each must get.
//! Building 1 of grid 1 is the building head's; grid 1 is the surveyor's
//! and the grid member's; grids 1 and 2 make the area, where a team is
//! stationed and which the area supervisor oversees, and they are all of
//! the township; grid 9 is another area, which only the supervisor of
//! everything and the administrator reach. Supervisors manage the accounts
//! of teams, grid members and building heads within their place.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{ROUND, TestApp, add_other_area, spawn_app, submission};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Place {
    /// Building 1 of grid 1.
    Inside,
    /// Another building of grid 1.
    OtherBuilding,
    /// Grid 2, of the same area.
    Outside,
    /// Grid 9, of another area.
    OtherArea,
}

/// One request an endpoint takes, for a household of the place.
fn request(endpoint: &str, household: &Value, n: u128) -> (Method, String, Option<Value>) {
    let code = household["code"].as_str().expect("code");
    let id = uuid::Uuid::from_u128(n).to_string();
    match endpoint {
        "roster" => (Method::GET, "/api/v1/roster".into(), None),
        "coverage" => (Method::GET, "/api/v1/coverage".into(), None),
        "indicators" => (Method::GET, "/api/v1/indicators".into(), None),
        "gaps" => {
            let grid = household["grid"].as_str().expect("grid");
            (Method::GET, format!("/api/v1/gaps?grid={grid}"), None)
        }
        "export" => {
            let grid = household["grid"].as_str().expect("grid");
            let path = format!("/api/v1/export?format=csv&grid={grid}");
            (Method::GET, path, None)
        }
        "household" => (Method::GET, format!("/api/v1/households/{code}"), None),
        "history" => (
            Method::GET,
            format!("/api/v1/households/{code}/history"),
            None,
        ),
        "submit" => {
            let person = &household["members"][0]["person"];
            let body = json!({
                "id": id, "household": code, "round": ROUND,
                "captured_at": "2026-11-23T10:00:00+08:00",
                "members": [{ "person": person, "writes": [] }],
            });
            (Method::POST, "/api/v1/submissions".into(), Some(body))
        }
        "visits" => {
            let grid = household["grid"].as_str().expect("grid");
            (Method::GET, format!("/api/v1/visits?grid={grid}"), None)
        }
        "visit" => {
            let body = json!({
                "id": id, "household": code, "outcome": "met",
                "visited_at": "2026-11-23T10:00:00+08:00", "position": { "kind": "unavailable" },
            });
            (Method::POST, "/api/v1/visits".into(), Some(body))
        }
        "list users" => (Method::GET, "/api/v1/users".into(), None),
        "create user" => {
            let body = json!({
                "username": format!("u{n}"), "display_name": "新用户", "password": "long-enough",
                "role": "grid_member", "place": household["grid"],
            });
            (Method::POST, "/api/v1/users".into(), Some(body))
        }
        "review list" => {
            let grid = household["grid"].as_str().expect("grid");
            (Method::GET, format!("/api/v1/review?grid={grid}"), None)
        }
        "review" => {
            let body = json!({ "decision": "approve" });
            let path = format!("/api/v1/submissions/{}/review", review_target(household));
            (Method::POST, path, Some(body))
        }
        "conflicts" => {
            let grid = household["grid"].as_str().expect("grid");
            (Method::GET, format!("/api/v1/conflicts?grid={grid}"), None)
        }
        "resolve" => {
            let person = &household["members"][0]["person"];
            let body = json!({
                "id": id, "household": code, "member": person,
                "field": "employment", "choose": review_target(household),
            });
            (Method::POST, "/api/v1/conflicts/resolve".into(), Some(body))
        }
        "fields" => (Method::GET, "/api/v1/fields".into(), None),
        "places" => (Method::GET, "/api/v1/places".into(), None),
        // Not a definitions file: an administrator gets past the role to 422.
        "define fields" => {
            let path = format!("/api/v1/fields/import?from={ROUND}&dry_run=true");
            (Method::POST, path, Some(json!({ "not": "a file" })))
        }
        other => panic!("no endpoint {other}"),
    }
}

/// The submission that "review" approves and "resolve" names: one per
/// household, made before the matrix runs.
fn review_target(household: &Value) -> String {
    let n = match household["grid"].as_str() {
        Some("G1") => 1,
        Some("G2") => 2,
        _ => 3,
    };
    uuid::Uuid::from_u128(0xA000 + n).to_string()
}

/// The status each role must get: (endpoint, place, [anonymous, admin,
/// supervisor, area supervisor, township supervisor, surveyor of grid 1,
/// team of the area, grid member, building head]).
const MATRIX: &[(&str, Place, [u16; 9])] = &[
    (
        "roster",
        Place::Inside,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "places",
        Place::Inside,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "coverage",
        Place::Inside,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "indicators",
        Place::Inside,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "gaps",
        Place::Inside,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "gaps",
        Place::OtherBuilding,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "gaps",
        Place::Outside,
        [401, 200, 200, 200, 200, 403, 200, 403, 403],
    ),
    (
        "gaps",
        Place::OtherArea,
        [401, 200, 200, 403, 403, 403, 403, 403, 403],
    ),
    (
        "export",
        Place::Inside,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "export",
        Place::OtherBuilding,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "export",
        Place::Outside,
        [401, 200, 200, 200, 200, 403, 200, 403, 403],
    ),
    (
        "export",
        Place::OtherArea,
        [401, 200, 200, 403, 403, 403, 403, 403, 403],
    ),
    (
        "household",
        Place::Inside,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "household",
        Place::OtherBuilding,
        [401, 200, 200, 200, 200, 200, 200, 200, 403],
    ),
    (
        "household",
        Place::Outside,
        [401, 200, 200, 200, 200, 403, 200, 403, 403],
    ),
    (
        "household",
        Place::OtherArea,
        [401, 200, 200, 403, 403, 403, 403, 403, 403],
    ),
    (
        "history",
        Place::Inside,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "history",
        Place::OtherBuilding,
        [401, 200, 200, 200, 200, 200, 200, 200, 403],
    ),
    (
        "history",
        Place::Outside,
        [401, 200, 200, 200, 200, 403, 200, 403, 403],
    ),
    (
        "history",
        Place::OtherArea,
        [401, 200, 200, 403, 403, 403, 403, 403, 403],
    ),
    (
        "submit",
        Place::Inside,
        [401, 403, 201, 201, 201, 201, 201, 403, 403],
    ),
    (
        "submit",
        Place::OtherBuilding,
        [401, 403, 201, 201, 201, 201, 201, 403, 403],
    ),
    (
        "submit",
        Place::Outside,
        [401, 403, 201, 201, 201, 403, 201, 403, 403],
    ),
    (
        "submit",
        Place::OtherArea,
        [401, 403, 201, 403, 403, 403, 403, 403, 403],
    ),
    (
        "visit",
        Place::Inside,
        [401, 403, 403, 403, 403, 201, 201, 201, 201],
    ),
    (
        "visit",
        Place::OtherBuilding,
        [401, 403, 403, 403, 403, 201, 201, 201, 403],
    ),
    (
        "visit",
        Place::Outside,
        [401, 403, 403, 403, 403, 403, 201, 403, 403],
    ),
    (
        "visit",
        Place::OtherArea,
        [401, 403, 403, 403, 403, 403, 403, 403, 403],
    ),
    (
        "visits",
        Place::Inside,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "visits",
        Place::Outside,
        [401, 200, 200, 200, 200, 403, 200, 403, 403],
    ),
    (
        "visits",
        Place::OtherArea,
        [401, 200, 200, 403, 403, 403, 403, 403, 403],
    ),
    (
        "list users",
        Place::Inside,
        [401, 200, 200, 200, 200, 403, 403, 403, 403],
    ),
    (
        "create user",
        Place::Inside,
        [401, 201, 201, 201, 201, 403, 403, 403, 403],
    ),
    (
        "create user",
        Place::Outside,
        [401, 201, 201, 201, 201, 403, 403, 403, 403],
    ),
    (
        "create user",
        Place::OtherArea,
        [401, 201, 201, 403, 403, 403, 403, 403, 403],
    ),
    (
        "review list",
        Place::Inside,
        [401, 200, 200, 200, 200, 403, 403, 403, 403],
    ),
    (
        "review list",
        Place::Outside,
        [401, 200, 200, 200, 200, 403, 403, 403, 403],
    ),
    (
        "review list",
        Place::OtherArea,
        [401, 200, 200, 403, 403, 403, 403, 403, 403],
    ),
    // Approving is final: the admin approves first, supervisors get it again.
    (
        "review",
        Place::Inside,
        [401, 201, 200, 200, 200, 403, 403, 403, 403],
    ),
    (
        "review",
        Place::Outside,
        [401, 201, 200, 200, 200, 403, 403, 403, 403],
    ),
    (
        "review",
        Place::OtherArea,
        [401, 201, 200, 403, 403, 403, 403, 403, 403],
    ),
    (
        "conflicts",
        Place::Inside,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "conflicts",
        Place::Outside,
        [401, 200, 200, 200, 200, 403, 200, 403, 403],
    ),
    (
        "conflicts",
        Place::OtherArea,
        [401, 200, 200, 403, 403, 403, 403, 403, 403],
    ),
    // No conflict is open, so a supervisor gets past the role and scope to 404.
    (
        "resolve",
        Place::Inside,
        [401, 403, 404, 404, 404, 403, 403, 403, 403],
    ),
    (
        "resolve",
        Place::Outside,
        [401, 403, 404, 404, 404, 403, 403, 403, 403],
    ),
    (
        "resolve",
        Place::OtherArea,
        [401, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "fields",
        Place::Inside,
        [401, 200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "define fields",
        Place::Inside,
        [401, 422, 403, 403, 403, 403, 403, 403, 403],
    ),
];

const ROLES: [Option<&str>; 9] = [
    None,
    Some("admin"),
    Some("supervisor"),
    Some("area"),
    Some("town"),
    Some("surveyor"),
    Some("team"),
    Some("grid"),
    Some("building"),
];

/// The password of the accounts this test adds; the demo's are "demo".
const PASSWORD: &str = "stairwell-7-north";

fn password_of(username: &str) -> &'static str {
    if ["town", "team"].contains(&username) {
        PASSWORD
    } else {
        "demo"
    }
}

/// The demo's township, above its area.
const TOWNSHIP: &str = "140925100000";
/// The demo's resettlement area.
const AREA: &str = "XFJY";

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    req: (Method, String, Option<Value>),
) -> u16 {
    let (method, path, body) = req;
    let mut builder = client.request(method, format!("{}{path}", app.address));
    if let Some(body) = body {
        builder = builder.json(&body);
    }
    builder
        .send()
        .await
        .expect("request sent")
        .status()
        .as_u16()
}

#[tokio::test]
async fn every_role_gets_exactly_what_it_may() {
    let app = spawn_app().await;
    add_other_area(&app).await;
    app.login_as("supervisor").await;
    let all = app.roster().await["households"].as_array().unwrap().clone();
    let inside = all.iter().find(|h| h["grid"] == "G1").unwrap().clone();
    assert_eq!(inside["building"], "1号楼");
    let other_building = (all.iter())
        .find(|h| h["grid"] == "G1" && h["building"] != "1号楼")
        .unwrap()
        .clone();
    let outside = all.iter().find(|h| h["grid"] == "G2").unwrap().clone();
    let other_area = all.iter().find(|h| h["grid"] == "G9").unwrap().clone();
    for household in [&inside, &outside, &other_area] {
        let res = app
            .post_submission(&submission(&review_target(household), household, 10))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }

    app.login_as("admin").await;
    for (username, role, place) in [("town", "supervisor", TOWNSHIP), ("team", "surveyor", AREA)] {
        let res = app
            .post_json(
                "/api/v1/users",
                &json!({ "username": username, "display_name": username, "password": PASSWORD,
                    "role": role, "place": place }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }

    let mut n = 0u128;
    let mut wrong = Vec::new();
    for (role_idx, role) in ROLES.iter().enumerate() {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        if let Some(username) = role {
            let res = client
                .post(format!("{}/api/v1/session", app.address))
                .json(&json!({ "username": username, "password": password_of(username) }))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
        }
        for (endpoint, place, expected) in MATRIX {
            n += 1;
            let household = match place {
                Place::Inside => &inside,
                Place::OtherBuilding => &other_building,
                Place::Outside => &outside,
                Place::OtherArea => &other_area,
            };
            let got = send(&app, &client, request(endpoint, household, n)).await;
            if got != expected[role_idx] {
                wrong.push(format!(
                    "{role:?} {endpoint} {place:?}: got {got}, want {}",
                    expected[role_idx]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
