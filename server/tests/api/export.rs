//! The ledger export: what a submission wrote comes back in the workbook
//! and the CSV, masked by role, audited every time, and LibreOffice reads
//! the workbook as the CSV says.

use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use serde_json::Value;
use shared::record::{FieldKey, HouseholdKey};

use crate::helpers::{ROUND, TestApp, spawn_app, submission};

/// The export's columns: where the household sits, its own fields, then
/// the person's in the record's order, with the age after the birth date.
fn headers() -> Vec<&'static str> {
    let mut res = vec![
        "季度",
        "户编号",
        "市(州)",
        "县(市、区)",
        "乡镇(街道)",
        "安置区",
        "一级网格",
        "二级网格",
        "网格编号",
        "网格",
        "楼栋",
        "楼层",
        "房号",
        "本季已调查",
    ];
    res.extend(HouseholdKey::ALL.iter().map(|k| k.zh()));
    res.extend(["人员编号", "增减员"]);
    for key in FieldKey::ALL {
        res.push(key.zh());
        if *key == FieldKey::BirthDate {
            res.push("年龄");
        }
    }
    res
}

#[test]
fn the_columns_are_the_ledgers_headers() {
    let headers = headers();
    for expected in [
        "户联系电话",
        "出生日期",
        "年龄",
        "公民身份号码",
        "今年务工月数",
        "取得技能证书",
    ] {
        assert!(headers.contains(&expected), "{expected}");
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const BOM: &[u8] = b"\xEF\xBB\xBF";

async fn export(app: &TestApp, query: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .get(format!("{}/api/v1/export", app.address))
        .query(query)
        .send()
        .await
        .expect("request sent")
}

async fn export_bytes(app: &TestApp, query: &[(&str, &str)]) -> Vec<u8> {
    let res = export(app, query).await;
    assert_eq!(res.status(), StatusCode::OK, "export {query:?}");
    res.bytes().await.unwrap().to_vec()
}

/// Logs in as `username` and records the first household's first member
/// as employed for 10 months; the household as the roster showed it.
async fn surveyed_household(app: &TestApp, username: &str) -> Value {
    app.login_as(username).await;
    let household = app.roster().await["households"][0].clone();
    let res = app
        .post_submission(&submission(
            "3f0c2a8e-5b7d-4e1a-9c6f-0d2b4a6e8c10",
            &household,
            10,
        ))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    household
}

/// The workbook's 台账 sheet.
fn sheet(bytes: &[u8]) -> Vec<Vec<Data>> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx");
    let range = workbook.worksheet_range("台账").expect("the 台账 sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

/// A cell as the CSV writes it: whole numbers without a point, dates ISO.
fn text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::DateTime(d) => {
            let (y, m, d, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        other => other.to_string(),
    }
}

fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

/// Fails at the first cell that differs, naming its row and column.
#[track_caller]
fn assert_same_rows(actual: &[Vec<String>], expected: &[Vec<String>]) {
    for (idx, (actual, expected)) in actual.iter().zip(expected).enumerate() {
        for (col, (a, e)) in actual.iter().zip(expected).enumerate() {
            let header = headers().get(col).copied().unwrap_or("?");
            assert_eq!(a, e, "row {idx}, column {col} ({header})");
        }
        assert_eq!(actual.len(), expected.len(), "cells in row {idx}");
    }
    assert_eq!(actual.len(), expected.len(), "rows");
}

fn column(header: &str) -> usize {
    headers().iter().position(|h| *h == header).unwrap()
}

/// One entry of the sheet per person: household, person, name, resident ID,
/// in the roster's order, for the households of `building`.
fn roster_people(roster: &Value, building: &str) -> Vec<[String; 4]> {
    let mut res = Vec::new();
    for household in roster["households"].as_array().unwrap() {
        if household["building"] != building {
            continue;
        }
        let code = household["code"].as_str().unwrap().to_owned();
        for member in household["members"].as_array().unwrap() {
            let field = |v: &Value| v.as_str().unwrap_or("").to_owned();
            res.push([
                code.clone(),
                field(&member["person"]),
                field(&member["record"]["name"]),
                field(&member["record"]["resident_id"]),
            ]);
        }
    }
    res
}

fn is_masked_id(raw: &str) -> bool {
    raw.chars().count() == 18 && &raw[6..14] == "********"
}

/// Whether `text` holds a run of 11 digits or more: a whole phone number,
/// or an ID number's birth date with what precedes it.
fn has_a_number(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 11 {
            return true;
        }
    }
    false
}

async fn audit_lines(app: &TestApp) -> Vec<(String, String, String)> {
    app.login_as("admin").await;
    let log: Value = app.get("/api/v1/audit").await.json().await.unwrap();
    log.as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["username"].as_str().unwrap().to_owned(),
                l["action"].as_str().unwrap().to_owned(),
                l["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_workbook_holds_the_submitted_ledger_one_row_per_person() {
    let app = spawn_app().await;
    let household = surveyed_household(&app, "surveyor").await;
    let building = household["building"].as_str().unwrap();
    app.login_as("supervisor").await;
    let roster = app.roster().await;

    let res = export(
        &app,
        &[("format", "xlsx"), ("grid", "G1"), ("building", building)],
    )
    .await;

    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[CONTENT_TYPE], XLSX);
    let disposition = res.headers()[CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment; "), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''anju-2026Q4-G1-1%E5%8F%B7%E6%A5%BC.xlsx"),
        "{disposition}"
    );
    let rows = sheet(&res.bytes().await.unwrap());
    let headers: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(headers, self::headers());
    let people: Vec<[String; 4]> = rows[1..]
        .iter()
        .map(|row| ["户编号", "人员编号", "姓名", "公民身份号码"].map(|h| text(&row[column(h)])))
        .collect();
    assert_eq!(people, roster_people(&roster, building));
    let person = household["members"][0]["person"].as_str().unwrap();
    let row = rows[1..]
        .iter()
        .find(|row| text(&row[column("人员编号")]) == person)
        .expect("the surveyed member's row");
    let cell = |header: &str| &row[column(header)];
    assert_eq!(cell("季度"), &Data::String(ROUND.into()));
    assert_eq!(
        cell("户编号"),
        &Data::String(household["code"].as_str().unwrap().into())
    );
    assert_eq!(cell("本季已调查"), &Data::String("是".into()));
    assert_eq!(cell("就业状态"), &Data::String("已就业".into()));
    assert_eq!(cell("就业渠道"), &Data::String("帮扶车间".into()));
    assert_eq!(cell("务工地点"), &Data::String("县内".into()));
    assert_eq!(cell("今年务工月数"), &Data::Float(10.0));
    assert_eq!(cell("月收入（元）"), &Data::Float(2400.0));
    assert_eq!(
        cell("楼层"),
        &Data::Float(household["floor"].as_f64().unwrap())
    );
    assert!(matches!(cell("出生日期"), Data::DateTime(_)));
    assert_eq!(
        text(cell("出生日期")),
        household["members"][0]["record"]["birth_date"]
            .as_str()
            .unwrap()
    );
    assert!(matches!(cell("年龄"), Data::Float(_)));
}

#[tokio::test]
async fn the_workbook_freezes_its_header_and_filters_its_data() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;

    let bytes = export_bytes(&app, &[("grid", "G2")]).await;

    let n_rows = sheet(&bytes).len();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .expect("the sheet")
        .read_to_string(&mut xml)
        .unwrap();
    assert!(
        xml.contains(r#"ySplit="1""#) && xml.contains(r#"state="frozen""#),
        "frozen header"
    );
    // The last column's letters, as a spreadsheet names the nth column.
    let (mut n, mut last) = (headers().len(), String::new());
    while n > 0 {
        last.insert(0, char::from(b'A' + u8::try_from((n - 1) % 26).unwrap()));
        n = (n - 1) / 26;
    }
    let filter = format!(r#"<autoFilter ref="A1:{last}{n_rows}"/>"#);
    assert!(xml.contains(&filter), "{filter}");
    assert!(xml.contains("<cols>"), "column widths");
}

#[tokio::test]
async fn the_csv_has_a_bom_and_the_workbooks_values() {
    let app = spawn_app().await;
    surveyed_household(&app, "supervisor").await;

    let xlsx = export_bytes(&app, &[("grid", "G1")]).await;
    let res = export(&app, &[("format", "csv"), ("grid", "G1")]).await;

    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(
        res.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filename=\"anju-2026Q4-G1.csv\"")
    );
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(BOM), "starts with the UTF-8 BOM");
    let records = csv_records(&bytes[BOM.len()..]);
    let expected: Vec<Vec<String>> = sheet(&xlsx)
        .iter()
        .map(|row| row.iter().map(text).collect())
        .collect();
    assert!(expected.len() > 100, "the whole grid");
    assert_same_rows(&records, &expected);
}

