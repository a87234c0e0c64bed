//! Attacks on logins and sessions: password guessing slows the guesser and
//! keeps no one out, other sites cannot act with a user's cookie, every
//! response says what the browser may do, and sessions end when idle or
//! when an administrator ends them.

use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;
use time::macros::datetime;

use crate::helpers::{TestApp, TestClock, spawn_app, spawn_on_clock};

/// A browser of its own (its own cookies), whose requests reach the server
/// through a proxy on its machine that names `address` as the client.
struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    address: &'static str,
}

impl<'a> Browser<'a> {
    fn at(app: &'a TestApp, address: &'static str) -> Browser<'a> {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        Browser {
            app,
            client,
            address,
        }
    }

    async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/session", self.app.address))
            .header("x-forwarded-for", self.address)
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("request sent")
    }

    async fn logout(&self) {
        let res = (self.client)
            .delete(format!("{}/api/v1/session", self.app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
}

/// Seconds in a 429's `Retry-After`.
fn retry_after(res: &reqwest::Response) -> u64 {
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_flood_of_wrong_passwords_from_one_address_keeps_no_one_out_from_another() {
    let app = spawn_app().await;
    let guesser = Browser::at(&app, "203.0.113.7");
    for _ in 0..5 {
        let res = guesser.login("supervisor", "guess").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    // From the sixth try on the guesser waits, however often it asks.
    for _ in 0..20 {
        let res = guesser.login("supervisor", "guess").await;
        assert!(retry_after(&res) >= 1);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "too_many_attempts");
        assert!(body["message"].as_str().unwrap().contains("秒后再试"));
    }

    let supervisor = Browser::at(&app, "198.51.100.4");
    let res = supervisor.login("supervisor", "demo").await;

    assert_eq!(res.status(), StatusCode::OK);
    // Each failure is in the audit log, with where it came from.
    let failures: Vec<_> = app
        .audit_lines()
        .await
        .into_iter()
        .filter(|(action, _)| action == "login_failed")
        .collect();
    assert_eq!(failures.len(), 5, "{failures:?}");
    assert!(failures.iter().all(|(_, from)| from == "203.0.113.7"));
}

#[tokio::test]
async fn a_wait_doubles_with_each_failure_and_ends_by_itself() {
    let clock = TestClock::at(datetime!(2026-11-20 02:00:00 UTC));
    let app = spawn_on_clock(&clock).await;
    let guesser = Browser::at(&app, "203.0.113.7");
    let mut now = datetime!(2026-11-20 02:00:00 UTC);
    for _ in 0..5 {
        assert_eq!(
            guesser.login("surveyor", "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let mut waits = Vec::new();
    for _ in 0..4 {
        let wait = retry_after(&guesser.login("surveyor", "guess").await);
        waits.push(wait);
        now += Duration::seconds(i64::try_from(wait).unwrap());
        clock.set(now);
        // Waited as told, the next try is heard (and fails again).
        assert_eq!(
            guesser.login("surveyor", "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(waits, [1, 2, 4, 8]);

    // Once the failures are a quarter of an hour old, they no longer count.
    clock.set(now + Duration::minutes(16));
    assert_eq!(
        guesser.login("surveyor", "demo").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_browser_that_logged_in_before_is_let_in_through_a_flood_from_its_own_address() {
    let app = spawn_app().await;
    // The supervisor's phone and the guesser share the county's network.
    let phone = Browser::at(&app, "203.0.113.7");
    assert_eq!(
        phone.login("supervisor", "demo").await.status(),
        StatusCode::OK
    );
    phone.logout().await;
    let guesser = Browser::at(&app, "203.0.113.7");
    for _ in 0..8 {
        guesser.login("supervisor", "guess").await;
    }
    assert_eq!(
        guesser.login("supervisor", "demo").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    let res = phone.login("supervisor", "demo").await;

    assert_eq!(res.status(), StatusCode::OK);
    // The phone's own wrong passwords still slow the phone down.
    for _ in 0..5 {
        phone.login("supervisor", "typo").await;
    }
    retry_after(&phone.login("supervisor", "demo").await);
}

#[tokio::test]
async fn guesses_from_many_addresses_slow_unknown_browsers_but_not_a_known_one() {
    let app = spawn_app().await;
    let phone = Browser::at(&app, "198.51.100.4");
    assert_eq!(phone.login("admin", "demo").await.status(), StatusCode::OK);
    phone.logout().await;
    // Five guesses from each of ten addresses: none of them waits alone.
    for i in 0..10 {
        let address = &*Box::leak(format!("203.0.113.{i}").into_boxed_str());
        let guesser = Browser::at(&app, address);
        for _ in 0..5 {
            let res = guesser.login("admin", "guess").await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
    }

    let stranger = Browser::at(&app, "192.0.2.1").login("admin", "demo").await;
    let known = phone.login("admin", "demo").await;

    assert!(retry_after(&stranger) >= 1);
    assert_eq!(known.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_request_from_another_site_cannot_act_with_the_cookie() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let create = |headers: &[(&str, &str)]| {
        let mut req = app
            .client
            .post(format!("{}/api/v1/users", app.address))
            .json(&json!({
                "username": format!("zhao.lei{}", headers.len()),
                "display_name": "新队员",
                "role": "surveyor",
                "place": "G1",
            }));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send()
    };

    let forged = create(&[("sec-fetch-site", "cross-site")]).await.unwrap();
    let forged_origin = create(&[("origin", "https://evil.example.com"), ("host", &host)])
        .await
        .unwrap();
    let own = create(&[("sec-fetch-site", "same-origin"), ("origin", &app.address)])
        .await
        .unwrap();
    // A cross-site read is no action, and the browser keeps its answer from the page.
    let read = app
        .client
        .get(format!("{}/api/v1/session", app.address))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();

    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let body: Value = forged.json().await.unwrap();
    assert_eq!(body["code"], "cross_site");
    assert_eq!(forged_origin.status(), StatusCode::FORBIDDEN);
    assert_eq!(own.status(), StatusCode::CREATED);
    assert_eq!(read.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_response_says_what_the_browser_may_do_with_it() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/api/v1/session",
        "/api/v1/openapi.json",
        "/healthz",
        "/nowhere",
    ] {
        let res = app.get(path).await;
        let headers = res.headers();
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{path}: {policy}"
        );
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    }
}

#[tokio::test]
async fn a_session_unused_for_the_set_time_ends() {
    let start = datetime!(2026-11-20 02:00:00 UTC);
    let clock = TestClock::at(start);
    let app = spawn_on_clock(&clock).await;
    app.login_as("surveyor").await;

    // Used every six days, it stays open past a week.
    for day in [6, 12, 18] {
        clock.set(start + Duration::days(day));
        assert_eq!(app.get("/api/v1/session").await.status(), StatusCode::OK);
    }
    // Eight days untouched, it has ended.
    clock.set(start + Duration::days(26));

    assert_eq!(
        app.get("/api/v1/session").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_administrator_lists_sessions_and_ends_one() {
    let app = spawn_app().await;
    let phone = Browser::at(&app, "198.51.100.4");
    assert_eq!(
        phone.login("surveyor", "demo").await.status(),
        StatusCode::OK
    );
    app.login_as("admin").await;

    let sessions = app.get_ok("/api/v1/sessions?username=surveyor").await;

    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0]["address"], "198.51.100.4");
    let id = sessions[0]["id"].as_str().unwrap();
    let ended = app
        .client
        .delete(format!("{}/api/v1/sessions/{id}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    let roster = phone
        .client
        .get(format!("{}/api/v1/roster", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(roster.status(), StatusCode::UNAUTHORIZED);
    let again = app
        .client
        .delete(format!("{}/api/v1/sessions/{id}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert!(
        app.audit_lines()
            .await
            .iter()
            .any(|(action, subject)| action == "session_ended" && subject.contains("user=surveyor"))
    );
    // Only administrators see them.
    app.login_as("supervisor").await;
    assert_eq!(
        app.get("/api/v1/sessions").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_password_change_ends_the_users_other_sessions() {
    let app = spawn_app().await;
    let phone = Browser::at(&app, "198.51.100.4");
    assert_eq!(
        phone.login("surveyor", "demo").await.status(),
        StatusCode::OK
    );
    app.login_as("surveyor").await;

    let changed = app
        .client
        .put(format!("{}/api/v1/session/password", app.address))
        .json(&json!({ "current": "demo", "new": "青山绿水2026安居" }))
        .send()
        .await
        .unwrap();

    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(app.get("/api/v1/session").await.status(), StatusCode::OK);
    let other = phone
        .client
        .get(format!("{}/api/v1/session", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
}
