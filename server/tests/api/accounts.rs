//! `anju user` at the shell, against the same database as a running server.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use reqwest::StatusCode;
use serde_json::Value;
use server::calendar::Calendar;
use server::settings::Settings;
use shared::round::Round;

use crate::helpers::{ROUND, TestApp, fresh_database, serve};

/// Runs `anju` with `args` on `database`, `stdin` as its standard input
/// and `lang` as its locale.
pub fn anju(args: &[&str], database: &str, stdin: &str, lang: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_anju"))
        .args(args)
        .args(["--database", database])
        .env_remove("ANJU_PASSWORD")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("anju starts");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    child.wait_with_output().expect("anju ends")
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The demo on a database this test can also reach from the shell.
async fn demo_with_url() -> (TestApp, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = fresh_database(&dir).await;
    let settings = Settings {
        demo: true,
        round: Some(Round::parse(ROUND).expect("valid round")),
        ..Settings::local(database.clone())
    };
    (
        serve(settings, Calendar::system_clock(), dir).await,
        database,
    )
}

#[tokio::test]
async fn the_first_administrator_is_made_at_the_shell_and_logs_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = fresh_database(&dir).await;

    let added = anju(
        &["user", "add", "chen", "--role", "admin", "--name", "陈主任"],
        &database,
        "river-bend-4417\n",
        "zh_CN.UTF-8",
    );

    assert!(added.status.success(), "{}", said(&added));
    assert!(said(&added).contains("已创建账号 chen（陈主任，管理员）"));
    let app = serve(Settings::local(database), Calendar::system_clock(), dir).await;
    assert_eq!(
        app.login("chen", "river-bend-4417").await.status(),
        StatusCode::OK
    );
    let users = app.get_ok("/api/v1/users").await;
    assert_eq!(users[0]["username"], "chen");
    assert_eq!(users[0]["display_name"], "陈主任");
    assert_eq!(users[0]["role"], "admin");
}

#[tokio::test]
async fn a_weak_password_is_refused_in_the_shells_language() {
    let (app, database) = demo_with_url().await;
    let add = [
        "user",
        "add",
        "li.na",
        "--role",
        "grid_member",
        "--place",
        "G1",
    ];

    let in_chinese = anju(&add, &database, "1234567890\n", "zh_CN.UTF-8");
    let in_english = anju(&add, &database, "li.na-2026-ok\n", "en_US.UTF-8");
    let bad_grid = anju(
        &[
            "user", "add", "zhou", "--role", "surveyor", "--place", "G77",
        ],
        &database,
        "river-bend-4417\n",
        "en_US.UTF-8",
    );

    assert!(!in_chinese.status.success());
    assert!(
        said(&in_chinese).contains("这个密码太常见"),
        "{}",
        said(&in_chinese)
    );
    assert!(!in_english.status.success());
    assert!(
        said(&in_english).contains("must not contain the username"),
        "{}",
        said(&in_english)
    );
    assert!(!bad_grid.status.success());
    assert!(
        said(&bad_grid).contains("no such place"),
        "{}",
        said(&bad_grid)
    );
    assert_eq!(
        app.login("li.na", "1234567890").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_disabled_account_is_logged_out_at_its_next_request_and_can_return() {
    let (app, database) = demo_with_url().await;
    app.login_as("surveyor").await;

    let disabled = anju(&["user", "disable", "surveyor"], &database, "", "C");
    let roster = app.get("/api/v1/roster").await;
    let login = app.login("surveyor", "demo").await;
    let enabled = anju(&["user", "enable", "surveyor"], &database, "", "C");

    assert!(disabled.status.success(), "{}", said(&disabled));
    assert_eq!(roster.status(), StatusCode::UNAUTHORIZED);
    let roster: Value = roster.json().await.unwrap();
    assert_eq!(roster["code"], "account_disabled");
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
    let login: Value = login.json().await.unwrap();
    assert_eq!(login["code"], "account_disabled");
    assert!(enabled.status.success(), "{}", said(&enabled));
    app.login_as("surveyor").await;
    assert_eq!(app.get("/api/v1/roster").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_new_password_ends_the_users_sessions() {
    let (app, database) = demo_with_url().await;
    app.login_as("grid").await;

    let set = anju(
        &["user", "password", "grid"],
        &database,
        "stairwell-7-north\n",
        "C",
    );
    let unknown = anju(
        &["user", "password", "nobody"],
        &database,
        "stairwell-7-north\n",
        "C",
    );

    assert!(set.status.success(), "{}", said(&set));
    assert_eq!(
        app.get("/api/v1/roster").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("grid", "demo").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("grid", "stairwell-7-north").await.status(),
        StatusCode::OK
    );
    assert!(!unknown.status.success());
}

/// `PUT /api/v1/session/password` with `current` and `new`.
async fn change_password(app: &TestApp, current: &str, new: &str) -> reqwest::Response {
    app.client
        .put(format!("{}/api/v1/session/password", app.address))
        .json(&serde_json::json!({ "current": current, "new": new }))
        .send()
        .await
        .expect("request sent")
}

#[tokio::test]
async fn a_user_changes_their_own_password_and_their_other_sessions_end() {
    let (app, _) = demo_with_url().await;
    let other_phone = crate::helpers::supervisor_client(&app.address).await;
    app.login_as("supervisor").await;

    let wrong = change_password(&app, "guess", "stairwell-7-north").await;
    let common = change_password(&app, "demo", "qwertyuiop").await;
    let changed = change_password(&app, "demo", "stairwell-7-north").await;

    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong: Value = wrong.json().await.unwrap();
    assert_eq!(wrong["fields"][0]["code"], "wrong_password");
    assert_eq!(common.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let common: Value = common.json().await.unwrap();
    assert_eq!(common["fields"][0]["code"], "password_common");
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["session"]["username"], "supervisor");
    assert_eq!(app.get("/api/v1/coverage").await.status(), StatusCode::OK);
    let elsewhere = other_phone
        .get(format!("{}/api/v1/coverage", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.login("supervisor", "stairwell-7-north").await.status(),
        StatusCode::OK
    );
}
