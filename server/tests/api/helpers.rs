use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use serde_json::{Value, json};
use server::calendar::{Calendar, Clock};
use server::settings::{LogFormat, Settings};
use shared::round::Round;
use tempfile::TempDir;
use time::OffsetDateTime;

pub const ROUND: &str = "2026Q4";

/// The reads of many households, which take `?round=`, `?grid=` and `?area=`.
pub const SCOPED_READS: [&str; 6] = [
    "/api/v1/gaps",
    "/api/v1/indicators",
    "/api/v1/visits",
    "/api/v1/conflicts",
    "/api/v1/review",
    "/api/v1/export",
];

/// A running server and a client with its own cookie jar.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The server's database, for a test that writes what no request can.
    pub database: String,
    _dir: TempDir,
}

/// A fresh database: a temp SQLite file, or, when `ANJU_TEST_DATABASE_URL`
/// names a PostgreSQL server, a new database on it named by a UUID.
pub async fn fresh_database(dir: &TempDir) -> String {
    let Ok(admin_url) = std::env::var("ANJU_TEST_DATABASE_URL") else {
        return format!("sqlite://{}", dir.path().join("anju.db").display());
    };
    use sqlx::Connection;
    let name = format!("anju_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("test PostgreSQL reachable");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    // The throwaway cluster is deleted after the run, databases and all.
    let (base, _) = admin_url.rsplit_once('/').expect("URL names a database");
    format!("{base}/{name}")
}

pub async fn spawn_app() -> TestApp {
    spawn(false).await
}

/// The demo with its round under way (`--demo-underway`).
pub async fn spawn_underway_app() -> TestApp {
    spawn(true).await
}

async fn spawn(underway: bool) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = Settings {
        demo: true,
        demo_underway: underway,
        round: Some(Round::parse(ROUND).expect("valid round")),
        ..Settings::local(fresh_database(&dir).await)
    };
    serve(settings, Calendar::system_clock(), dir).await
}

/// The time a test sets for its server.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<OffsetDateTime>>);

impl TestClock {
    pub fn at(now: OffsetDateTime) -> TestClock {
        TestClock(Arc::new(Mutex::new(now)))
    }

    pub fn set(&self, now: OffsetDateTime) {
        *self.0.lock().expect("clock lock") = now;
    }
}

/// The demo on a server whose round comes from `clock`, not `--round`.
pub async fn spawn_on_clock(clock: &TestClock) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = Settings {
        demo: true,
        ..Settings::local(fresh_database(&dir).await)
    };
    let time = clock.0.clone();
    serve(
        settings,
        Arc::new(move || *time.lock().expect("clock lock")),
        dir,
    )
    .await
}

/// Starts the server described by `settings` on a free port; `dir` holds
/// its files and lives as long as the returned app.
pub async fn serve(settings: Settings, clock: Clock, dir: TempDir) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        server::telemetry::init("debug", LogFormat::Text);
    }
    let database = settings.database.clone();
    let app = server::build_with_clock(settings, clock)
        .await
        .expect("server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        database,
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

    /// `GET {path}`, which must answer 200, read as JSON.
    pub async fn get_ok(&self, path: &str) -> Value {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        res.json().await.expect("a JSON body")
    }

    pub async fn roster(&self) -> Value {
        self.get_ok("/api/v1/roster").await
    }
}

/// A submission for `household` recording its first member as employed in
/// the community workshop for `months` months this year.
pub fn submission(id: &str, household: &Value, months: u8) -> Value {
    let person = &household["members"][0]["person"];
    json!({
        "id": id,
        "household": household["code"],
        "round": ROUND,
        "captured_at": "2026-11-23T09:30:00+08:00",
        "base": household["base"],
        "members": [
            { "person": person, "writes": [
                { "field": "employment", "value": "employed" },
                { "field": "channel", "value": "workshop" },
                { "field": "work_place", "value": "in_county" },
                { "field": "months_worked", "value": months },
                { "field": "monthly_income", "value": 2400 }
            ] }
        ]
    })
}

/// A client of the server at `address`, logged in as the demo supervisor.
pub async fn supervisor_client(address: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let res = client
        .post(format!("{address}/api/v1/session"))
        .json(&json!({ "username": "supervisor", "password": "demo" }))
        .send()
        .await
        .expect("login sent");
    assert!(res.status().is_success(), "login: {}", res.status());
    client
}

