//! The follow-up lists' lifecycle: an item enters on the day a merged
//! ledger puts it there, the teams record what they did, it falls overdue
//! past its deadline, and a later survey clears it, saying when and why.

use reqwest::StatusCode;
use serde_json::{Value, json};
use shared::round::CHINA;
use time::{Duration, OffsetDateTime};

use crate::helpers::{TestApp, TestClock, add_other_area, field_codes, spawn_on_clock};

/// Today in China, as the lists write it.
fn day(at: OffsetDateTime) -> String {
    shared::day::format(at.to_offset(CHINA).date())
}

async fn list(app: &TestApp, query: &str) -> Value {
    app.get_ok(&format!("/api/v1/follow-up?{query}")).await
}

/// The item of `household` on a page, if it is there.
fn item<'a>(page: &'a Value, household: &str) -> Option<&'a Value> {
    (page["items"].as_array().unwrap().iter()).find(|i| i["household"] == household)
}

/// The first sheet's rows of a workbook the server answered 200 with.
async fn sheet_rows(res: reqwest::Response) -> Vec<Vec<calamine::Data>> {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx");
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    sheet.rows().map(<[calamine::Data]>::to_vec).collect()
}

/// A survey of `household` in `round` writing `writes` to its first member.
fn survey(id: &str, household: &Value, round: &Value, writes: Value) -> Value {
    json!({
        "id": id,
        "household": household["code"],
        "round": round,
        "captured_at": OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap(),
        "base": household["base"],
        "members": [{ "person": household["members"][0]["person"], "writes": writes }]
    })
}

/// A household of the surveyor's grid on the zero-employment list whose
/// first member is a labourer out of work.
async fn zero_household(app: &TestApp, page: &Value) -> Value {
    let roster = app.roster().await;
    (roster["households"].as_array().unwrap().iter())
        .find(|h| {
            let first = &h["members"][0]["record"];
            item(page, h["code"].as_str().unwrap()).is_some()
                && matches!(first["capacity"].as_str(), Some("skilled" | "ordinary"))
                && first["employment"] == "unemployed"
        })
        .expect("the demo has a zero-employment household in grid 1")
        .clone()
}

/// The writes of a member found at work in the community workshop for
/// `months` months at `income` a month.
fn at_work(months: u8, income: u32) -> Value {
    json!([
        { "field": "employment", "value": "employed" },
        { "field": "channel", "value": "workshop" },
        { "field": "work_place", "value": "in_county" },
        { "field": "months_worked", "value": months },
        { "field": "monthly_income", "value": income }
    ])
}

fn action(id: &str, household: &Value, member: Option<&Value>, kind: &str) -> Value {
    let mut body = json!({
        "id": id,
        "household": household["code"],
        "kind": kind,
        "employer": "县城物流园",
        "post": "分拣员",
        "note": "已电话联系，下周一面试",
        "done_at": OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap(),
    });
    if let Some(member) = member {
        body["member"] = member.clone();
    }
    body
}

