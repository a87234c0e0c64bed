//! A supervisor of one resettlement area sees and imports only that area's
//! grids; a supervisor without an area sees the whole county.

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use crate::helpers::{TestApp, add_other_area, field_codes, spawn_app};

/// The grid codes a list names, each once, in order.
fn grids_in(items: &[Value], grid: impl Fn(&Value) -> &Value) -> Vec<String> {
    let mut res: Vec<String> = items
        .iter()
        .map(|item| grid(item).as_str().unwrap().to_owned())
        .collect();
    res.dedup();
    res
}

/// What `username` reads: the grids of its roster, coverage, gaps and
/// indicators, and whether its export holds the other area's household.
async fn reach(
    app: &TestApp,
    username: &str,
) -> (Vec<String>, Vec<String>, Vec<String>, Vec<String>, bool) {
    app.login_as(username).await;
    let roster = app.roster().await;
    let coverage: Value = app.get("/api/v1/coverage").await.json().await.unwrap();
    let gaps: Value = app.get("/api/v1/gaps").await.json().await.unwrap();
    let indicators: Value = app.get("/api/v1/indicators").await.json().await.unwrap();
    let export = app
        .get("/api/v1/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    (
        grids_in(roster["households"].as_array().unwrap(), |h| &h["grid"]),
        grids_in(coverage["grids"].as_array().unwrap(), |g| &g["grid"]),
        grids_in(gaps["not_surveyed"].as_array().unwrap(), |h| &h["grid"]),
        grids_in(indicators["by_grid"].as_array().unwrap(), |g| &g["grid"]),
        export.contains("T-1-0101"),
    )
}

#[tokio::test]
async fn an_area_supervisor_reads_only_their_areas_grids() {
    let app = spawn_app().await;
    add_other_area(&app).await;

    let area = reach(&app, "area").await;
    let county = reach(&app, "supervisor").await;

    let own = vec!["G1".to_owned(), "G2".to_owned()];
    assert_eq!(area, (own.clone(), own.clone(), own.clone(), own, false));
    let all = vec!["G1".to_owned(), "G2".to_owned(), "G9".to_owned()];
    assert_eq!(county, (all.clone(), all.clone(), all.clone(), all, true));
}

#[tokio::test]
async fn the_session_names_the_supervisors_area() {
    let app = spawn_app().await;

    app.login_as("area").await;
    let area: Value = app.get("/api/v1/session").await.json().await.unwrap();
    app.login_as("supervisor").await;
    let county: Value = app.get("/api/v1/session").await.json().await.unwrap();

    assert_eq!(
        area["workplace"],
        serde_json::json!({ "code": "XFJY", "name": "宁武县幸福家园安置区", "level": "area" })
    );
    assert_eq!(county.get("workplace"), None);
}

async fn import_csv(app: &TestApp, rows: &str) -> reqwest::Response {
    let csv = format!("\u{feff}户编号,网格编号,网格,安置区,楼栋,楼层,房号,人员编号,姓名\r\n{rows}");
    app.client
        .post(format!("{}/api/v1/roster/import?dry_run=true", app.address))
        .header(CONTENT_TYPE, "text/csv")
        .body(csv)
        .send()
        .await
        .expect("request sent")
}

/// The (column, code) of each error of a refused import.
async fn refusals(res: reqwest::Response) -> Vec<(String, String)> {
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["column"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_area_supervisor_imports_only_grids_of_their_area() {
    let app = spawn_app().await;
    add_other_area(&app).await;
    app.login_as("area").await;

    let new_grid_here = import_csv(
        &app,
        "N-1-0101,G8,第八网格,宁武县幸福家园安置区,7号楼,1,101,N-1-0101-1,李四\r\n",
    )
    .await;
    let other_area = import_csv(&app, "T-1-0101,G9,,,1号楼,1,101,T-1-0101-1,王大山\r\n").await;
    let new_grid_elsewhere = import_csv(
        &app,
        "N-1-0101,G8,第八网格,测试安置区,7号楼,1,101,N-1-0101-1,李四\r\n",
    )
    .await;

    assert_eq!(new_grid_here.status(), StatusCode::OK);
    let out_of_scope = "out_of_scope".to_owned();
    assert_eq!(
        refusals(other_area).await,
        [("网格编号".to_owned(), out_of_scope.clone())]
    );
    assert_eq!(
        refusals(new_grid_elsewhere).await,
        [("安置区".to_owned(), out_of_scope)]
    );
}

async fn post_user(app: &TestApp, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/users", app.address))
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_gives_a_supervisor_an_area_and_takes_it_away() {
    let app = spawn_app().await;
    add_other_area(&app).await;
    let new = |username: &str, role: &str, place: &str| {
        json!({
            "username": username, "display_name": "督导", "password": "s3cret-pass",
            "role": role, "place": place,
        })
    };

    let unknown = post_user(&app, &new("zhao", "supervisor", "没有的安置区")).await;
    let not_a_supervisor = post_user(&app, &new("qian", "grid_member", "测试安置区")).await;
    let created = post_user(&app, &new("sun", "supervisor", " 测试安置区 ")).await;

    assert_eq!(field_codes(unknown).await, ["unknown_place"]);
    assert_eq!(field_codes(not_a_supervisor).await, ["place_level"]);
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["workplace"]["name"], "测试安置区");
    assert_eq!(created["workplace"]["level"], "area");
    app.login("sun", "s3cret-pass").await;
    let roster = app.roster().await;
    assert_eq!(
        grids_in(roster["households"].as_array().unwrap(), |h| &h["grid"]),
        ["G9"]
    );

    app.login_as("admin").await;
    let widened = app
        .client
        .patch(format!("{}/api/v1/users/sun", app.address))
        .json(&json!({ "role": "supervisor" }))
        .send()
        .await
        .unwrap();
    assert_eq!(widened.status(), StatusCode::NO_CONTENT);
    app.login("sun", "s3cret-pass").await;
    let roster = app.roster().await;
    assert_eq!(
        grids_in(roster["households"].as_array().unwrap(), |h| &h["grid"]),
        ["G1", "G2", "G9"]
    );
}

#[tokio::test]
async fn a_county_supervisor_narrows_a_read_to_one_area() {
    let app = spawn_app().await;
    add_other_area(&app).await;
    app.login_as("supervisor").await;

    let area = "%E6%B5%8B%E8%AF%95%E5%AE%89%E7%BD%AE%E5%8C%BA"; // 测试安置区
    let gaps = app.get_ok(&format!("/api/v1/gaps?area={area}")).await;
    let indicators = app.get_ok(&format!("/api/v1/indicators?area={area}")).await;
    let export = app
        .get(&format!("/api/v1/export?format=csv&area={area}"))
        .await
        .text()
        .await
        .unwrap();

    let g9 = vec!["G9".to_owned()];
    assert_eq!(
        grids_in(gaps["not_surveyed"].as_array().unwrap(), |h| &h["grid"]),
        g9
    );
    assert_eq!(
        grids_in(indicators["by_grid"].as_array().unwrap(), |g| &g["grid"]),
        g9
    );
    assert!(export.contains("T-1-0101"));
    assert!(!export.contains("XF-1-0101"));

    let unknown = app.get("/api/v1/gaps?area=nowhere").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["code"], "unknown_area");
    let both = app.get(&format!("/api/v1/gaps?area={area}&grid=G9")).await;
    assert_eq!(both.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The other area's supervisor cannot reach into it.
    app.login_as("area").await;
    let outside = app.get(&format!("/api/v1/gaps?area={area}")).await;
    assert_eq!(outside.status(), StatusCode::FORBIDDEN);
}