#[tokio::test]
async fn a_surveyors_export_is_masked_and_a_supervisors_is_not() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let masked = export_bytes(&app, &[("format", "csv")]).await;
    app.login_as("supervisor").await;
    let full = export_bytes(&app, &[("format", "csv"), ("grid", "G1")]).await;

    let masked_text = std::str::from_utf8(&masked).unwrap();
    assert!(
        !has_a_number(masked_text),
        "an unmasked number left the server"
    );
    let masked = csv_records(&masked[BOM.len()..]);
    let full = csv_records(&full[BOM.len()..]);
    assert_eq!(masked.len(), full.len(), "the surveyor's grid, G1");
    let (id, phone) = (column("公民身份号码"), column("联系电话"));
    let mut n_ids = 0;
    for (masked, full) in masked[1..].iter().zip(&full[1..]) {
        if full[id].is_empty() {
            continue;
        }
        n_ids += 1;
        assert!(is_masked_id(&masked[id]), "{}", masked[id]);
        assert!(!is_masked_id(&full[id]) && full[id].len() == 18);
        assert_eq!(masked[id][14..], full[id][14..]);
        if !full[phone].is_empty() {
            assert!(masked[phone].contains("****"));
            assert!(!full[phone].contains('*'));
        }
    }
    assert!(n_ids > 100);
}