#[tokio::test]
async fn a_zero_employment_household_enters_is_helped_falls_overdue_and_is_cleared_by_a_survey() {
    let now = OffsetDateTime::now_utc();
    let clock = TestClock::at(now);
    let app = spawn_on_clock(&clock).await;
    app.login_as("supervisor").await;
    let summary = app.get_ok("/api/v1/summary").await;
    let zero_total = summary["total"]["zero_employment"].as_u64().unwrap();
    let page = list(&app, "list=zero_employment&sort=household").await;
    // Every zero-employment household of the kept figures is on the list,
    // since the day the demo's ledgers were written, due in 5 days.
    assert_eq!(page["open"].as_u64(), Some(zero_total), "{page}");
    assert_eq!(page["overdue"], 0);
    assert_eq!(page["deadline_days"], 5);
    let first = &page["items"][0];
    assert_eq!(first["entered_on"], day(now));
    assert_eq!(first["due_on"], day(now + Duration::days(5)));
    assert_eq!(first["overdue"], false);

    app.login_as("surveyor").await;
    let household = zero_household(&app, &page).await;
    let code = household["code"].as_str().unwrap().to_owned();
    let round = app.roster().await["round"].clone();

    // The team records a job referral, once however often it is sent.
    let referral = action(
        "7d0c1a52-3f0e-4a8e-9a57-0f7b9f1c0001",
        &household,
        None,
        "job_referral",
    );
    let res = app.post_json("/api/v1/follow-up/actions", &referral).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let again = app.post_json("/api/v1/follow-up/actions", &referral).await;
    assert_eq!(again.status(), StatusCode::OK);
    let mut changed = referral.clone();
    changed["note"] = "另一条".into();
    let reused = app.post_json("/api/v1/follow-up/actions", &changed).await;
    assert_eq!(reused.status(), StatusCode::CONFLICT);
    let mut unnamed = action(
        "7d0c1a52-3f0e-4a8e-9a57-0f7b9f1c0002",
        &household,
        None,
        "job_referral",
    );
    unnamed["post"] = "  ".into();
    let res = app.post_json("/api/v1/follow-up/actions", &unnamed).await;
    assert_eq!(field_codes(res).await, ["referral_unnamed"]);

    // The supervisor sees it on the item; its numbers in full, audited.
    app.login_as("supervisor").await;
    let page = list(&app, "list=zero_employment&sort=household").await;
    let listed = item(&page, &code).expect("still on the list");
    assert_eq!(listed["actions"].as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed["actions"][0]["kind"], "job_referral");
    assert_eq!(listed["actions"][0]["employer"], "县城物流园");
    assert_eq!(listed["actions"][0]["post"], "分拣员");
    assert_eq!(listed["actions"][0]["by"], "驻点工作队 李文华");
    // Read for the whole page at once, each item has only its own.
    let others = (page["items"].as_array().unwrap().iter())
        .filter(|i| i["household"] != code.as_str())
        .collect::<Vec<_>>();
    assert!(!others.is_empty());
    assert!(
        (others.iter()).all(|i| i["actions"].as_array().is_none_or(Vec::is_empty)),
        "{page}"
    );

    // Six days on, every item of the list is overdue, first in its order,
    // and counted so at every level of the summary.
    clock.set(now + Duration::days(6));
    let page = list(&app, "list=zero_employment").await;
    assert_eq!(page["overdue"], page["open"]);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["overdue"] == true)
    );
    let summary = app.get_ok("/api/v1/summary").await;
    assert_eq!(summary["total"]["overdue"].as_u64(), Some(zero_total));
    let children = summary["children"].as_array().unwrap();
    let rolled: u64 = children
        .iter()
        .map(|c| c["tally"]["overdue"].as_u64().unwrap())
        .sum();
    assert_eq!(rolled, zero_total);
    // A team member sees masked numbers.
    app.login_as("surveyor").await;
    let masked = list(&app, "list=zero_employment&sort=household").await;
    let phones: Vec<&str> = (masked["items"].as_array().unwrap().iter())
        .filter_map(|i| i["phone"].as_str())
        .collect();
    assert!(
        !phones.is_empty() && phones.iter().all(|p| p.contains("****")),
        "{phones:?}"
    );

    // A survey finds the labourer in work: the household leaves the list,
    // and the cleared list says when and why.
    let res = app
        .post_submission(&survey(
            "0b8f7a10-1111-4c1e-8f00-00000000c1ea",
            &household,
            &round,
            at_work(2, 2600),
        ))
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    app.login_as("supervisor").await;
    let open = list(&app, "list=zero_employment&sort=household").await;
    assert!(item(&open, &code).is_none(), "{open}");
    assert_eq!(open["open"].as_u64(), Some(zero_total - 1));
    let cleared = list(&app, "list=zero_employment&state=cleared").await;
    let done = item(&cleared, &code).expect("on the cleared list");
    assert_eq!(done["cleared"], "employed");
    assert_eq!(done["cleared_on"], day(now));
    assert_eq!(done["overdue"], false);
    let summary = app.get_ok("/api/v1/summary").await;
    assert_eq!(summary["total"]["overdue"].as_u64(), Some(zero_total - 1));
}

