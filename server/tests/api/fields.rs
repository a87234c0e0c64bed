//! The fields a county adds: defined from a spreadsheet by an administrator
//! from a round on, sent with the roster, checked at intake, merged into
//! the ledger and exported as columns after the built-in ones; absent from
//! rounds before.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    ROUND, TestApp, add_teammate, field_codes, login_teammate, row_errors, spawn_app, submission,
};

const DEFINITIONS: &str = "\u{feff}字段编号,对象,中文名称,英文名称,类型,选项,最小值,最大值,单位,必填,适用条件\r\n\
    pension,成员,参加养老保险,Pension insurance,是否,,,,,是,年龄 >= 16 且 劳动能力 = 技能劳动力、普通劳动力、弱劳动力或半劳动力\r\n\
    subsidy,户,今年领取就业奖补,Employment subsidy,数字,,0,50000,元,否,\r\n";

async fn define(app: &TestApp, csv: &str, from: &str, dry_run: bool) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/api/v1/fields/import?from={from}&dry_run={dry_run}",
            app.address
        ))
        .header(reqwest::header::CONTENT_TYPE, "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .expect("request sent")
}

/// A household of the roster with a member the survey must ask about
/// their pension: of working age and able to work.
fn labour_household(roster: &Value) -> (Value, usize) {
    roster["households"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|h| {
            let idx = h["members"].as_array()?.iter().position(|m| {
                let able = ["skilled", "ordinary", "weak"]
                    .contains(&m["record"]["capacity"].as_str().unwrap_or(""));
                let born = m["record"]["birth_date"].as_str().unwrap_or("9999");
                able && born < "2000"
            })?;
            Some((h.clone(), idx))
        })
        .expect("a household with a labourer")
}

