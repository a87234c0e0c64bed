use reqwest::StatusCode;
use serde_json::{Value, json};
use server::settings::Settings;
use shared::round::Round;
use tempfile::TempDir;

pub const ROUND: &str = "2026Q4";

/// A running server and a client with its own cookie jar.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    _dir: TempDir,
}

pub async fn spawn_app() -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        server::telemetry::init("debug");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = Settings {
        port: 0,
        host: "127.0.0.1".into(),
        database: format!("sqlite://{}", dir.path().join("anju.db").display()),
        demo: true,
        round: Some(Round::parse(ROUND).expect("valid round")),
    };
    let app = server::build(settings).await.expect("server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client"),
        _dir: dir,
    }
}

impl TestApp {
    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/session", self.address))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn login_as(&self, username: &str) {
        let res = self.login(username, "demo").await;
        assert_eq!(res.status(), StatusCode::OK, "demo login");
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_submission(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/submissions", self.address))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn roster(&self) -> Value {
        let res = self.get("/api/v1/roster").await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.expect("roster JSON")
    }
}

/// A submission for `household` setting the first member's employment.
pub fn submission(id: &str, household: &Value, employment: &str) -> Value {
    let person = &household["members"][0]["person"];
    json!({
        "id": id,
        "household": household["code"],
        "round": ROUND,
        "captured_at": "2026-11-23T09:30:00+08:00",
        "base": household["base"],
        "members": [
            { "person": person, "writes": [
                { "field": "employment", "value": employment },
                { "field": "channel", "value": "workshop" },
                { "field": "work_place", "value": "in_county" }
            ] }
        ]
    })
}
