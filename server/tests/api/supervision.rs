//! What supervisors read: coverage at every level, the gaps, the indicators.

use reqwest::StatusCode;
use serde_json::{Value, json};

use server::calendar::Calendar;
use server::settings::Settings;
use shared::round::Round;
use sqlx::Executor;

use crate::helpers::{ROUND, SCOPED_READS, TestApp, fresh_database, in_roster, serve, spawn_app};

#[tokio::test]
async fn coverage_counts_surveys_visits_and_the_missed_and_gaps_list_them() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let households = app.roster().await["households"].as_array().unwrap().clone();
    let (surveyed, visited) = (&households[0], &households[1]);
    let members: Vec<Value> = surveyed["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({ "person": m["person"], "writes": [] }))
        .collect();
    let res = app
        .post_submission(&json!({
            "id": "8e1b6a58-1f0e-4a35-8d1e-2a9e1f3c4b50", "household": surveyed["code"],
            "round": ROUND, "captured_at": "2026-11-23T10:00:00+08:00", "members": members,
        }))
        .await;
    assert!(res.status().is_success());
    let res = app
        .client
        .post(format!("{}/api/v1/visits", app.address))
        .json(&json!({
            "id": "8e1b6a58-1f0e-4a35-8d1e-2a9e1f3c4b51", "household": visited["code"],
            "outcome": "not_home", "visited_at": "2026-11-23T11:00:00+08:00",
            "position": { "kind": "denied" },
        }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());

    let coverage: Value = app.get("/api/v1/coverage").await.json().await.unwrap();
    let gaps: Value = app.get("/api/v1/gaps").await.json().await.unwrap();

    let n = households.len() as u64;
    let grid = &coverage["grids"][0];
    assert_eq!(grid["households"], n);
    assert_eq!(grid["surveyed"], 1);
    assert_eq!(grid["visited"], 1);
    assert_eq!(grid["missed"], n - 2);
    assert_eq!(coverage["total"]["missed"], n - 2);
    // The surveyor's scope is one grid of one area: the area's counts are its.
    let areas = coverage["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 1);
    assert_eq!(areas[0]["area"], grid["area"]);
    assert!(!areas[0]["area"].as_str().unwrap().is_empty());
    assert_eq!(areas[0]["households"], n);
    assert_eq!(areas[0]["surveyed"], 1);
    let building = grid["buildings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["building"] == surveyed["building"])
        .unwrap();
    assert_eq!(building["surveyed"], 1);

    let not_surveyed = gaps["not_surveyed"].as_array().unwrap();
    let not_visited = gaps["not_visited"].as_array().unwrap();
    assert_eq!(not_surveyed.len() as u64, n - 1);
    assert_eq!(not_visited.len() as u64, n - 1);
    assert!(not_surveyed.iter().all(|h| h["code"] != surveyed["code"]));
    let the_visited = not_surveyed
        .iter()
        .find(|h| h["code"] == visited["code"])
        .unwrap();
    assert_eq!(the_visited["last_visit"]["outcome"], "not_home");
    assert_eq!(the_visited["last_visit"]["author"], "surveyor");
}

#[tokio::test]
async fn indicators_cover_the_callers_scope() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;

    let res = app.get("/api/v1/indicators").await;

    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["round"], ROUND);
    assert_eq!(report["indicators"]["households"], 300);
    let labour = report["indicators"]["labour_households"].as_u64().unwrap();
    assert!(labour > 200 && labour <= 300, "{labour}");
    let rate = report["employment_rate"].as_f64().unwrap();
    assert!(rate > 0.5 && rate < 1.0, "{rate}");
    let zero = report["indicators"]["zero_employment"].as_array().unwrap();
    assert!(zero.len() as u64 <= labour);
    assert_eq!(report["low_income_line"], 8500);
}

#[tokio::test]
async fn indicators_are_given_per_grid_and_for_one_grid() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;

    let all: Value = app.get("/api/v1/indicators").await.json().await.unwrap();
    let g1: Value = app
        .get("/api/v1/indicators?grid=G1")
        .await
        .json()
        .await
        .unwrap();

    let by_grid = all["by_grid"].as_array().unwrap();
    assert_eq!(by_grid.len(), 2);
    let households: u64 = by_grid
        .iter()
        .map(|g| g["households"].as_u64().unwrap())
        .sum();
    assert_eq!(
        households,
        all["indicators"]["households"].as_u64().unwrap()
    );
    let zero: u64 = by_grid
        .iter()
        .map(|g| g["zero_employment"].as_u64().unwrap())
        .sum();
    assert_eq!(
        zero,
        all["indicators"]["zero_employment"]
            .as_array()
            .unwrap()
            .len() as u64
    );
    let first = &by_grid[0];
    assert_eq!(first["grid"], "G1");
    assert_eq!(g1["indicators"]["households"], first["households"]);
    assert_eq!(g1["employment_rate"], first["employment_rate"]);
    assert_eq!(g1["by_grid"].as_array().unwrap().len(), 1);

    app.login_as("surveyor").await;
    assert_eq!(
        app.get("/api/v1/indicators?grid=G2").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn every_read_of_a_round_answers_a_malformed_query_with_a_422_naming_it() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;
    let reads = ["/api/v1/coverage", "/api/v1/households/XF-1-0101"]
        .into_iter()
        .chain(SCOPED_READS);
    for path in reads {
        let bad_round = app.get(&format!("{path}?round=2026Q9")).await;
        assert_eq!(
            bad_round.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}"
        );
        let body: Value = bad_round.json().await.unwrap();
        assert_eq!(body["fields"][0]["path"], "round", "{path}");

        let twice = app
            .get(&format!("{path}?round={ROUND}&round={ROUND}"))
            .await;
        assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let body: Value = twice.json().await.unwrap();
        assert_eq!(body["code"], "malformed", "{path}");
    }
    for path in SCOPED_READS {
        let bad_grid = app.get(&format!("{path}?grid=no%20such")).await;
        assert_eq!(
            bad_grid.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}"
        );
        let body: Value = bad_grid.json().await.unwrap();
        assert_eq!(body["fields"][0]["path"], "grid", "{path}");
    }
}