async fn export_csv(app: &TestApp, round: &str) -> Vec<Vec<String>> {
    let res = app
        .get(&format!("/api/v1/export?format=csv&round={round}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn added_fields_are_surveyed_merged_and_exported_from_their_round_on() {
    let app = spawn_app().await;
    app.login_as("admin").await;

    let checked = define(&app, DEFINITIONS, ROUND, true).await;
    assert_eq!(checked.status(), StatusCode::OK);
    let checked: Value = checked.json().await.unwrap();
    assert_eq!(checked["dry_run"], true);
    assert_eq!(checked["set"]["version"], 1);
    let nothing_kept = app.get_ok("/api/v1/fields").await;
    assert_eq!(nothing_kept["versions"], json!([]));

    let kept = define(&app, DEFINITIONS, ROUND, false).await;
    assert_eq!(kept.status(), StatusCode::OK);
    let fields = app.get_ok("/api/v1/fields").await;
    assert_eq!(fields["in_effect"]["version"], 1);
    assert_eq!(fields["in_effect"]["fields"][0]["key"], "pension");
    let audit = app.audit_lines().await;
    assert!(
        audit
            .iter()
            .any(|(action, subject)| action == "define_fields"
                && subject.contains("fields=pension,subsidy")),
        "{audit:?}"
    );

    app.login_as("surveyor").await;
    let roster = app.roster().await;
    assert_eq!(roster["fields"][0]["key"], "pension");
    assert_eq!(roster["fields"][1]["kind"]["number"]["unit"], "元");
    let (household, idx) = labour_household(&roster);
    let person = household["members"][idx]["person"].clone();

    let mut unanswered = submission("8d6f4a2e-1b3c-4d5e-8f70-112233445566", &household, 10);
    unanswered["members"][0]["person"] = person.clone();
    let res = app.post_submission(&unanswered).await;
    assert_eq!(field_codes(res).await, ["required"]);

    let mut answered = unanswered.clone();
    answered["members"][0]["extra"] = json!([{ "key": "pension", "value": true }]);
    answered["household_extra"] = json!([{ "key": "subsidy", "value": 60000 }]);
    let res = app.post_submission(&answered).await;
    assert_eq!(field_codes(res).await, ["value_not_allowed"]);
    answered["household_extra"] = json!([{ "key": "subsidy", "value": 800 }]);
    let res = app.post_submission(&answered).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let mut unknown = answered.clone();
    unknown["id"] = json!("9e7a5b3f-2c4d-4e6f-9081-223344556677");
    unknown["members"][0]["extra"] = json!([{ "key": "hukou", "value": "x" }]);
    let res = app.post_submission(&unknown).await;
    assert!(field_codes(res).await.contains(&"unknown_field".to_owned()));

    app.login_as("supervisor").await;
    let code = household["code"].as_str().unwrap();
    let ledger = app.get_ok(&format!("/api/v1/households/{code}")).await;
    let member = ledger["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person"] == person)
        .unwrap();
    assert_eq!(member["record"]["extra"]["pension"], true);
    assert_eq!(ledger["record"]["extra"]["subsidy"], 800);

    let report = app.get_ok("/api/v1/indicators").await;
    let added = &report["indicators"]["added"][0];
    assert_eq!(added["key"], "pension");
    assert_eq!(added["answers"]["true"], 1, "the one answer so far");
    assert!(
        added["asked"].as_u64().unwrap() > 1,
        "every labourer it asks"
    );

    let rows = export_csv(&app, ROUND).await;
    let header = &rows[0];
    let column = |name: &str| header.iter().position(|h| h == name);
    let (pension, subsidy) = (
        column("参加养老保险").unwrap(),
        column("今年领取就业奖补").unwrap(),
    );
    assert_eq!(pension, header.len() - 1, "after every built-in column");
    assert!(subsidy < pension, "the household's before the members'");
    let row = rows
        .iter()
        .find(|r| r.contains(&person.as_str().unwrap().to_owned()))
        .unwrap();
    assert_eq!(
        (row[pension].as_str(), row[subsidy].as_str()),
        ("是", "800")
    );

    let earlier = export_csv(&app, "2026Q3").await;
    assert!(
        !earlier[0].contains(&"参加养老保险".to_owned()),
        "absent before its round"
    );
}

#[tokio::test]
async fn a_version_from_a_later_round_leaves_the_current_one_alone() {
    let app = spawn_app().await;
    app.login_as("admin").await;

    let res = define(&app, DEFINITIONS, "2027Q1", false).await;
    assert_eq!(res.status(), StatusCode::OK);

    let fields = app.get_ok("/api/v1/fields").await;
    assert_eq!(fields["in_effect"], Value::Null);
    assert_eq!(fields["versions"][0]["from"], "2027Q1");
    let next = app.get_ok("/api/v1/fields?round=2027Q1").await;
    assert_eq!(next["in_effect"]["version"], 1);
    app.login_as("surveyor").await;
    assert_eq!(app.roster().await["fields"], Value::Null);
}

#[tokio::test]
async fn definitions_are_refused_whole_with_every_error_and_only_administrators_define() {
    let app = spawn_app().await;
    app.login_as("admin").await;

    let res = define(&app, DEFINITIONS, "2026Q3", false).await;
    assert_eq!(field_codes(res).await, ["from_past_round"]);

    let bad = "字段编号,中文名称,类型,适用条件\r\nPension,参保,是否,\r\nok,好,颜色,工龄 > 3\r\n";
    let errors = row_errors(define(&app, bad, ROUND, false).await).await;
    let expected = [
        (2, "字段编号", "field_key_format"),
        (3, "类型", "invalid_kind"),
        (3, "适用条件", "condition_field"),
    ]
    .map(|(row, column, code)| (row, column.to_owned(), code.to_owned()));
    assert_eq!(errors, expected);
    assert_eq!(app.get_ok("/api/v1/fields").await["versions"], json!([]));

    let template = app.get("/api/v1/fields/template?format=csv").await;
    assert_eq!(template.status(), StatusCode::OK);
    let bytes = template.bytes().await.unwrap();
    let res = define(&app, std::str::from_utf8(&bytes).unwrap(), ROUND, true).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "the template defines fields as it is"
    );

    app.login_as("supervisor").await;
    let res = define(&app, DEFINITIONS, ROUND, false).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_conflict_over_an_added_field_comes_with_the_rounds_definitions() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let subsidy = "字段编号,对象,中文名称,英文名称,类型,最小值,最大值,单位\r\n\
        subsidy,户,今年领取就业奖补,Employment subsidy,数字,0,50000,元\r\n";
    assert_eq!(
        define(&app, subsidy, ROUND, false).await.status(),
        StatusCode::OK
    );
    add_teammate(&app).await;

    // Two surveyors from the same roster, each with another amount.
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][0].clone();
    let mut first = submission("6a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3", &household, 10);
    first["household_extra"] = json!([{ "key": "subsidy", "value": 800 }]);
    assert_eq!(
        app.post_submission(&first).await.status(),
        StatusCode::CREATED
    );
    login_teammate(&app).await;
    let mut second = submission("7b2c3d4e-5f6a-4b7c-9d8e-9fa0b1c2d3e4", &household, 10);
    second["household_extra"] = json!([{ "key": "subsidy", "value": 900 }]);
    assert_eq!(
        app.post_submission(&second).await.status(),
        StatusCode::CREATED
    );

    app.login_as("supervisor").await;
    let list = app.conflicts(&format!("round={ROUND}")).await;
    let conflicts = list["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{list}");
    assert_eq!(conflicts[0]["kind"], "extra");
    assert_eq!(conflicts[0]["field"], "extra.subsidy");
    let values: Vec<&Value> = conflicts[0]["sides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["write"]["value"])
        .collect();
    assert_eq!(values, [&json!(800), &json!(900)]);
    // What the screen names the field and its values by.
    assert_eq!(list["fields"][0]["key"], "subsidy");
    assert_eq!(list["fields"][0]["zh"], "今年领取就业奖补");
    assert_eq!(list["fields"][0]["kind"]["number"]["unit"], "元");

    let earlier = app.conflicts("round=2026Q3").await;
    assert!(earlier.get("fields").is_none(), "{earlier}");
}
