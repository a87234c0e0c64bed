//! The roster import: a CSV or XLSX file comes back through the roster,
//! errors are reported by row and column and refuse the file whole, a second
//! import of the same file changes nothing (nor the phones' delta), an
//! updated file updates, moves and removes, a survey this round stands over
//! it, and the template and an export import as they are.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE};
use rust_xlsxwriter::Workbook;
use serde_json::Value;
use shared::resident_id::check_char;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{TestApp, in_roster, spawn_app, submission};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const HEADER: &str = "户编号,网格编号,网格,安置区,楼栋,楼层,房号,户联系电话,人员编号,姓名,公民身份号码,与户主关系,劳动能力";

/// A valid ID number of Beijing's Chaoyang district: born `birth`
/// (YYYYMMDD), with order code `seq` (odd for men).
fn id(birth: &str, seq: u32) -> String {
    let mut raw = format!("110105{birth}{seq:03}").into_bytes();
    raw.push(check_char(&raw));
    String::from_utf8(raw).unwrap()
}

/// Grid G9's roster: three households in two buildings, five people, one
/// without a person code.
fn rows() -> Vec<Vec<String>> {
    let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    vec![
        row(&[
            "T-1-0101",
            "G9",
            "第九网格",
            "测试安置区",
            "1号楼",
            "1",
            "101",
            "13800000001",
            "T-1-0101-1",
            "王大山",
            &id("19800101", 11),
            "户主",
            "普通劳动力",
        ]),
        row(&[
            "T-1-0101",
            "G9",
            "",
            "",
            "1号楼",
            "1",
            "101",
            "",
            "T-1-0101-2",
            "李小花",
            &id("19820202", 22),
            "配偶",
            "普通劳动力",
        ]),
        row(&[
            "T-1-0101",
            "G9",
            "",
            "",
            "1号楼",
            "1",
            "101",
            "",
            "T-1-0101-3",
            "王小宝",
            &id("20150303", 31),
            "子女",
            "无劳动力",
        ]),
        row(&[
            "T-1-0102",
            "G9",
            "",
            "",
            "1号楼",
            "1",
            "102",
            "",
            "T-1-0102-1",
            "赵四",
            &id("19700404", 41),
            "户主",
            "",
        ]),
        row(&[
            "T-2-0201",
            "G9",
            "",
            "",
            "2号楼",
            "2",
            "201",
            "",
            "",
            "钱五",
            &id("19600505", 51),
            "户主",
            "弱劳动力或半劳动力",
        ]),
    ]
}

fn csv(header: &str, rows: &[Vec<String>]) -> Vec<u8> {
    let mut res = format!("\u{feff}{header}\r\n");
    for row in rows {
        res.push_str(&row.join(","));
        res.push_str("\r\n");
    }
    res.into_bytes()
}

