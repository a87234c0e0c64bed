use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_admin_creates_a_user_who_can_then_log_in_in_their_grid() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let new = json!({
        "username": "wang.li", "display_name": "王丽", "password": "s3cret-pass",
        "role": "surveyor", "place": "G2",
    });

    let created = app
        .client
        .post(format!("{}/api/v1/users", app.address))
        .json(&new)
        .send()
        .await
        .unwrap();
    let again = app
        .client
        .post(format!("{}/api/v1/users", app.address))
        .json(&new)
        .send()
        .await
        .unwrap();

    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let login = app.login("wang.li", "s3cret-pass").await;
    assert_eq!(login.status(), StatusCode::OK);
    let roster = app.roster().await;
    assert!(
        roster["households"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["grid"] == "G2")
    );
}

#[tokio::test]
async fn a_new_user_needs_a_proper_name_password_and_grid() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let bad = json!({
        "username": "X", "display_name": " ", "password": "short",
        "role": "grid_member", "place": "G9",
    });

    let res = app
        .client
        .post(format!("{}/api/v1/users", app.address))
        .json(&bad)
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    let codes: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "username_format",
            "required",
            "password_too_short",
            "unknown_place"
        ]
    );
}

#[tokio::test]
async fn an_admin_moves_a_user_to_another_grid() {
    let app = spawn_app().await;
    app.login_as("admin").await;

    let moved = app
        .client
        .patch(format!("{}/api/v1/users/surveyor", app.address))
        .json(&json!({ "role": "surveyor", "place": "G2" }))
        .send()
        .await
        .unwrap();
    let missing = app
        .client
        .patch(format!("{}/api/v1/users/nobody", app.address))
        .json(&json!({ "role": "surveyor", "place": "G2" }))
        .send()
        .await
        .unwrap();

    assert_eq!(moved.status(), StatusCode::NO_CONTENT);
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    app.login_as("surveyor").await;
    let roster = app.roster().await;
    assert!(
        roster["households"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["grid"] == "G2")
    );
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(
            app.login("surveyor", "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }

    let throttled = app.login("surveyor", "demo").await;

    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = throttled.json().await.unwrap();
    assert_eq!(body["code"], "too_many_attempts");
    // Another user is not held up by someone guessing this one's password.
    assert_eq!(app.login("grid", "demo").await.status(), StatusCode::OK);
}

/// The usernames in a user list.
async fn usernames(app: &crate::helpers::TestApp, query: &str) -> Vec<String> {
    app.get_ok(&format!("/api/v1/users{query}"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_account_added_without_a_password_gets_a_one_time_one_to_replace_first() {
    let app = spawn_app().await;
    app.login_as("admin").await;

    let created = app
        .post_json(
            "/api/v1/users",
            &json!({ "username": "zhao.lei", "display_name": "赵磊", "role": "grid_member", "place": "G2" }),
        )
        .await;

    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let one_time = created["one_time_password"].as_str().unwrap().to_owned();
    assert_eq!(one_time.len(), 14, "{one_time}");
    assert!(created["must_change_password"].as_bool().unwrap());
    let login: Value = app.login("zhao.lei", &one_time).await.json().await.unwrap();
    assert_eq!(login["session"]["must_change_password"], true);
    let blocked = app.get("/api/v1/roster").await;
    assert_eq!(blocked.status(), StatusCode::FORBIDDEN);
    let blocked: Value = blocked.json().await.unwrap();
    assert_eq!(blocked["code"], "password_change_required");
    let changed = app
        .client
        .put(format!("{}/api/v1/session/password", app.address))
        .json(&json!({ "current": one_time, "new": "stairwell-7-north" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.unwrap();
    assert!(changed["session"].get("must_change_password").is_none());
    assert_eq!(app.get("/api/v1/roster").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_reset_gives_a_one_time_password_and_ends_the_users_sessions() {
    let app = spawn_app().await;
    let phone = crate::helpers::supervisor_client(&app.address).await;
    app.login_as("admin").await;

    let reset = app
        .post_json("/api/v1/users/supervisor/password", &json!({}))
        .await;

    assert_eq!(reset.status(), StatusCode::OK);
    let reset: Value = reset.json().await.unwrap();
    let one_time = reset["one_time_password"].as_str().unwrap();
    let old_session = phone
        .get(format!("{}/api/v1/coverage", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(old_session.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.login("supervisor", "demo").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let login: Value = app
        .login("supervisor", one_time)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(login["session"]["must_change_password"], true);
    let lines = app.audit_lines().await;
    assert!(lines.contains(&("user_password_reset".into(), "user=supervisor".into())));
}

#[tokio::test]
async fn a_supervisor_manages_the_teams_and_grid_members_of_their_own_grids_only() {
    let app = spawn_app().await;
    crate::helpers::add_other_area(&app).await;
    let elsewhere =
        json!({ "username": "qian", "display_name": "钱", "role": "surveyor", "place": "G9" });
    app.post_json("/api/v1/users", &elsewhere).await;
    app.login_as("area").await;

    let listed = usernames(&app, "").await;
    let searched = usernames(&app, "?q=张秀").await;
    let admin = app
        .post_json(
            "/api/v1/users",
            &json!({ "username": "boss", "display_name": "管理员", "role": "admin" }),
        )
        .await;
    let other_area = app
        .post_json(
            "/api/v1/users",
            &json!({ "username": "sun", "display_name": "孙", "role": "surveyor", "place": "G9" }),
        )
        .await;
    let own_grid = app
        .post_json(
            "/api/v1/users",
            &json!({ "username": "li.ming", "display_name": "李明", "role": "surveyor", "place": "G2" }),
        )
        .await;
    let disabled = app
        .post_json("/api/v1/users/li.ming/disable", &json!({}))
        .await;
    let not_theirs = app
        .post_json("/api/v1/users/qian/disable", &json!({}))
        .await;
    let themselves = app
        .post_json("/api/v1/users/area/disable", &json!({}))
        .await;

    assert_eq!(listed, ["building", "grid", "surveyor"]);
    assert_eq!(searched, ["grid"]);
    assert_eq!(admin.status(), StatusCode::FORBIDDEN);
    assert_eq!(other_area.status(), StatusCode::FORBIDDEN);
    assert_eq!(own_grid.status(), StatusCode::CREATED);
    assert_eq!(disabled.status(), StatusCode::NO_CONTENT);
    assert_eq!(not_theirs.status(), StatusCode::FORBIDDEN);
    assert_eq!(themselves.status(), StatusCode::FORBIDDEN);
    let li: Value = app.get_ok("/api/v1/users?q=li.ming").await;
    assert_eq!(li[0]["disabled"], true);
    app.login_as("grid").await;
    assert_eq!(
        app.get("/api/v1/users").await.status(),
        StatusCode::FORBIDDEN
    );
}