/// The supervisors' review and conflicts endpoints, and the roster import.
impl TestApp {
    /// `POST /api/v1/roster/import{query}` of a CSV file.
    pub async fn import_csv(&self, csv: &str, query: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/roster/import{query}", self.address))
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv.to_owned())
            .send()
            .await
            .expect("request sent")
    }

    /// Imports a roster file that must be accepted whole.
    pub async fn import_ok(&self, csv: &str) {
        let res = self.import_csv(csv, "").await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// `GET /api/v1/review?{query}`, which must answer 200.
    pub async fn review_list(&self, query: &str) -> Value {
        self.get_ok(&format!("/api/v1/review?{query}")).await
    }

    pub async fn post_review(&self, submission: &str, body: &Value) -> reqwest::Response {
        self.post_json(&format!("/api/v1/submissions/{submission}/review"), body)
            .await
    }

    /// `GET /api/v1/conflicts?{query}`, which must answer 200.
    pub async fn conflicts(&self, query: &str) -> Value {
        self.get_ok(&format!("/api/v1/conflicts?{query}")).await
    }

    pub async fn resolve(&self, body: &Value) -> reqwest::Response {
        self.post_json("/api/v1/conflicts/resolve", body).await
    }

    /// The household's ledger for the round in progress.
    pub async fn ledger(&self, code: &str) -> Value {
        self.get_ok(&format!("/api/v1/households/{code}")).await
    }

    /// The audit log's lines as (action, subject), newest first; logs in as
    /// the administrator to read it.
    pub async fn audit_lines(&self) -> Vec<(String, String)> {
        self.login_as("admin").await;
        let log: Value = self.get("/api/v1/audit").await.json().await.unwrap();
        log.as_array()
            .expect("a list")
            .iter()
            .map(|line| {
                (
                    line["action"].as_str().unwrap().to_owned(),
                    line["subject"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

/// Another resettlement area: grid G9 of 测试安置区, one household
/// (T-1-0101) of one person, imported by the administrator, who stays
/// logged in.
pub async fn add_other_area(app: &TestApp) {
    use shared::resident_id::check_char;
    let mut id = b"11010519800101011".to_vec();
    id.push(check_char(&id));
    let id = String::from_utf8(id).expect("ASCII");
    let csv = format!(
        "\u{feff}户编号,网格编号,网格,安置区,楼栋,楼层,房号,人员编号,姓名,公民身份号码\r\n\
         T-1-0101,G9,第九网格,测试安置区,1号楼,1,101,T-1-0101-1,王大山,{id}\r\n"
    );
    app.login_as("admin").await;
    app.import_ok(&csv).await;
}

/// A second surveyor of grid 1 (驻点工作队 王丽), added by the
/// administrator, who stays logged in.
pub const TEAMMATE: &str = "wang.li";
const TEAMMATE_PASSWORD: &str = "s3cret-pass";

pub async fn add_teammate(app: &TestApp) {
    app.login_as("admin").await;
    let res = app
        .post_json(
            "/api/v1/users",
            &json!({
                "username": TEAMMATE, "display_name": "驻点工作队 王丽", "password": TEAMMATE_PASSWORD,
                "role": "surveyor", "place": "G1",
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

pub async fn login_teammate(app: &TestApp) {
    let res = app.login(TEAMMATE, TEAMMATE_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// The household `code` in a roster or roster delta, if it is there.
pub fn in_roster<'a>(roster: &'a Value, code: &str) -> Option<&'a Value> {
    roster["households"]
        .as_array()
        .expect("a roster lists households")
        .iter()
        .find(|h| h["code"] == code)
}

/// The codes of a 422's fields.
pub async fn field_codes(res: reqwest::Response) -> Vec<String> {
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.expect("a JSON body");
    body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["code"].as_str().expect("a code").to_owned())
        .collect()
}

/// (row, column, code) of a refused file's errors.
pub async fn row_errors(res: reqwest::Response) -> Vec<(u64, String, String)> {
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.expect("a JSON body");
    body["errors"]
        .as_array()
        .expect("errors by row")
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap_or(0),
                e["column"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().expect("a code").to_owned(),
            )
        })
        .collect()
}