/// A valid ID number for someone born on `birth` (YYYYMMDD), the `n`th.
fn id_born(birth: &str, n: u32) -> String {
    let mut id = format!("110105{birth}{n:03}").into_bytes();
    id.push(shared::resident_id::check_char(&id));
    String::from_utf8(id).expect("ASCII")
}

/// A grid (G8) of four households: retired people, a worker who has lost
/// the capacity to work, and labourers in and out of work. Labourers: 4,
/// in work: 1, labour households: 3, zero-employment.
fn retired_roster() -> String {
    let people = [
        // Grandmother retired, her son out of work: zero-employment.
        (
            "R-1",
            "19560310",
            "弱劳动力或半劳动力",
            "退休或不在劳动年龄",
        ),
        ("R-1", "19840702", "普通劳动力", "未就业"),
        // Two retired people: no labour household.
        (
            "R-2",
            "19500101",
            "弱劳动力或半劳动力",
            "退休或不在劳动年龄",
        ),
        ("R-2", "19520202", "普通劳动力", "退休或不在劳动年龄"),
        // A grandfather still at work, his son out of work.
        ("R-3", "19580505", "普通劳动力", "已就业"),
        ("R-3", "19860606", "普通劳动力", "未就业"),
        // The only worker has lost the capacity to work: still zero-employment.
        ("R-4", "19700707", "丧失劳动力", "已就业"),
        ("R-4", "19900808", "普通劳动力", "未就业"),
    ];
    let mut csv = String::from(
        "\u{feff}户编号,网格编号,网格,安置区,楼栋,楼层,房号,人员编号,姓名,公民身份号码,劳动能力,就业状态\r\n",
    );
    for (n, (household, birth, capacity, employment)) in people.iter().enumerate() {
        let room = &household[2..];
        csv.push_str(&format!(
            "{household},G8,第八网格,退休测试安置区,1号楼,1,10{room},{household}-{n},居民{n},{},{capacity},{employment}\r\n",
            id_born(birth, n as u32)
        ));
    }
    csv
}