#[tokio::test]
async fn every_export_is_audited_with_its_scope_format_and_rows() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let masked = export_bytes(&app, &[("format", "csv")]).await;
    app.login_as("supervisor").await;
    let full = export_bytes(&app, &[("round", ROUND)]).await;

    let lines = audit_lines(&app).await;

    // Each export names the households it holds.
    let household = column("户编号");
    let n_masked = (csv_records(&masked[BOM.len()..])[1..].iter())
        .map(|row| row[household].clone())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let n_full = (sheet(&full)[1..].iter())
        .map(|row| text(&row[household]))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let exports: Vec<(String, String)> = lines
        .into_iter()
        .filter(|(_, action, _)| action == "export")
        .map(|(username, _, subject)| (username, subject))
        .collect();
    assert_eq!(exports.len(), 2, "{exports:?}");
    assert!(exports.contains(&(
        "surveyor".into(),
        format!("round={ROUND} grid=G1 format=csv households={n_masked} numbers=masked")
    )));
    assert!(exports.contains(&(
        "supervisor".into(),
        format!("round={ROUND} grid=all format=xlsx households={n_full} numbers=full")
    )));
}

#[tokio::test]
async fn a_grid_outside_the_callers_scope_is_forbidden() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;

    let res = export(&app, &[("grid", "G2")]).await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "out_of_scope");
}