/// The same rows as a workbook, the floor as a number and the rest as text.
fn xlsx(header: &str, rows: &[Vec<String>]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let headers: Vec<&str> = header.split(',').collect();
    for (col, text) in headers.iter().enumerate() {
        sheet.write_string(0, col as u16, *text).unwrap();
    }
    for (idx, row) in rows.iter().enumerate() {
        for (col, text) in row.iter().enumerate() {
            let (r, c) = (idx as u32 + 1, col as u16);
            if text.is_empty() {
                continue;
            }
            if headers[col] == "楼层" {
                sheet
                    .write_number(r, c, text.parse::<f64>().unwrap())
                    .unwrap();
            } else {
                sheet.write_string(r, c, text).unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

async fn import(
    app: &TestApp,
    body: Vec<u8>,
    content_type: &str,
    query: &str,
) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/roster/import{query}", app.address))
        .header(CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .expect("request sent")
}

/// Imports `body` and expects it done; the report.
async fn imported(app: &TestApp, body: Vec<u8>) -> Value {
    let res = import(app, body, "text/csv", "").await;
    let status = res.status();
    let report: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{report}");
    report
}

#[track_caller]
fn assert_counts(report: &Value, kind: &str, [added, updated, unchanged, removed]: [u64; 4]) {
    let counts = &report[kind];
    let actual = ["added", "updated", "unchanged", "removed"].map(|k| counts[k].as_u64().unwrap());
    assert_eq!(
        actual,
        [added, updated, unchanged, removed],
        "{kind}: {report}"
    );
}

/// The supervisor's roster: the households of `grid`, in order.
async fn households_of(app: &TestApp, grid: &str) -> Vec<Value> {
    app.login_as("supervisor").await;
    let roster = app.roster().await;
    roster["households"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["grid"] == grid)
        .cloned()
        .collect()
}

/// What a household shows a phone, without the parts that change with time.
fn shape(household: &Value) -> Value {
    let members: Vec<Value> = household["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| serde_json::json!({ "person": m["person"], "record": m["record"] }))
        .collect();
    serde_json::json!({
        "code": household["code"], "grid": household["grid"], "building": household["building"],
        "floor": household["floor"], "room": household["room"], "record": household["record"],
        "members": members,
    })
}

/// A cursor that asks the supervisor's roster for what changed after the
/// newest import in the audit log.
async fn cursor_after_last_import(app: &TestApp) -> String {
    app.login_as("admin").await;
    let log: Value = app.get("/api/v1/audit").await.json().await.unwrap();
    let at = log
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["action"] == "roster_import")
        .expect("an import in the audit log")["at"]
        .as_str()
        .unwrap()
        .to_owned();
    let at = OffsetDateTime::parse(&at, &Rfc3339).unwrap();
    // The server looks a minute before the cursor; a cursor a minute after
    // the import (rounded up to its millisecond) asks for what changed since.
    // Its grids' tag matches none, so the delta sends the grids again.
    let millis = (at.unix_timestamp_nanos() + 999_999) / 1_000_000 + 60_000;
    format!("all.{millis}.unknown")
}

async fn delta(app: &TestApp, cursor: &str) -> Value {
    app.login_as("supervisor").await;
    let res = app.get(&format!("/api/v1/roster?since={cursor}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// The codes in the delta's `households` or `removed`, which may be left out when empty.
fn codes(delta: &Value, key: &str) -> Vec<String> {
    delta[key]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|h| {
            h.as_str()
                .map_or_else(|| h["code"].as_str().unwrap().to_owned(), str::to_owned)
        })
        .collect()
}

async fn audit_subjects(app: &TestApp) -> Vec<(String, String)> {
    app.login_as("admin").await;
    let log: Value = app.get("/api/v1/audit").await.json().await.unwrap();
    log.as_array()
        .unwrap()
        .iter()
        .filter(|l| l["action"] == "roster_import")
        .map(|l| {
            (
                l["username"].as_str().unwrap().to_owned(),
                l["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_csv_roster_comes_back_through_the_roster() {
    let app = spawn_app().await;
    app.login_as("admin").await;

    let report = imported(&app, csv(HEADER, &rows())).await;

    assert_eq!(report["dry_run"], false);
    assert_eq!(report["rows"], 5);
    assert_counts(&report, "grids", [1, 0, 0, 0]);
    assert_counts(&report, "buildings", [2, 0, 0, 0]);
    assert_counts(&report, "households", [3, 0, 0, 0]);
    assert_counts(&report, "members", [5, 0, 0, 0]);
    let households = households_of(&app, "G9").await;
    assert_eq!(households.len(), 3);
    let first = &households[0];
    assert_eq!(first["code"], "T-1-0101");
    assert_eq!(first["building"], "1号楼");
    assert_eq!(first["room"], "101");
    assert_eq!(first["record"]["phone"], "13800000001");
    let members = first["members"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    assert_eq!(members[0]["person"], "T-1-0101-1");
    assert_eq!(members[0]["record"]["name"], "王大山");
    assert_eq!(members[0]["record"]["resident_id"], id("19800101", 11));
    assert_eq!(members[0]["record"]["relation"], "head");
    assert_eq!(members[0]["record"]["capacity"], "ordinary");
    // Birth date and sex come from the ID number.
    assert_eq!(members[0]["record"]["birth_date"], "1980-01-01");
    assert_eq!(members[0]["record"]["sex"], "male");
    let generated = &households[2]["members"][0]["person"];
    assert!(generated.as_str().unwrap().starts_with('P'), "{generated}");
    let roster = app.roster().await;
    let grid = roster["grids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "G9");
    assert_eq!(grid.unwrap()["name"], "第九网格");
    let audit = audit_subjects(&app).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, "admin");
    assert!(
        audit[0].1.contains("households=+3 ~0 =0 -0"),
        "{}",
        audit[0].1
    );
    assert!(!audit[0].1.contains("王大山"), "no names in the audit log");
}

#[tokio::test]
async fn the_same_roster_as_a_workbook_gives_the_same_roster() {
    let from_csv = spawn_app().await;
    let from_xlsx = spawn_app().await;
    from_csv.login_as("admin").await;
    from_xlsx.login_as("supervisor").await;

    imported(&from_csv, csv(HEADER, &rows())).await;
    let res = import(&from_xlsx, xlsx(HEADER, &rows()), XLSX, "").await;

    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_counts(&report, "members", [5, 0, 0, 0]);
    let expected: Vec<Value> = households_of(&from_csv, "G9")
        .await
        .iter()
        .map(shape)
        .collect();
    let actual: Vec<Value> = households_of(&from_xlsx, "G9")
        .await
        .iter()
        .map(shape)
        .collect();
    assert_eq!(actual, expected);
}

#[tokio::test]
async fn a_file_with_errors_is_refused_whole_with_each_error_by_row_and_column() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let mut rows = rows();
    // Row 3: a wrong check character; row 4: an unknown relation; row 5: no
    // name and a floor that is not a number.
    let mut broken = id("19820202", 22);
    broken.replace_range(17.., if broken.ends_with('1') { "2" } else { "1" });
    rows[1][10] = broken;
    rows[2][11] = "儿子".into();
    rows[3][9] = String::new();
    rows[3][5] = "一楼".into();
    let body = csv(HEADER, &rows);

    let res = import(&app, body.clone(), "text/csv", "").await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body_zh: Value = res.json().await.unwrap();
    assert_eq!(body_zh["code"], "invalid_roster");
    assert!(
        body_zh["message"].as_str().unwrap().contains("4 处错误"),
        "{body_zh}"
    );
    let errors: Vec<(u64, &str, &str)> = body_zh["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (3, "公民身份号码", "id_check"),
            (4, "与户主关系", "invalid_value"),
            (5, "姓名", "required"),
            (5, "楼层", "invalid_number"),
        ]
    );
    assert_eq!(
        body_zh["errors"][0]["message"],
        "身份证号码校验位不正确，请核对"
    );
    assert_eq!(body_zh["fields"][0]["path"], "rows[3].公民身份号码");
    let res = app
        .client
        .post(format!("{}/api/v1/roster/import", app.address))
        .header(ACCEPT_LANGUAGE, "en")
        .body(body)
        .send()
        .await
        .unwrap();
    let body_en: Value = res.json().await.unwrap();
    assert_eq!(
        body_en["errors"][0]["message"],
        "The resident ID number's check character is wrong; please check it"
    );
    assert!(
        households_of(&app, "G9").await.is_empty(),
        "nothing was imported"
    );
    let audit = audit_subjects(&app).await;
    assert_eq!(audit.len(), 2);
    assert!(audit[0].1.contains("rejected errors=4"), "{}", audit[0].1);
}

#[tokio::test]
async fn an_id_number_of_another_household_refuses_the_file() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;
    let taken = app.roster().await["households"][0]["members"][0]["record"]["resident_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut rows = rows();
    rows[3][10] = taken;

    let res = import(&app, csv(HEADER, &rows), "text/csv", "").await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["errors"][0]["row"], 5);
    assert_eq!(body["errors"][0]["column"], "公民身份号码");
    assert_eq!(body["errors"][0]["code"], "duplicate_id");
    assert_eq!(body["errors"][0]["message"], "该身份证号码已登记在另一户");
    assert!(households_of(&app, "G9").await.is_empty());
}

#[tokio::test]
async fn an_id_number_a_survey_recorded_or_freed_counts_at_the_next_import() {
    let app = spawn_app().await;
    // A supervisor's roster shows the numbers; the surveyor's masks them.
    app.login_as("supervisor").await;
    let household = app.roster().await["households"][0].clone();
    app.login_as("surveyor").await;
    // The survey corrects the first member's number (same birth date and
    // sex, another order code) to one the file then gives its first person.
    let old = household["members"][0]["record"]["resident_id"]
        .as_str()
        .unwrap();
    let seq: u32 = old[14..17].parse().unwrap();
    let mut raw = format!("{}{:03}", &old[..14], (seq + 2) % 1000).into_bytes();
    raw.push(check_char(&raw));
    let corrected = String::from_utf8(raw).unwrap();
    let mut rows = rows();
    rows[0][10] = corrected.clone();
    let mut survey = submission("5e0c8f1a-2b3c-4d5e-8f60-718293a4b5c6", &household, 10);
    survey["members"][0]["writes"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({ "field": "resident_id", "value": corrected }));
    assert_eq!(
        app.post_submission(&survey).await.status(),
        StatusCode::CREATED
    );

    app.login_as("supervisor").await;
    let res = import(&app, csv(HEADER, &rows), "text/csv", "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "duplicate_id", "{body}");
    assert_eq!(body["errors"][0]["row"], 2);

    // The member leaves the household: the number is free for the file.
    app.login_as("surveyor").await;
    let person = &household["members"][0]["person"];
    let left = serde_json::json!({
        "id": "6f1d9a2b-3c4d-4e5f-9a71-8293a4b5c6d7",
        "household": household["code"], "round": "2026Q4",
        "captured_at": "2026-11-24T09:30:00+08:00",
        "base": ["5e0c8f1a-2b3c-4d5e-8f60-718293a4b5c6"],
        "members": [{ "person": person, "membership": { "change": "left", "reason": "deceased" }, "writes": [] }],
    });
    let res = app.post_submission(&left).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    app.login_as("supervisor").await;
    let res = import(&app, csv(HEADER, &rows), "text/csv", "").await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
}

#[tokio::test]
async fn importing_the_same_file_again_changes_nothing() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    imported(&app, csv(HEADER, &rows())).await;
    let before: Vec<Value> = households_of(&app, "G9").await;
    let cursor = cursor_after_last_import(&app).await;

    app.login_as("admin").await;
    let report = imported(&app, csv(HEADER, &rows())).await;

    assert_counts(&report, "grids", [0, 0, 1, 0]);
    assert_counts(&report, "buildings", [0, 0, 2, 0]);
    assert_counts(&report, "households", [0, 0, 3, 0]);
    assert_counts(&report, "members", [0, 0, 5, 0]);
    assert_eq!(report["removed_households"], serde_json::json!([]));
    assert_eq!(households_of(&app, "G9").await, before);
    let delta = delta(&app, &cursor).await;
    assert_eq!(delta["full"], false);
    assert_eq!(codes(&delta, "households"), Vec::<String>::new());
    assert_eq!(codes(&delta, "removed"), Vec::<String>::new());
}

#[tokio::test]
async fn an_updated_file_renames_moves_and_removes_and_phones_see_it() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    imported(&app, csv(HEADER, &rows())).await;
    let cursor = cursor_after_last_import(&app).await;
    let mut rows = rows();
    rows[1][9] = "李晓花".into(); // renamed
    rows[3][6] = "103".into(); // T-1-0102 moved to room 103
    rows.remove(4); // T-2-0201 and building 2 left out

    app.login_as("admin").await;
    let report = imported(&app, csv(HEADER, &rows)).await;

    assert_counts(&report, "households", [0, 1, 1, 1]);
    assert_counts(&report, "members", [0, 1, 3, 1]);
    assert_counts(&report, "buildings", [0, 0, 1, 1]);
    assert_eq!(
        report["removed_households"],
        serde_json::json!(["T-2-0201"])
    );
    let households = households_of(&app, "G9").await;
    let codes_now: Vec<&str> = households
        .iter()
        .map(|h| h["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes_now, ["T-1-0101", "T-1-0102"]);
    assert_eq!(households[0]["members"][1]["record"]["name"], "李晓花");
    assert_eq!(households[1]["room"], "103");
    let delta = delta(&app, &cursor).await;
    assert_eq!(codes(&delta, "households"), ["T-1-0101", "T-1-0102"]);
    assert_eq!(codes(&delta, "removed"), ["T-2-0201"]);
    // The renamed value says who imported it.
    app.login_as("supervisor").await;
    let ledger: Value = app
        .get("/api/v1/households/T-1-0101")
        .await
        .json()
        .await
        .unwrap();
    let member = &ledger["members"][1];
    assert_eq!(member["sources"]["name"]["author"], "admin");
    assert_eq!(member["sources"]["name"]["submission"], Value::Null);
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;

    let res = import(&app, csv(HEADER, &rows()), "text/csv", "?dry_run=true").await;

    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["dry_run"], true);
    assert_counts(&report, "households", [3, 0, 0, 0]);
    assert!(households_of(&app, "G9").await.is_empty());
    let roster = app.roster().await;
    assert!(
        !roster["grids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["code"] == "G9")
    );
    let audit = audit_subjects(&app).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, "supervisor");
    assert!(audit[0].1.contains("dry_run=true"), "{}", audit[0].1);
}

#[tokio::test]
async fn only_administrators_and_supervisors_import() {
    let app = spawn_app().await;

    let anonymous = import(&app, csv(HEADER, &rows()), "text/csv", "").await;
    app.login_as("surveyor").await;
    let surveyor = import(&app, csv(HEADER, &rows()), "text/csv", "").await;
    app.login_as("grid").await;
    let grid_member = import(&app, csv(HEADER, &rows()), "text/csv", "").await;

    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(surveyor.status(), StatusCode::FORBIDDEN);
    assert_eq!(grid_member.status(), StatusCode::FORBIDDEN);
    let body: Value = grid_member.json().await.unwrap();
    assert_eq!(body["code"], "not_permitted");
    assert!(households_of(&app, "G9").await.is_empty());
}

#[tokio::test]
async fn a_survey_this_round_stands_over_the_import_and_merges_over_it() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["members"].as_array().unwrap().len() >= 2)
        .unwrap()
        .clone();
    let res = app
        .post_submission(&submission(
            "0b7e4b8a-1c1d-4e55-9a57-1d2c3b4a5e60",
            &household,
            10,
        ))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let code = household["code"].as_str().unwrap().to_owned();
    app.login_as("supervisor").await;
    let export = app.get("/api/v1/export?format=csv&grid=G1").await;
    let mut text = String::from_utf8(export.bytes().await.unwrap().to_vec()).unwrap();
    // The surveyed member's months (10) and the second member's name change.
    let first_person = household["members"][0]["person"].as_str().unwrap();
    let second = &household["members"][1];
    let second_name = second["record"]["name"].as_str().unwrap();
    let person_column = text
        .lines()
        .next()
        .and_then(|header| header.split(',').position(|h| h == "人员编号"))
        .unwrap();
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            if cells.get(person_column) == Some(&first_person) {
                line.replace(",10,2400,", ",8,2400,")
            } else if cells.get(person_column) == Some(&second["person"].as_str().unwrap()) {
                line.replace(second_name, "改名测试")
            } else {
                line.to_owned()
            }
        })
        .collect();
    text = lines.join("\r\n");

    let report = imported(&app, text.into_bytes()).await;

    assert_eq!(report["surveyed_kept"], 1, "{report}");
    assert_counts(
        &report,
        "members",
        [0, 1, report["members"]["unchanged"].as_u64().unwrap(), 0],
    );
    let ledger: Value = app
        .get(&format!("/api/v1/households/{code}"))
        .await
        .json()
        .await
        .unwrap();
    let members = &ledger["members"];
    assert_eq!(
        members[0]["record"]["months_worked"], 10,
        "the survey's value stands"
    );
    assert_eq!(members[1]["record"]["name"], "改名测试");
    // A later submission merges over the imported roster, not last round's.
    app.login_as("surveyor").await;
    let household = in_roster(&app.roster().await, &code).unwrap().clone();
    let res = app
        .post_submission(&submission(
            "0b7e4b8a-1c1d-4e55-9a57-1d2c3b4a5e61",
            &household,
            11,
        ))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.login_as("supervisor").await;
    let ledger: Value = app
        .get(&format!("/api/v1/households/{code}"))
        .await
        .json()
        .await
        .unwrap();
    let members = &ledger["members"];
    assert_eq!(members[0]["record"]["months_worked"], 11);
    assert_eq!(members[1]["record"]["name"], "改名测试");
}

#[tokio::test]
async fn an_export_imported_again_changes_nothing() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let household = app.roster().await["households"][2].clone();
    let res = app
        .post_submission(&submission(
            "6a1c9f0e-2b3d-4c5e-8f70-1a2b3c4d5e6f",
            &household,
            9,
        ))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.login_as("supervisor").await;
    let before = app.roster().await["households"].clone();

    for format in ["xlsx", "csv"] {
        let export = app.get(&format!("/api/v1/export?format={format}")).await;
        assert_eq!(export.status(), StatusCode::OK);
        let bytes = export.bytes().await.unwrap().to_vec();

        let report = imported(&app, bytes).await;

        let n_households = before.as_array().unwrap().len() as u64;
        assert_counts(&report, "grids", [0, 0, 2, 0]);
        assert_counts(&report, "buildings", [0, 0, 6, 0]);
        assert_counts(&report, "households", [0, 0, n_households, 0]);
        assert_eq!(report["members"]["added"], 0, "{format}: {report}");
        assert_eq!(report["members"]["updated"], 0, "{format}: {report}");
        assert_eq!(report["members"]["removed"], 0, "{format}: {report}");
        assert_eq!(report["surveyed_kept"], 0, "{format}: {report}");
    }
    assert_eq!(app.roster().await["households"], before);
}

#[tokio::test]
async fn the_template_downloads_and_imports_as_it_is() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;

    let xlsx_template = app.get("/api/v1/roster/template").await;
    let csv_template = app.get("/api/v1/roster/template?format=csv").await;
    let bad = app.get("/api/v1/roster/template?format=pdf").await;

    assert_eq!(xlsx_template.status(), StatusCode::OK);
    assert_eq!(xlsx_template.headers()[CONTENT_TYPE], XLSX);
    assert_eq!(csv_template.status(), StatusCode::OK);
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let report = imported(&app, xlsx_template.bytes().await.unwrap().to_vec()).await;
    assert_counts(&report, "grids", [1, 0, 0, 0]);
    assert_counts(&report, "households", [1, 0, 0, 0]);
    assert_counts(&report, "members", [2, 0, 0, 0]);
    let report = imported(&app, csv_template.bytes().await.unwrap().to_vec()).await;
    assert_counts(&report, "grids", [0, 0, 1, 0]);
    assert_counts(&report, "buildings", [0, 0, 1, 0]);
    assert_counts(&report, "members", [0, 0, 2, 0]);
    let households = households_of(&app, "G9").await;
    assert_eq!(households.len(), 1);
    assert_eq!(
        households[0]["members"][0]["record"]["employment"],
        "employed"
    );
}

#[tokio::test]
async fn boundaries_are_read_as_wkt_polygons() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let header = format!("{HEADER},网格边界,楼栋边界");
    let square = |x: f64| {
        format!(
            "\"POLYGON(({x} 38.9, {} 38.9, {} 39.0, {x} 38.9))\"",
            x + 0.1,
            x + 0.1
        )
    };
    let with = |grid: &str, building: &str| {
        rows()
            .into_iter()
            .enumerate()
            .map(|(idx, mut row)| {
                row.push(if idx == 0 {
                    grid.to_owned()
                } else {
                    String::new()
                });
                row.push(if idx == 0 {
                    building.to_owned()
                } else {
                    String::new()
                });
                row
            })
            .collect::<Vec<_>>()
    };

    let first = imported(&app, csv(&header, &with(&square(112.0), &square(112.01)))).await;
    let again = imported(&app, csv(&header, &with(&square(112.0), &square(112.01)))).await;
    let moved = imported(&app, csv(&header, &with(&square(112.5), &square(112.01)))).await;
    let bad = import(
        &app,
        csv(&header, &with("POLYGON((1 2))", "")),
        "text/csv",
        "",
    )
    .await;

    assert_counts(&first, "grids", [1, 0, 0, 0]);
    assert_counts(&again, "grids", [0, 0, 1, 0]);
    assert_counts(&again, "buildings", [0, 0, 2, 0]);
    assert_counts(&moved, "grids", [0, 1, 0, 0]);
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["errors"][0]["column"], "网格边界");
    assert_eq!(body["errors"][0]["code"], "invalid_boundary");
    let roster = app.roster().await;
    let grid = roster["grids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "G9")
        .unwrap();
    assert_eq!(
        grid["outline"],
        serde_json::json!([[112.5, 38.9, 112.6, 38.9, 112.6, 39.0]])
    );
    assert_eq!(
        grid["buildings"],
        serde_json::json!([
            { "name": "1号楼", "outline": [[112.01, 38.9, 112.11, 38.9, 112.11, 39.0]] }
        ])
    );
}

#[tokio::test]
async fn a_workbook_crafted_to_overflow_its_reader_is_refused_as_unreadable() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    // Found by fuzzing: cell references that overflow calamine's arithmetic.
    let crafted = include_bytes!("../../../fuzz/regressions/roster_file/07fb88ae1dc8063a");

    let res = app
        .client
        .post(format!("{}/api/v1/roster/import", app.address))
        .body(crafted.to_vec())
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "unreadable_file", "{body}");
}