#[tokio::test]
async fn retired_people_are_no_labourers_and_zero_employment_asks_for_a_labourer_in_work() {
    let app = spawn_app().await;
    let csv = retired_roster();
    app.login_as("admin").await;
    app.import_ok(&csv).await;

    let report = app.get_ok("/api/v1/indicators?grid=G8").await;
    let figures = &report["indicators"];
    assert_eq!(figures["households"], 4);
    assert_eq!(figures["labour_households"], 3);
    assert_eq!(figures["labourers"], 4);
    assert_eq!(figures["employed_labourers"], 1);
    // Everyone in work in a labour household, labourer or not.
    assert_eq!(figures["employed_in_labour_households"], 2);
    assert_eq!(figures["zero_employment"], json!(["R-1", "R-4"]));

    // The kept figures the summaries add up agree.
    assert_retired_roster_kept(&app).await;
}

/// The kept figures of `retired_roster`'s grid, as its summary adds them.
async fn assert_retired_roster_kept(app: &TestApp) {
    let summary = app.get_ok("/api/v1/summary?place=G8").await;
    let total = &summary["total"];
    assert_eq!(total["labourers"], 4, "{summary}");
    assert_eq!(total["labour_households"], 3);
    assert_eq!(total["zero_employment"], 2);
}

#[tokio::test]
async fn figures_kept_under_the_old_definition_are_counted_again_when_the_database_upgrades() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(&dir).await;
    let settings = || Settings {
        demo: true,
        round: Some(Round::parse(ROUND).unwrap()),
        ..Settings::local(url.clone())
    };
    let first = serve(settings(), Calendar::system_clock(), dir).await;
    first.login_as("admin").await;
    first.import_ok(&retired_roster()).await;
    // The figures as the definition before counted them (retired people
    // as labourers), and the schema as it was before it changed.
    let old = [
        "UPDATE households SET labourers = 7, labour_household = TRUE, zero_employment = TRUE \
         WHERE grid = 'G8'",
        "DELETE FROM _sqlx_migrations WHERE version = 17",
    ];
    if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        for statement in old {
            pool.execute(statement).await.unwrap();
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        for statement in old {
            pool.execute(statement).await.unwrap();
        }
        pool.close().await;
    }

    let upgraded = serve(
        settings(),
        Calendar::system_clock(),
        tempfile::tempdir().unwrap(),
    )
    .await;
    upgraded.login_as("admin").await;
    assert_retired_roster_kept(&upgraded).await;
}

#[tokio::test]
async fn per_capita_income_adds_the_households_other_income_to_wages() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    app.import_ok(&retired_roster()).await;
    let low_income = |report: &Value| -> Vec<String> {
        (report["indicators"]["low_income"]
            .as_array()
            .unwrap()
            .iter())
        .map(|h| h["household"].as_str().unwrap().to_owned())
        .collect()
    };
    // Nobody earns wages: every household is under the line.
    let before = app.get_ok("/api/v1/indicators?grid=G8").await;
    assert_eq!(low_income(&before), ["R-1", "R-2", "R-3", "R-4"]);

    // The grid's member surveys it.
    let res = app
        .post_json(
            "/api/v1/users",
            &json!({
                "username": "g8.member", "display_name": "网格员 赵敏", "password": "grid-eight-8",
                "role": "surveyor", "place": "G8",
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        app.login("g8.member", "grid-eight-8").await.status(),
        StatusCode::OK
    );
    let roster = app.roster().await;
    let household = in_roster(&roster, "R-2").unwrap();
    let income = |id: &str, yuan: u32| {
        json!({
            "id": id, "household": "R-2", "round": ROUND,
            "captured_at": "2026-11-23T09:30:00+08:00", "base": household["base"],
            "members": [],
            "household_writes": [{ "field": "transfer_income", "value": yuan }],
        })
    };
    // A slip of the finger is refused, naming the field.
    let res = app
        .post_submission(&income("6c8e1f0a-3b5d-4e7f-9a1b-2c3d4e5f6a71", 30_000_000))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert!(
        body.to_string().contains("annual_income_out_of_range"),
        "{body}"
    );
    // Two pensions, 10,000 a year each, for two people: over the line.
    let res = app
        .post_submission(&income("6c8e1f0a-3b5d-4e7f-9a1b-2c3d4e5f6a72", 20_000))
        .await;
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());

    app.login_as("admin").await;
    let after = app.get_ok("/api/v1/indicators?grid=G8").await;
    assert_eq!(low_income(&after), ["R-1", "R-3", "R-4"]);
    let summary = app.get_ok("/api/v1/summary?place=G8").await;
    assert_eq!(summary["total"]["low_income"], 3);
    // The ledger keeps the figure.
    let ledger = app.ledger("R-2").await;
    assert_eq!(ledger["record"]["transfer_income"], 20_000, "{ledger}");
}