#[tokio::test]
async fn a_labourer_seeking_work_is_followed_with_the_help_given_until_employed() {
    let now = OffsetDateTime::now_utc();
    let clock = TestClock::at(now);
    let app = spawn_on_clock(&clock).await;
    app.login_as("surveyor").await;
    let roster = app.roster().await;
    let round = roster["round"].clone();
    let household = (roster["households"].as_array().unwrap().iter())
        .find(|h| {
            matches!(
                h["members"][0]["record"]["capacity"].as_str(),
                Some("skilled" | "ordinary")
            )
        })
        .unwrap()
        .clone();
    let code = household["code"].as_str().unwrap().to_owned();
    let person = household["members"][0]["person"].clone();
    let res = app
        .post_submission(&survey(
            "0b8f7a10-2222-4c1e-8f00-0000000005ee",
            &household,
            &round,
            json!([
                { "field": "employment", "value": "unemployed" },
                { "field": "intended_work", "value": "家政服务" },
                { "field": "intended_place", "value": "in_county" }
            ]),
        ))
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    for (n, kind) in ["guidance", "training"].iter().enumerate() {
        let id = format!("7d0c1a52-3f0e-4a8e-9a57-0f7b9f1c010{n}");
        let mut body = action(&id, &household, Some(&person), kind);
        body["employer"] = Value::Null;
        body["post"] = Value::Null;
        let res = app.post_json("/api/v1/follow-up/actions", &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{kind}");
    }
    let page = list(&app, "list=seeking_work&sort=household").await;
    let listed = (page["items"].as_array().unwrap().iter())
        .find(|i| i["household"] == code && i["member"] == person)
        .unwrap_or_else(|| panic!("{page}"));
    assert_eq!(listed["entered_on"], day(now));
    assert_eq!(listed["due_on"], day(now + Duration::days(15)));
    let kinds: Vec<&str> = (listed["actions"].as_array().unwrap().iter())
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(kinds.contains(&"guidance") && kinds.contains(&"training"));
    let summary = app.get_ok("/api/v1/summary").await;
    assert!(summary["total"]["seeking_work"].as_u64().unwrap() >= 1);
    // "131": one guidance, three referrals, one training.
    assert_eq!(page["met_131"], 0);
    assert_eq!(
        listed["help"],
        json!({ "guidance": 1, "referrals": 0, "training": 1 })
    );
    for n in 0..3 {
        let id = format!("7d0c1a52-3f0e-4a8e-9a57-0f7b9f1c011{n}");
        let res = app
            .post_json(
                "/api/v1/follow-up/actions",
                &action(&id, &household, Some(&person), "job_referral"),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let page = list(&app, "list=seeking_work&sort=household").await;
    assert_eq!(page["met_131"], 1, "{page}");
    let listed = (page["items"].as_array().unwrap().iter())
        .find(|i| i["household"] == code && i["member"] == person)
        .unwrap();
    assert_eq!(
        listed["help"],
        json!({ "guidance": 1, "referrals": 3, "training": 1 })
    );

    // Found work: cleared as employed.
    let household = crate::helpers::in_roster(&app.roster().await, &code)
        .unwrap()
        .clone();
    let res = app
        .post_submission(&survey(
            "0b8f7a10-3333-4c1e-8f00-0000000005ee",
            &household,
            &round,
            at_work(1, 2500),
        ))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let cleared = list(&app, "list=seeking_work&state=cleared").await;
    let done = (cleared["items"].as_array().unwrap().iter())
        .find(|i| i["household"] == code && i["member"] == person)
        .unwrap_or_else(|| panic!("{cleared}"));
    assert_eq!(done["cleared"], "employed");
}

#[tokio::test]
async fn actions_are_taken_only_for_households_in_the_callers_scope() {
    let clock = TestClock::at(OffsetDateTime::now_utc());
    let app = spawn_on_clock(&clock).await;
    add_other_area(&app).await;
    let refused = [
        ("surveyor", "T-1-0101", StatusCode::FORBIDDEN),
        ("surveyor", "NO-SUCH", StatusCode::NOT_FOUND),
        ("admin", "T-1-0101", StatusCode::FORBIDDEN),
    ];
    for (n, (user, code, status)) in refused.into_iter().enumerate() {
        app.login_as(user).await;
        let id = format!("7d0c1a52-3f0e-4a8e-9a57-0f7b9f1c020{n}");
        let body = action(&id, &json!({ "code": code }), None, "other");
        let res = app.post_json("/api/v1/follow-up/actions", &body).await;
        assert_eq!(res.status(), status, "{user} {code}");
    }
    // Grid members and building heads record help too.
    for (n, user) in ["grid", "building"].into_iter().enumerate() {
        app.login_as(user).await;
        let household = app.roster().await["households"][0].clone();
        let id = format!("7d0c1a52-3f0e-4a8e-9a57-0f7b9f1c021{n}");
        let res = (app)
            .post_json(
                "/api/v1/follow-up/actions",
                &action(&id, &household, None, "guidance"),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{user}");
    }
}

#[tokio::test]
async fn a_follow_up_list_exports_whole_with_numbers_masked_by_role() {
    let clock = TestClock::at(OffsetDateTime::now_utc());
    let app = spawn_on_clock(&clock).await;
    app.login_as("supervisor").await;
    let open = list(&app, "list=low_income").await["open"]
        .as_u64()
        .unwrap();
    assert!(open > 0);
    let rows = sheet_rows(app.get("/api/v1/follow-up/export?list=low_income").await).await;
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(header, server::export::follow_up::HEADERS);
    assert_eq!(rows.len() as u64 - 1, open, "one row per open item");
    let phones: Vec<String> = rows[1..]
        .iter()
        .map(|r| r[6].to_string())
        .filter(|p| !p.is_empty())
        .collect();
    assert!(
        !phones.is_empty() && phones.iter().all(|p| !p.contains('*')),
        "a supervisor's in full"
    );
    let audited = app.audit_lines().await;
    assert!(audited.iter().any(|(action, subject)| action == "export" && subject.contains("follow_up low_income")), "{audited:?}");

    app.login_as("surveyor").await;
    let res = app
        .get("/api/v1/follow-up/export?list=low_income&format=csv")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let phones: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[6].to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    assert!(
        !phones.is_empty() && phones.iter().all(|p| p.contains("****")),
        "{phones:?}"
    );
    let res = app
        .get("/api/v1/follow-up/export?list=low_income&format=pdf")
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_dispatch_report_counts_the_weeks_work_by_place_and_downloads() {
    let app = crate::helpers::spawn_underway_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let referral = action(
        "7d0c1a52-3f0e-4a8e-9a57-0f7b9f1c0301",
        &household,
        None,
        "job_referral",
    );
    assert_eq!(
        app.post_json("/api/v1/follow-up/actions", &referral)
            .await
            .status(),
        StatusCode::CREATED
    );

    app.login_as("supervisor").await;
    let report = app.get_ok("/api/v1/dispatch").await;
    let total = &report["total"];
    // The demo's round under way was done just now: this week.
    assert!(
        total["activity"]["surveys"].as_u64().unwrap() > 0,
        "{report}"
    );
    assert!(total["activity"]["visits"].as_u64().unwrap() > 0);
    assert_eq!(total["activity"]["actions"], 1);
    assert_eq!(total["activity"]["referrals"], 1);
    let summary = app.get_ok("/api/v1/summary").await;
    assert_eq!(total["tally"]["surveyed"], summary["total"]["surveyed"]);
    assert_eq!(total["tally"]["households"], summary["total"]["households"]);
    // The lines add up to the total, down to the area's grids.
    let area = app.get_ok("/api/v1/dispatch?place=XFJY&period=month").await;
    let lines = area["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{area}");
    for key in ["surveys", "visits", "actions"] {
        let sum: u64 = lines
            .iter()
            .map(|l| l["figures"]["activity"][key].as_u64().unwrap())
            .sum();
        assert_eq!(
            sum,
            area["total"]["activity"][key].as_u64().unwrap(),
            "{key}"
        );
    }
    // A week long past: nothing done then, the figures of now.
    let past = app
        .get_ok("/api/v1/dispatch?from=2020-01-06&to=2020-01-12")
        .await;
    assert_eq!(
        past["total"]["activity"],
        json!({
            "surveys": 0, "visits": 0, "newly_zero_employment": 0, "cleared_zero_employment": 0,
            "actions": 0, "guidance": 0, "referrals": 0, "training": 0, "public_welfare_posts": 0
        })
    );
    assert_eq!(
        past["total"]["tally"]["surveyed"],
        summary["total"]["surveyed"]
    );

    let rows = sheet_rows(app.get("/api/v1/dispatch?place=XFJY&format=xlsx").await).await;
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(header, server::export::dispatch::HEADERS);
    assert_eq!(rows.len(), 1 + 2 + 1, "a row per grid and the total");
    assert!(rows[3][0].to_string().ends_with("合计"));

    for bad in [
        "from=2026-12-07&to=2026-12-01",
        "period=year",
        "from=2026-13-01",
        "format=pdf",
        "from=2024-01-01&to=2026-01-01",
    ] {
        let res = app.get(&format!("/api/v1/dispatch?{bad}")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

#[tokio::test]
async fn trends_give_each_rounds_figures_and_what_changed_since_the_last() {
    let app = crate::helpers::spawn_underway_app().await;
    app.login_as("supervisor").await;
    let trends = app.get_ok("/api/v1/trends").await;
    let rounds = trends["rounds"].as_array().unwrap();
    let names: Vec<&str> = rounds
        .iter()
        .map(|r| r["round"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["2026Q3", "2026Q4"],
        "the rounds the ledger holds, oldest first"
    );
    let now = app.get_ok("/api/v1/summary").await["total"].clone();
    let before = app.get_ok("/api/v1/summary?round=2026Q3").await["total"].clone();
    for key in [
        "households",
        "surveyed",
        "labourers",
        "employed_labourers",
        "zero_employment",
    ] {
        assert_eq!(rounds[1]["tally"][key], now[key], "{key} now");
        assert_eq!(rounds[0]["tally"][key], before[key], "{key} in 2026Q3");
    }
    // Read again, the closed round comes from the figures kept: the same.
    assert_eq!(
        app.get_ok("/api/v1/trends").await["rounds"],
        trends["rounds"]
    );
    let found = trends["changes"]["found_work"]
        .as_u64()
        .expect("a small place counts who found work");

    // Someone out of work last round finds work: one more found work, and
    // a grid's trends are its own.
    app.login_as("surveyor").await;
    let roster = app.roster().await;
    let household = (roster["households"].as_array().unwrap().iter())
        .find(|h| {
            let first = &h["members"][0]["record"];
            first["employment"] == "unemployed"
                && matches!(first["capacity"].as_str(), Some("skilled" | "ordinary"))
        })
        .unwrap()
        .clone();
    let res = app
        .post_submission(&survey(
            "0b8f7a10-4444-4c1e-8f00-00000000712d",
            &household,
            &roster["round"],
            at_work(1, 2500),
        ))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.login_as("supervisor").await;
    let after = app.get_ok("/api/v1/trends").await;
    assert_eq!(after["changes"]["found_work"].as_u64(), Some(found + 1));
    let grid = household["grid"].as_str().unwrap();
    let own = app.get_ok(&format!("/api/v1/trends?place={grid}")).await;
    let grid_now = app.get_ok(&format!("/api/v1/summary?place={grid}")).await["total"].clone();
    assert_eq!(
        own["rounds"][1]["tally"]["households"],
        grid_now["households"]
    );
    assert!(own["rounds"][1]["tally"]["households"].as_u64() < now["households"].as_u64());
    // Who found work is kept with the figures, so every level has it.
    assert!(own["changes"]["found_work"].as_u64().unwrap() >= 1, "{own}");
    let area = app.get_ok("/api/v1/trends?place=XFJY").await;
    assert_eq!(
        area["changes"]["found_work"],
        after["changes"]["found_work"]
    );
}
