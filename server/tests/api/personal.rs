//! Resident ID and phone numbers reach only the roles that need them, and
//! every such read is in the audit log.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

fn is_masked_id(raw: &str) -> bool {
    raw.len() == 18 && &raw[6..14] == "********"
}

/// Whether `text` holds a run of digits as long as an ID's birth date and
/// what precedes it, or a whole mobile number.
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

#[tokio::test]
async fn a_surveyor_sees_numbers_masked_everywhere() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;

    let roster = app.roster().await;
    let household = &roster["households"][0];
    let code = household["code"].as_str().unwrap();
    let ledger: Value = app
        .get(&format!("/api/v1/households/{code}"))
        .await
        .json()
        .await
        .unwrap();
    let history = app
        .get(&format!("/api/v1/households/{code}/history"))
        .await
        .text()
        .await
        .unwrap();

    let member = &household["members"][0];
    assert!(member["record"].get("resident_id").is_none());
    assert!(is_masked_id(
        member["masked"]["resident_id"].as_str().unwrap()
    ));
    assert!(ledger["members"][0]["record"].get("resident_id").is_none());
    let person = ledger["members"][0]["person"].as_str().unwrap();
    assert!(is_masked_id(
        ledger["masked"][person]["resident_id"].as_str().unwrap()
    ));
    let ledger_text = ledger.to_string();
    let mut roster = roster.clone();
    // The cursor is a timestamp in milliseconds, not a personal number.
    roster.as_object_mut().unwrap().remove("cursor");
    for text in [
        roster.to_string().as_str(),
        history.as_str(),
        ledger_text.as_str(),
    ] {
        assert!(!has_a_number(text), "an unmasked number left the server");
    }
}

#[tokio::test]
async fn a_supervisor_reads_numbers_and_the_read_is_audited() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;

    let roster = app.roster().await;
    let code = roster["households"][0]["code"].as_str().unwrap().to_owned();
    app.get(&format!("/api/v1/households/{code}")).await;
    app.login_as("admin").await;
    let res = app.get("/api/v1/audit").await;

    let id = roster["households"][0]["members"][0]["record"]["resident_id"]
        .as_str()
        .unwrap();
    assert!(!is_masked_id(id));
    assert_eq!(res.status(), StatusCode::OK);
    let log: Value = res.json().await.unwrap();
    let lines: Vec<(&str, &str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["username"].as_str().unwrap(),
                l["action"].as_str().unwrap(),
                l["subject"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(lines.contains(&("supervisor", "roster", "grid=all")));
    assert!(lines.contains(&("supervisor", "household", code.as_str())));
}

#[tokio::test]
async fn only_an_admin_reads_the_audit_log() {
    let app = spawn_app().await;
    app.login_as("supervisor").await;

    let res = app.get("/api/v1/audit").await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