/// Rows of households in grid `grid` of area `area`, each a list of its
/// members' (labour capacity, employment status), everyone born on `birth`.
fn roster_rows(grid: &str, area: &str, birth: &str, households: &[Vec<(&str, &str)>]) -> String {
    let mut rows = String::new();
    let mut n = 0;
    for (h, members) in households.iter().enumerate() {
        for (capacity, employment) in members {
            n += 1;
            rows.push_str(&format!(
                "{grid}-{h},{grid},{grid}网格,{area},1号楼,1,{h},{grid}-{h}-{n},居民{n},{},{capacity},{employment}\r\n",
                id_born(birth, n)
            ));
        }
    }
    rows
}

#[tokio::test]
async fn a_roster_made_to_the_seeds_gives_back_their_published_figures() {
    let (able, lost) = ("普通劳动力", "丧失劳动力");
    let (working, idle) = ("已就业", "未就业");
    // Zunyi 2025: 2.24 employed per labour household, 97.37 % of labourers
    // in work. 50 households, 114 labourers, 111 of them in work, and one
    // worker who is no labourer: 112 / 50 and 111 / 114.
    let mut zunyi: Vec<Vec<(&str, &str)>> = Vec::new();
    for h in 0..50 {
        let mut members = vec![(able, working), (able, working)];
        if h < 14 {
            members.push((able, working));
        }
        if h < 3 {
            members[0].1 = idle;
        }
        if h == 49 {
            members.push((lost, working));
        }
        zunyi.push(members);
    }
    // Guizhou: 95.59 % of labour households with someone in work: 65 of 68.
    let guizhou: Vec<Vec<(&str, &str)>> = (0..68)
        .map(|h| vec![(able, if h < 65 { working } else { idle })])
        .collect();
    let csv = format!(
        "\u{feff}户编号,网格编号,网格,安置区,楼栋,楼层,房号,人员编号,姓名,公民身份号码,劳动能力,就业状态\r\n{}{}",
        roster_rows("ZY", "遵义安置区", "19850101", &zunyi),
        roster_rows("GZ", "贵州安置区", "19860101", &guizhou),
    );
    let app = spawn_app().await;
    app.login_as("admin").await;
    app.import_ok(&csv).await;

    let percent = |v: &Value| (v.as_f64().unwrap() * 10_000.0).round() / 100.0;
    let zunyi = app.get_ok("/api/v1/indicators?grid=ZY").await;
    let per_household = zunyi["employed_per_labour_household"].as_f64().unwrap();
    assert_eq!((per_household * 100.0).round() / 100.0, 2.24, "{zunyi}");
    assert_eq!(percent(&zunyi["employment_rate"]), 97.37);
    let guizhou = app.get_ok("/api/v1/indicators?grid=GZ").await;
    assert_eq!(
        percent(&guizhou["employed_household_share"]),
        95.59,
        "{guizhou}"
    );
    assert_eq!(
        guizhou["indicators"]["zero_employment"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn the_low_income_line_is_the_deployments_setting() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        demo: true,
        round: Some(Round::parse(ROUND).unwrap()),
        low_income_line: 5_000,
        ..Settings::local(fresh_database(&dir).await)
    };
    let app = serve(settings, Calendar::system_clock(), dir).await;
    app.login_as("admin").await;
    // A pensioner with 6,000 yuan a year, and one with nothing: under the
    // default line (8,500) both would be listed, under 5,000 only the second.
    let csv = format!(
        "\u{feff}户编号,网格编号,网格,安置区,楼栋,楼层,房号,转移性收入（元/年）,人员编号,姓名,公民身份号码,就业状态\r\n\
         L-1,G7,第七网格,监测线安置区,1号楼,1,101,6000,L-1-1,居民甲,{},退休或不在劳动年龄\r\n\
         L-2,G7,第七网格,监测线安置区,1号楼,1,102,,L-2-1,居民乙,{},退休或不在劳动年龄\r\n",
        id_born("19500101", 1),
        id_born("19500101", 2)
    );
    app.import_ok(&csv).await;

    let report = app.get_ok("/api/v1/indicators?grid=G7").await;
    assert_eq!(report["low_income_line"], 5_000);
    let listed: Vec<&Value> = (report["indicators"]["low_income"]
        .as_array()
        .unwrap()
        .iter())
    .map(|h| &h["household"])
    .collect();
    assert_eq!(listed, [&json!("L-2")]);
    let summary = app.get_ok("/api/v1/summary?place=G7").await;
    assert_eq!(summary["low_income_line"], 5_000);
    assert_eq!(summary["total"]["low_income"], 1);
    let page = app
        .get_ok("/api/v1/follow-up?list=low_income&place=G7")
        .await;
    let codes: Vec<&Value> = (page["items"].as_array().unwrap().iter())
        .map(|h| &h["household"])
        .collect();
    assert_eq!(codes, [&json!("L-2")], "{page}");
}

/// Grid G7 of two households: a man of 62 at work and a woman of 42 out
/// of work; a woman of 56 out of work and a man of 36 at work. The IDs'
/// sequence numbers give their sexes (odd for men).
fn over_age_roster() -> String {
    let people = [
        ("A-1", "19640301", 1, "已就业"),
        ("A-1", "19840301", 2, "未就业"),
        ("A-2", "19700301", 4, "未就业"),
        ("A-2", "19900301", 5, "已就业"),
    ];
    let mut csv = String::from(
        "\u{feff}户编号,网格编号,网格,安置区,楼栋,楼层,房号,人员编号,姓名,公民身份号码,劳动能力,就业状态\r\n",
    );
    for (household, birth, n, employment) in people {
        let room = &household[2..];
        csv.push_str(&format!(
            "{household},G7,第七网格,超龄测试安置区,1号楼,1,10{room},{household}-{n},居民{n},{},普通劳动力,{employment}\r\n",
            id_born(birth, n)
        ));
    }
    csv
}

#[tokio::test]
async fn the_end_of_working_age_is_the_deployments_and_a_change_counts_the_figures_again() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(&dir).await;
    let settings = |limit: Option<&str>| Settings {
        demo: true,
        round: Some(Round::parse(ROUND).unwrap()),
        working_age_limit: limit.map(|l| shared::indicators::AgeLimit::parse(l).unwrap()),
        ..Settings::local(url.clone())
    };
    let limited = serve(settings(Some("60,55")), Calendar::system_clock(), dir).await;
    limited.login_as("admin").await;
    limited.import_ok(&over_age_roster()).await;
    // Past 60 he is no labourer, and his work is counted apart: A-1 is
    // zero-employment. Past 55 she is no labourer: A-2 has one, at work.
    let summary = limited.get_ok("/api/v1/summary?place=G7").await;
    assert_eq!(
        summary["working_age_limit"],
        json!({ "men": 60, "women": 55 })
    );
    let total = summary["total"].clone();
    assert_eq!(total["labourers"], 2, "{total}");
    assert_eq!(total["employed_labourers"], 1);
    assert_eq!(total["over_age_employed"], 1);
    assert_eq!(total["zero_employment"], 1);
    let report = limited.get_ok("/api/v1/indicators?grid=G7").await;
    assert_eq!(report["indicators"]["zero_employment"], json!(["A-1"]));
    assert_eq!(report["indicators"]["labourers"], 2);

    // The same database under no limit: the employment status decides,
    // and every figure is counted again when the server starts.
    let unlimited = serve(
        settings(None),
        Calendar::system_clock(),
        tempfile::tempdir().unwrap(),
    )
    .await;
    unlimited.login_as("admin").await;
    let total = unlimited.get_ok("/api/v1/summary?place=G7").await["total"].clone();
    assert_eq!(total["labourers"], 4, "{total}");
    assert_eq!(total["employed_labourers"], 2);
    assert_eq!(total["over_age_employed"], 0);
    assert_eq!(total["zero_employment"], 0);
}