#[tokio::test]
async fn a_bad_format_or_query_gets_a_clear_error() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;

    let format = export(&app, &[("format", "pdf")]).await;
    let round = export(&app, &[("round", "2026Q5")]).await;
    let repeated = export(&app, &[("format", "csv"), ("format", "xlsx")]).await;
    let english = app
        .client
        .get(format!("{}/api/v1/export?format=ods", app.address))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();

    assert_eq!(format.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = format.json().await.unwrap();
    assert_eq!(body["code"], "unsupported_format");
    assert_eq!(body["message"], "导出格式只能是 xlsx 或 csv");
    assert_eq!(body["fields"][0]["path"], "format");
    assert_eq!(round.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = round.json().await.unwrap();
    assert_eq!(body["fields"][0]["path"], "round");
    assert_eq!(repeated.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = repeated.json().await.unwrap();
    assert_eq!(body["code"], "malformed");
    let body: Value = english.json().await.unwrap();
    assert_eq!(body["message"], "the export format must be xlsx or csv");
}

#[tokio::test]
async fn exporting_needs_a_login() {
    let app = spawn_app().await;

    let res = export(&app, &[]).await;

    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

/// Converts `xlsx` to CSV with LibreOffice, in `dir` with its own profile.
fn libreoffice_csv(dir: &Path, xlsx: &Path) -> Vec<u8> {
    let profile = dir.join("profile");
    let out = dir.join("out");
    let started = Command::new("soffice")
        .env("HOME", dir)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore", "--convert-to"])
        .arg("csv:Text - txt - csv (StarCalc):44,34,76")
        .arg("--outdir")
        .arg(&out)
        .arg(xlsx)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match started {
        Ok(child) => child,
        Err(e) => panic!(
            "cannot run soffice ({e}): install LibreOffice with \
             `apt-get install libreoffice-calc-nogui` (scripts/setup does)"
        ),
    };
    let deadline = Instant::now() + Duration::from_secs(300);
    while child.try_wait().expect("soffice runs").is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("soffice did not finish converting in 300 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = child.wait_with_output().expect("soffice output");
    let converted = out.join(xlsx.with_extension("csv").file_name().unwrap());
    std::fs::read(&converted).unwrap_or_else(|e| {
        panic!(
            "soffice wrote no {} ({e}); status {}, stderr: {}",
            converted.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[tokio::test]
async fn libreoffice_reads_the_workbook_as_the_csv_says() {
    let app = spawn_app().await;
    let household = surveyed_household(&app, "supervisor").await;
    let building = household["building"].as_str().unwrap().to_owned();
    let query = [("grid", "G1"), ("building", building.as_str())];
    let xlsx = export_bytes(&app, &query).await;
    let csv = export_bytes(&app, &[("format", "csv"), query[0], query[1]]).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.xlsx");
    std::fs::write(&path, &xlsx).unwrap();

    let converted = tokio::task::spawn_blocking(move || (libreoffice_csv(dir.path(), &path), dir))
        .await
        .unwrap()
        .0;

    let converted = converted.strip_prefix(BOM).unwrap_or(&converted);
    let read_back = csv_records(converted);
    let expected = csv_records(&csv[BOM.len()..]);
    assert_eq!(read_back[0], headers());
    assert!(expected.len() > 10);
    assert_same_rows(&read_back, &expected);
}

#[tokio::test]
async fn a_long_export_streams_a_page_of_grids_at_a_time_and_a_workbook_has_its_limit() {
    use server::calendar::Calendar;
    use server::demo::generate::{Size, generate};
    use server::settings::Settings;
    use shared::round::Round;

    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let round = Round::parse(ROUND).unwrap();
    // A county of some 250 grids, several pages of the export.
    let made = generate(Size::Sample, 3, round, files.path()).unwrap();
    let settings = Settings {
        demo: true,
        round: Some(round),
        max_workbook_households: 100,
        ..Settings::local(crate::helpers::fresh_database(&dir).await)
    };
    let app = crate::helpers::serve(settings, Calendar::system_clock(), dir).await;
    app.login_as("admin").await;
    for file in &made.files {
        let csv = std::fs::read_to_string(file).unwrap();
        assert_eq!(app.import_csv(&csv, "").await.status(), StatusCode::OK);
    }
    let demo_rows = {
        let g1 = export_bytes(&app, &[("format", "csv"), ("grid", "G1")]).await;
        let g2 = export_bytes(&app, &[("format", "csv"), ("grid", "G2")]).await;
        csv_records(&g1[BOM.len()..]).len() + csv_records(&g2[BOM.len()..]).len() - 2
    };

    let all = export_bytes(&app, &[("format", "csv")]).await;

    assert_eq!(&all[..BOM.len()], BOM, "one byte-order mark, at the start");
    let records = csv_records(&all[BOM.len()..]);
    assert_eq!(records[0], headers(), "one header row");
    assert!(records[1..].iter().all(|r| r != &records[0]));
    assert_eq!(
        records.len() - 1,
        demo_rows + made.people,
        "every person once"
    );
    let (grid, person) = (column("网格编号"), column("人员编号"));
    let people: std::collections::BTreeSet<&str> =
        records[1..].iter().map(|r| r[person].as_str()).collect();
    assert_eq!(people.len(), records.len() - 1, "no person twice");
    let grids: Vec<&str> = records[1..].iter().map(|r| r[grid].as_str()).collect();
    assert!(
        grids.windows(2).all(|w| w[0] <= w[1]),
        "in the order of the grids"
    );

    // Past the server's limit a workbook is refused with what to do instead.
    let res = export(&app, &[("format", "xlsx")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "workbook_too_large");
    assert!(body["message"].as_str().unwrap().contains("CSV"), "{body}");
    let one_building = [("format", "xlsx"), ("grid", "G1"), ("building", "1号楼")];
    assert_eq!(export(&app, &one_building).await.status(), StatusCode::OK);
}
