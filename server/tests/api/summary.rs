//! `GET /api/v1/summary`: a place's figures and those one level down, as a
//! supervisor drills from the top to a building.

use reqwest::StatusCode;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::helpers::{ROUND, TestApp, add_other_area, spawn_underway_app, submission};

/// The (code or name, households, surveyed) of each line, in order.
fn lines(summary: &Value) -> Vec<(String, u64, u64)> {
    (summary["children"].as_array().unwrap().iter())
        .map(|l| {
            let name = l["code"].as_str().unwrap_or(l["name"].as_str().unwrap());
            let t = &l["tally"];
            (
                name.to_owned(),
                t["households"].as_u64().unwrap(),
                t["surveyed"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn path(summary: &Value) -> Vec<String> {
    (summary["path"].as_array().unwrap().iter())
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The summary's total against the coverage (of the caller's whole scope,
/// or of `grid`) and indicators the server computes from every ledger.
async fn agrees_with_the_ledgers(app: &TestApp, round: &str, grid: Option<&str>) {
    let query = match grid {
        None => format!("?round={round}"),
        Some(grid) => format!("?round={round}&grid={grid}"),
    };
    let place = grid.map_or(String::new(), |g| format!("&place={g}"));
    let summary = app
        .get_ok(&format!("/api/v1/summary?round={round}{place}"))
        .await;
    let coverage = app.get_ok(&format!("/api/v1/coverage?round={round}")).await;
    let report = app.get_ok(&format!("/api/v1/indicators{query}")).await;
    let counts = match grid {
        None => coverage["total"].clone(),
        Some(grid) => (coverage["grids"].as_array().unwrap().iter())
            .find(|g| g["grid"] == grid)
            .unwrap()
            .clone(),
    };
    let total = &summary["total"];
    for count in ["households", "surveyed", "visited", "missed"] {
        assert_eq!(total[count], counts[count], "{count} {query}");
    }
    let indicators = &report["indicators"];
    for count in [
        "labour_households",
        "labourers",
        "employed_labourers",
        "employed_in_labour_households",
        "willing_to_train",
        "trained_of_willing",
    ] {
        assert_eq!(total[count], indicators[count], "{count} {query}");
    }
    let listed = |key: &str| indicators[key].as_array().unwrap().len() as u64;
    assert_eq!(
        total["zero_employment"].as_u64(),
        Some(listed("zero_employment"))
    );
    assert_eq!(total["low_income"].as_u64(), Some(listed("low_income")));
}

#[tokio::test]
async fn the_kept_figures_agree_with_the_ledgers_and_follow_each_survey_and_visit() {
    let app = spawn_underway_app().await;
    app.login_as("supervisor").await;
    agrees_with_the_ledgers(&app, ROUND, None).await;
    let before = app.get_ok("/api/v1/summary").await["total"].clone();

    app.login_as("surveyor").await;
    let roster = app.roster().await;
    let fresh = (roster["households"].as_array().unwrap().iter())
        .find(|h| h["surveyed"] == false && h["visited"] == false)
        .unwrap()
        .clone();
    let sent = app
        .post_submission(&submission(
            &uuid::Uuid::from_u128(0xD001).to_string(),
            &fresh,
            4,
        ))
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let other = (roster["households"].as_array().unwrap().iter())
        .find(|h| h["surveyed"] == false && h["visited"] == false && h["code"] != fresh["code"])
        .unwrap()
        .clone();
    let visit = json!({
        "id": uuid::Uuid::from_u128(0xD002).to_string(), "household": other["code"],
        "outcome": "not_home", "visited_at": "2026-11-23T10:00:00+08:00",
        "position": { "kind": "unavailable" },
    });
    assert_eq!(
        app.post_json("/api/v1/visits", &visit).await.status(),
        StatusCode::CREATED
    );

    app.login_as("supervisor").await;
    let after = app.get_ok("/api/v1/summary").await["total"].clone();
    assert_eq!(
        after["surveyed"].as_u64(),
        before["surveyed"].as_u64().map(|n| n + 1)
    );
    assert_eq!(
        after["visited"].as_u64(),
        before["visited"].as_u64().map(|n| n + 1)
    );
    assert_eq!(
        after["missed"].as_u64(),
        before["missed"].as_u64().map(|n| n - 2)
    );
    agrees_with_the_ledgers(&app, ROUND, None).await;
    agrees_with_the_ledgers(&app, "2026Q3", None).await;
}

/// Sets a household's change time, as a write whose commit landed after
/// a read with a time from before it would leave it.
async fn set_changed_at(app: &TestApp, household: &str, at: OffsetDateTime) {
    let at = (at.to_offset(time::UtcOffset::UTC))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    if app.database.starts_with("sqlite:") {
        update_changed_at::<sqlx::Sqlite>(&app.database, household, at).await;
    } else {
        update_changed_at::<sqlx::Postgres>(&app.database, household, at).await;
    }
}

async fn update_changed_at<DB>(url: &str, household: &str, at: String)
where
    DB: sqlx::Database,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'c> &'c sqlx::Pool<DB>: sqlx::Executor<'c, Database = DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let pool = sqlx::Pool::<DB>::connect(url).await.unwrap();
    sqlx::query("UPDATE households SET changed_at = $1 WHERE code = $2")
        .bind(at)
        .bind(household)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

#[tokio::test]
async fn a_change_landing_after_a_summary_with_an_earlier_time_is_counted_once() {
    let app = spawn_underway_app().await;
    app.login_as("supervisor").await;
    // The demo was just loaded: every household changed within the look-back.
    let before = app.get_ok("/api/v1/summary").await["total"].clone();
    let seeking = follow_up(&app, "sort=household&list=seeking_work").await.0;
    let read = OffsetDateTime::now_utc();

    // A labourer found seeking work, in a survey whose commit lands late.
    app.login_as("surveyor").await;
    let roster = app.roster().await;
    let fresh = (roster["households"].as_array().unwrap().iter())
        .find(|h| {
            h["surveyed"] == false
                && h["visited"] == false
                && !seeking.iter().any(|c| h["code"] == c.as_str())
                && matches!(
                    h["members"][0]["record"]["capacity"].as_str(),
                    Some("skilled" | "ordinary")
                )
        })
        .unwrap()
        .clone();
    let mut survey = submission(&uuid::Uuid::from_u128(0xD101).to_string(), &fresh, 0);
    survey["members"][0]["writes"] = json!([
        { "field": "employment", "value": "unemployed" },
        { "field": "intended_work", "value": "家政服务" },
        { "field": "intended_place", "value": "in_county" }
    ]);
    let sent = app.post_submission(&survey).await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    set_changed_at(
        &app,
        fresh["code"].as_str().unwrap(),
        read - Duration::seconds(30),
    )
    .await;

    app.login_as("supervisor").await;
    for _ in 0..2 {
        let after = app.get_ok("/api/v1/summary").await["total"].clone();
        assert_eq!(
            after["surveyed"].as_u64(),
            before["surveyed"].as_u64().map(|n| n + 1)
        );
        assert_eq!(
            after["seeking_work"].as_u64(),
            before["seeking_work"].as_u64().map(|n| n + 1)
        );
        assert_eq!(after["households"], before["households"]);
        let listed = follow_up(&app, "sort=household&list=seeking_work").await.0;
        assert!(listed.iter().any(|c| fresh["code"] == c.as_str()));
    }
    agrees_with_the_ledgers(&app, ROUND, None).await;
}

#[tokio::test]
async fn a_supervisor_drills_down_from_the_top_to_a_grids_buildings() {
    let app = spawn_underway_app().await;
    add_other_area(&app).await;
    app.login_as("supervisor").await;

    let top = app.get_ok("/api/v1/summary").await;
    let city = app.get_ok("/api/v1/summary?place=140900000000").await;
    let area = app.get_ok("/api/v1/summary?place=XFJY").await;
    let grid = app.get_ok("/api/v1/summary?place=G1").await;

    assert_eq!(top["place"], Value::Null);
    let top_lines: Vec<String> = lines(&top).into_iter().map(|l| l.0).collect();
    assert_eq!(top_lines.len(), 2);
    assert!(
        top_lines.contains(&"140900000000".to_owned()),
        "{top_lines:?}"
    );
    assert_eq!(
        lines(&city)
            .iter()
            .map(|l| l.0.as_str())
            .collect::<Vec<_>>(),
        ["140925000000"]
    );
    assert_eq!(
        path(&area),
        ["140900000000", "140925000000", "140925100000"]
    );
    let grids: Vec<String> = lines(&area).into_iter().map(|l| l.0).collect();
    assert_eq!(grids.len(), 2);
    assert_eq!(grid["place"]["code"], "G1");
    assert_eq!(
        path(&grid),
        ["140900000000", "140925000000", "140925100000", "XFJY"]
    );
    let buildings: Vec<(String, u64, u64)> = lines(&grid);
    let mut names: Vec<&str> = buildings.iter().map(|b| b.0.as_str()).collect();
    names.sort();
    assert_eq!(names, ["1号楼", "2号楼", "3号楼"]);
    assert!(
        grid["children"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["level"] == "building")
    );
    // Each level's lines add up to its total, and the least surveyed come first.
    for summary in [&top, &city, &area, &grid] {
        let sum: u64 = lines(summary).iter().map(|l| l.1).sum();
        assert_eq!(Some(sum), summary["total"]["households"].as_u64());
        let shares: Vec<f64> = lines(summary)
            .iter()
            .map(|l| l.2 as f64 / l.1 as f64)
            .collect();
        assert!(shares.windows(2).all(|w| w[0] <= w[1]), "{shares:?}");
    }
    agrees_with_the_ledgers(&app, ROUND, Some("G1")).await;
    agrees_with_the_ledgers(&app, ROUND, Some("G9")).await;
}

#[tokio::test]
async fn a_supervisor_starts_at_their_own_place_and_goes_no_higher() {
    let app = spawn_underway_app().await;
    add_other_area(&app).await;
    app.login_as("area").await;

    let own = app.get_ok("/api/v1/summary").await;
    let above = app.get("/api/v1/summary?place=140925100000").await;
    let other = app.get("/api/v1/summary?place=G9").await;
    let unknown = app.get("/api/v1/summary?place=NOWHERE").await;
    let grid = app.get_ok("/api/v1/summary?place=G2").await;

    assert_eq!(own["place"]["code"], "XFJY");
    assert_eq!(path(&own), Vec::<String>::new());
    assert_eq!(above.status(), StatusCode::FORBIDDEN);
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(path(&grid), ["XFJY"]);

    // A building head's summary is their building alone.
    app.login_as("building").await;
    let building = app.get_ok("/api/v1/summary").await;
    assert_eq!(
        lines(&building)
            .iter()
            .map(|l| l.0.as_str())
            .collect::<Vec<_>>(),
        ["1号楼"]
    );
}

/// The codes a search finds, and where its next page starts.
async fn found(app: &TestApp, query: &str) -> (Vec<String>, Option<String>) {
    let page = app.get_ok(&format!("/api/v1/households?{query}")).await;
    let codes = (page["hits"].as_array().unwrap().iter())
        .map(|h| h["code"].as_str().unwrap().to_owned())
        .collect();
    (codes, page["next"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn a_supervisor_finds_a_household_by_name_code_id_or_phone_a_page_at_a_time() {
    let app = spawn_underway_app().await;
    add_other_area(&app).await;
    app.login_as("supervisor").await;
    let roster = app.roster().await;
    let household = (roster["households"].as_array().unwrap().iter())
        .find(|h| h["members"][0]["record"]["phone"].is_string())
        .unwrap()
        .clone();
    let code = household["code"].as_str().unwrap().to_owned();
    let head = &household["members"][0]["record"];
    let id = head["resident_id"].as_str().unwrap();
    let phone = head["phone"].as_str().unwrap();
    let name = head["name"].as_str().unwrap();

    for term in [name, &id[id.len() - 6..], &phone[phone.len() - 5..], &code] {
        let query = format!("q={}", urlencoding(term));
        let (codes, _) = found(&app, &query).await;
        assert!(codes.contains(&code), "{term}: {codes:?}");
    }
    // Every household's code starts "XF-": two pages of 50, then the rest.
    let (first, next) = found(&app, "q=xf-").await;
    assert_eq!(first.len(), 50);
    let (second, _) = found(&app, &format!("q=xf-&after={}", next.unwrap())).await;
    assert!(second.first() > first.last(), "pages follow each other");
    // Only within the caller's scope, and only for supervisors.
    app.login_as("area").await;
    assert_eq!(found(&app, "q=T-1-0101").await.0, Vec::<String>::new());
    app.login_as("supervisor").await;
    assert_eq!(found(&app, "q=T-1-0101").await.0, ["T-1-0101"]);
    assert_eq!(
        app.get("/api/v1/households?q=x").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.login_as("grid").await;
    assert_eq!(
        app.get("/api/v1/households?q=xf").await.status(),
        StatusCode::FORBIDDEN
    );
}

fn urlencoding(term: &str) -> String {
    term.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn reads_of_many_households_take_a_place() {
    let app = spawn_underway_app().await;
    add_other_area(&app).await;
    app.login_as("supervisor").await;

    let by_place = app.get_ok("/api/v1/indicators?place=XFJY").await;
    let by_area = app
        .get_ok("/api/v1/indicators?area=%E5%AE%81%E6%AD%A6%E5%8E%BF%E5%B9%B8%E7%A6%8F%E5%AE%B6%E5%9B%AD%E5%AE%89%E7%BD%AE%E5%8C%BA")
        .await;
    let county = app
        .get("/api/v1/export?format=csv&place=140925000000")
        .await
        .text()
        .await
        .unwrap();

    assert_eq!(by_place["indicators"], by_area["indicators"]);
    assert!(county.contains("XF-1-0101") && !county.contains("T-1-0101"));
    assert_eq!(
        app.get("/api/v1/gaps?place=NOWHERE").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/gaps?place=XFJY&grid=G1").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.login_as("area").await;
    let township = app.get_ok("/api/v1/gaps?place=140925100000").await;
    assert!(!township["not_surveyed"].as_array().unwrap().is_empty());
    assert_eq!(
        app.get("/api/v1/gaps?place=G9").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_missing_households_come_a_page_of_grids_at_a_time() {
    let app = spawn_underway_app().await;
    // Twenty more grids of one household each, in an area of their own.
    let mut csv =
        String::from("\u{feff}户编号,网格编号,网格,安置区,楼栋,楼层,房号,人员编号,姓名\r\n");
    for n in 0..20 {
        csv.push_str(&format!(
            "P-{n:02},P{n:02},第{n}网格,分页安置区,1号楼,1,101,P-{n:02}-1,住户{n}\r\n"
        ));
    }
    app.login_as("admin").await;
    assert_eq!(app.import_csv(&csv, "").await.status(), StatusCode::OK);
    app.login_as("supervisor").await;

    let mut codes = Vec::new();
    let mut pages = 0;
    let mut after: Option<String> = None;
    loop {
        let query = after
            .as_ref()
            .map_or(String::new(), |a| format!("?after={a}"));
        let page = app.get_ok(&format!("/api/v1/gaps{query}")).await;
        pages += 1;
        codes.extend(
            (page["not_surveyed"].as_array().unwrap().iter())
                .map(|h| h["code"].as_str().unwrap().to_owned()),
        );
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => break,
        }
    }

    let coverage = app.get_ok("/api/v1/coverage").await;
    let missing = coverage["total"]["households"].as_u64().unwrap()
        - coverage["total"]["surveyed"].as_u64().unwrap();
    assert_eq!(pages, 2, "22 grids, 16 to a page");
    assert_eq!(codes.len() as u64, missing);
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), codes.len(), "no household twice");
    let bad = app.get("/api/v1/gaps?after=not%20a%20grid").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_figures_follow_imports_that_add_places_and_move_households() {
    let app = spawn_underway_app().await;
    app.login_as("supervisor").await;
    let before = app.get_ok("/api/v1/summary").await;
    assert_eq!(lines(&before).len(), 1);

    add_other_area(&app).await;
    app.login_as("supervisor").await;
    let added = app.get_ok("/api/v1/summary").await;
    assert_eq!(lines(&added).len(), 2, "{added}");
    assert_eq!(
        added["total"]["households"].as_u64(),
        before["total"]["households"].as_u64().map(|n| n + 1)
    );
    let g9 = app.get_ok("/api/v1/summary?place=G9").await;
    assert_eq!(g9["total"]["households"], 1);

    // The new household moves to a new grid of its area.
    let area = (lines(&added).into_iter())
        .map(|l| l.0)
        .find(|code| code != "140900000000")
        .unwrap();
    let csv = "\u{feff}户编号,网格编号,网格,安置区,楼栋,楼层,房号,人员编号,姓名\r\n\
               T-1-0101,G8,第八网格,测试安置区,1号楼,1,101,T-1-0101-1,王大山\r\n";
    app.login_as("admin").await;
    let res = app.import_csv(csv, "").await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    app.login_as("supervisor").await;
    let moved = app.get_ok(&format!("/api/v1/summary?place={area}")).await;
    let by_grid: Vec<(String, u64)> = (lines(&moved).into_iter())
        .map(|l| (l.0, l.1))
        .filter(|l| l.1 > 0)
        .collect();
    assert_eq!(by_grid, [("G8".to_owned(), 1)]);
    let g9 = app.get_ok("/api/v1/summary?place=G9").await;
    assert_eq!(g9["total"]["households"], 0);
    agrees_with_the_ledgers(&app, ROUND, None).await;
}

/// Every page of a follow-up list: the items' households, and their
/// per-capita incomes, in order.
async fn follow_up(app: &TestApp, query: &str) -> (Vec<String>, Vec<Value>, usize) {
    let (mut codes, mut incomes, mut pages) = (Vec::new(), Vec::new(), 0);
    let mut after: Option<String> = None;
    loop {
        let cursor = after
            .as_ref()
            .map_or(String::new(), |a| format!("&after={a}"));
        let page = app
            .get_ok(&format!("/api/v1/follow-up?{query}{cursor}"))
            .await;
        pages += 1;
        for h in page["items"].as_array().unwrap() {
            codes.push(h["household"].as_str().unwrap().to_owned());
            incomes.push(h["per_capita"].clone());
        }
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => return (codes, incomes, pages),
        }
    }
}

#[tokio::test]
async fn the_follow_up_lists_come_a_page_at_a_time_and_agree_with_the_indicators() {
    let app = spawn_underway_app().await;
    app.login_as("supervisor").await;
    // The lists are those of now: the round in progress.
    for round in [ROUND] {
        let report = app
            .get_ok(&format!("/api/v1/indicators?round={round}"))
            .await;
        let indicators = &report["indicators"];
        let mut zero: Vec<String> = (indicators["zero_employment"].as_array().unwrap().iter())
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        zero.sort();
        let mut low: Vec<(String, Value)> = (indicators["low_income"].as_array().unwrap().iter())
            .map(|l| {
                (
                    l["household"].as_str().unwrap().to_owned(),
                    l["per_capita"].clone(),
                )
            })
            .collect();
        low.sort_by(|a, b| a.0.cmp(&b.0));

        let (codes, _, _) = follow_up(&app, "sort=household&list=zero_employment").await;
        assert_eq!(codes, zero, "{round}");
        let (codes, incomes, _) = follow_up(&app, "sort=household&list=low_income").await;
        let got: Vec<(String, Value)> = codes.into_iter().zip(incomes).collect();
        assert_eq!(got, low, "{round}");
        let (codes, _, pages) = follow_up(&app, "sort=household&list=low_income&limit=7").await;
        assert_eq!(codes, low.iter().map(|l| l.0.clone()).collect::<Vec<_>>());
        assert!(
            low.len() > 7,
            "the demo's low-income households fill more than a page"
        );
        assert_eq!(pages, low.len().div_ceil(7), "{round}");
    }
    let one_grid = follow_up(&app, "sort=household&list=low_income&grid=G1")
        .await
        .0;
    assert!(
        !one_grid.is_empty()
            && one_grid.iter().all(|c| c.starts_with("XF-1-")
                || c.starts_with("XF-2-")
                || c.starts_with("XF-3-")),
        "{one_grid:?}"
    );

    for bad in [
        "list=everyone",
        "",
        "list=low_income&after=%E4%B8%80",
        "list=low_income&limit=101",
        "list=low_income&limit=0",
        "list=low_income&state=gone",
        "list=low_income&sort=name",
    ] {
        let res = app.get(&format!("/api/v1/follow-up?{bad}")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}
