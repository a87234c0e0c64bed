//! Supervisors review submissions: the list of a round's submissions in
//! their scope, approving, returning with a reason that reaches the phone
//! until the correction arrives, and correcting a field directly; every
//! decision audited.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, in_roster, spawn_app, submission};

const FIRST: &str = "0b8e6c1a-1f2d-4c3b-8a5e-6d7f8091a2b3";
const SECOND: &str = "1c9f7d2b-2e3f-4d4c-9b6f-7e8091a2b3c4";
const CORRECTION: &str = "2da08e3c-3f40-4e5d-8c70-8f91a2b3c4d5";

/// The first household of the surveyor's roster, as their phone has it.
async fn surveyors_household(app: &TestApp, idx: usize) -> Value {
    app.login_as("surveyor").await;
    app.roster().await["households"][idx].clone()
}

async fn post_created(app: &TestApp, body: &Value) {
    let res = app.post_submission(body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{body}");
}

/// The household `code` in the roster delta since `cursor`, if it is there.
async fn in_delta(app: &TestApp, cursor: &Value, code: &Value) -> Option<Value> {
    let res = app
        .get(&format!(
            "/api/v1/roster?since={}",
            cursor.as_str().unwrap()
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let roster: Value = res.json().await.unwrap();
    assert_eq!(roster["full"], false);
    in_roster(&roster, code.as_str().expect("a household code")).cloned()
}

fn item<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["submission"] == id)
        .unwrap_or_else(|| panic!("{id} in {list}"))
}

#[tokio::test]
async fn a_supervisor_lists_the_rounds_submissions_newest_first_with_what_each_changed() {
    let app = spawn_app().await;
    let first = surveyors_household(&app, 0).await;
    let second = surveyors_household(&app, 1).await;
    post_created(&app, &submission(FIRST, &first, 10)).await;
    post_created(&app, &submission(SECOND, &second, 10)).await;
    app.login_as("supervisor").await;

    let list = app.review_list("round=2026Q4").await;

    assert_eq!(list["round"], "2026Q4");
    let ids: Vec<&str> = list["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["submission"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [SECOND, FIRST]);
    let newest = &list["submissions"][0];
    assert_eq!(newest["kind"], "survey");
    assert_eq!(newest["household"]["code"], second["code"]);
    assert_eq!(newest["household"]["building"], second["building"]);
    assert_eq!(newest["household"]["room"], second["room"]);
    assert_eq!(newest["author"], "surveyor");
    assert_eq!(newest["author_name"], "驻点工作队 李文华");
    assert_eq!(newest["captured_at"], "2026-11-23T01:30:00Z");
    assert!(newest["received_at"].is_string());
    assert_eq!(
        newest["changes"],
        json!({ "members": 1, "writes": 5, "household_writes": 0, "joined": 0, "left": 0 })
    );
    assert_eq!(newest["review"], json!({ "state": "pending" }));
}

#[tokio::test]
async fn the_review_list_comes_a_page_at_a_time_with_the_total() {
    let app = spawn_app().await;
    let first = surveyors_household(&app, 0).await;
    let second = surveyors_household(&app, 1).await;
    post_created(&app, &submission(FIRST, &first, 10)).await;
    post_created(&app, &submission(SECOND, &second, 10)).await;
    app.login_as("supervisor").await;

    let page_one = app.review_list("limit=1").await;
    let page_two = app.review_list("limit=1&offset=1").await;
    let past_the_end = app.review_list("limit=1&offset=2").await;

    assert_eq!(page_one["total"], 2);
    assert_eq!(page_one["submissions"].as_array().unwrap().len(), 1);
    assert_eq!(page_one["submissions"][0]["submission"], SECOND);
    assert_eq!(page_two["submissions"][0]["submission"], FIRST);
    assert_eq!(past_the_end["total"], 2);
    assert!(past_the_end["submissions"].as_array().unwrap().is_empty());
    for bad in ["limit=0", "limit=1001", "limit=many", "offset=-1"] {
        let res = app.get(&format!("/api/v1/review?{bad}")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

#[tokio::test]
async fn the_review_list_is_for_supervisors_and_administrators_in_their_scope() {
    let app = spawn_app().await;
    let inside = surveyors_household(&app, 0).await;
    post_created(&app, &submission(FIRST, &inside, 10)).await;

    let surveyor = app.get("/api/v1/review").await;
    app.login_as("grid").await;
    let grid_member = app.get("/api/v1/review").await;
    app.login_as("admin").await;
    let admin = app.review_list("").await;
    app.login_as("supervisor").await;
    let other_grid = app.review_list("grid=G2").await;
    let own_grid = app.review_list("grid=G1").await;

    assert_eq!(surveyor.status(), StatusCode::FORBIDDEN);
    assert_eq!(grid_member.status(), StatusCode::FORBIDDEN);
    assert_eq!(admin["submissions"].as_array().unwrap().len(), 1);
    assert_eq!(other_grid["submissions"], json!([]));
    assert_eq!(own_grid["submissions"][0]["submission"], FIRST);
}

#[tokio::test]
async fn an_approval_is_audited_and_final() {
    let app = spawn_app().await;
    let household = surveyors_household(&app, 0).await;
    post_created(&app, &submission(FIRST, &household, 10)).await;
    app.login_as("supervisor").await;
    let approve = json!({ "decision": "approve" });

    let first = app.post_review(FIRST, &approve).await;
    let again = app.post_review(FIRST, &approve).await;
    let then_return = app
        .post_review(FIRST, &json!({ "decision": "return", "reason": "请核实" }))
        .await;

    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(again.status(), StatusCode::OK);
    let first: Value = first.json().await.unwrap();
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(first["decision"], "approve");
    assert_eq!(first["by"], "supervisor");
    assert_eq!(then_return.status(), StatusCode::CONFLICT);
    let then_return: Value = then_return.json().await.unwrap();
    assert_eq!(then_return["code"], "review_conflict");
    let approved = app.review_list("state=approved").await;
    assert_eq!(approved["submissions"][0]["review"]["state"], "approved");
    assert_eq!(approved["submissions"][0]["review"]["by"], "supervisor");
    assert_eq!(
        app.review_list("state=pending").await["submissions"],
        json!([])
    );
    let reviews: Vec<String> = app
        .audit_lines()
        .await
        .into_iter()
        .filter(|(action, _)| action == "review")
        .map(|(_, subject)| subject)
        .collect();
    let code = household["code"].as_str().unwrap();
    assert_eq!(
        reviews,
        [format!(
            "household={code} submission={FIRST} decision=approve"
        )]
    );
}

#[tokio::test]
async fn a_return_shows_on_the_phone_until_the_correction_arrives() {
    let app = spawn_app().await;
    let household = surveyors_household(&app, 0).await;
    post_created(&app, &submission(FIRST, &household, 10)).await;
    let cursor = app.roster().await["cursor"].clone();
    app.login_as("supervisor").await;
    let reason = "务工月数与收入对不上，请再核实";

    let returned = app
        .post_review(FIRST, &json!({ "decision": "return", "reason": reason }))
        .await;

    assert_eq!(returned.status(), StatusCode::CREATED);
    app.login_as("surveyor").await;
    let on_phone = in_delta(&app, &cursor, &household["code"])
        .await
        .expect("the returned household is in the delta");
    assert_eq!(on_phone["returned"]["submission"], FIRST);
    assert_eq!(on_phone["returned"]["reason"], reason);
    assert_eq!(on_phone["returned"]["by"], "supervisor");
    assert!(on_phone["returned"]["at"].is_string());
    assert_eq!(on_phone["base"], json!([FIRST]));

    // The correction is made from what the phone now has, so its base names
    // the returned submission.
    post_created(&app, &submission(SECOND, &on_phone, 11)).await;

    let after = in_delta(&app, &cursor, &household["code"]).await.unwrap();
    assert!(after.get("returned").is_none(), "{after}");
    app.login_as("supervisor").await;
    let list = app.review_list("").await;
    assert_eq!(
        item(&list, FIRST)["review"],
        json!({
            "state": "corrected", "by": "supervisor", "reason": reason,
            "correction": SECOND, "at": item(&list, FIRST)["review"]["at"],
        })
    );
    assert_eq!(item(&list, SECOND)["review"]["state"], "pending");
    let returned_again = app
        .post_review(FIRST, &json!({ "decision": "return", "reason": reason }))
        .await;
    assert_eq!(returned_again.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_return_needs_a_reason_of_at_most_200_characters() {
    let app = spawn_app().await;
    let household = surveyors_household(&app, 0).await;
    post_created(&app, &submission(FIRST, &household, 10)).await;
    app.login_as("supervisor").await;

    let without = app
        .post_review(FIRST, &json!({ "decision": "return" }))
        .await;
    let blank = app
        .post_review(FIRST, &json!({ "decision": "return", "reason": "  " }))
        .await;
    let too_long = app
        .post_review(
            FIRST,
            &json!({ "decision": "return", "reason": "错".repeat(201) }),
        )
        .await;

    for (res, code, message) in [
        (without, "reason_required", "退回时请填写原因"),
        (blank, "reason_required", "退回时请填写原因"),
        (too_long, "reason_too_long", "退回原因请精简到 200 字以内"),
    ] {
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["message"], "提交的内容有误，请按提示修改");
        assert_eq!(body["fields"][0]["path"], "reason");
        assert_eq!(body["fields"][0]["code"], code);
        assert_eq!(body["fields"][0]["message"], message);
    }
    assert_eq!(
        app.review_list("").await["submissions"][0]["review"]["state"],
        "pending"
    );
}

#[tokio::test]
async fn only_a_survey_nothing_newer_was_made_from_can_be_returned() {
    let app = spawn_app().await;
    let household = surveyors_household(&app, 0).await;
    post_created(&app, &submission(FIRST, &household, 10)).await;
    let newer = surveyors_household(&app, 0).await;
    post_created(&app, &submission(SECOND, &newer, 11)).await;
    app.login_as("supervisor").await;
    let reason = json!({ "decision": "return", "reason": "请核实" });

    let superseded = app.post_review(FIRST, &reason).await;
    let unknown = app
        .post_review("5e0a9b3c-0000-4000-8000-000000000000", &reason)
        .await;
    let malformed = app.post_review("not-an-id", &reason).await;

    assert_eq!(superseded.status(), StatusCode::CONFLICT);
    let superseded: Value = superseded.json().await.unwrap();
    assert_eq!(superseded["code"], "not_returnable");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(malformed.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.post_review(SECOND, &reason).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_supervisors_correction_is_audited_and_the_trail_keeps_the_old_value() {
    let app = spawn_app().await;
    let household = surveyors_household(&app, 0).await;
    let code = household["code"].as_str().unwrap().to_owned();
    post_created(&app, &submission(FIRST, &household, 10)).await;
    app.login_as("supervisor").await;
    let ledger = app.ledger(&code).await;
    let person = ledger["members"][0]["person"].clone();
    let correction = json!({
        "id": CORRECTION, "kind": "correction", "household": code, "round": "2026Q4",
        "captured_at": "2026-11-24T10:00:00+08:00", "base": ledger["submissions"],
        "members": [{ "person": person, "writes": [
            { "field": "months_worked", "value": 11 }
        ] }],
    });

    // A phone's retries crossing on the network: the same correction at once
    // from eight connections, so that each answer's audit line is written
    // concurrently.
    let sends: Vec<_> = (0..8)
        .map(|_| {
            let request = app
                .client
                .post(format!("{}/api/v1/submissions", app.address))
                .json(&correction);
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for send in sends {
        statuses.push(send.await.unwrap());
    }
    statuses.sort();
    let mut expected = vec![StatusCode::OK; 7];
    expected.push(StatusCode::CREATED);
    assert_eq!(statuses, expected);

    let ledger = app.ledger(&code).await;
    let member = &ledger["members"][0];
    assert_eq!(member["record"]["months_worked"], 11);
    assert_eq!(member["sources"]["months_worked"]["submission"], CORRECTION);
    assert_eq!(member["sources"]["months_worked"]["author"], "supervisor");
    let trail: Vec<(Value, Value, Value)> = member["trail"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["write"]["field"] == "months_worked")
        .map(|t| {
            (
                t["write"]["value"].clone(),
                t["provenance"]["submission"].clone(),
                t["outcome"].clone(),
            )
        })
        .collect();
    assert_eq!(
        trail,
        [
            (json!(10), json!(FIRST), json!("superseded")),
            (json!(11), json!(CORRECTION), json!("stands")),
        ]
    );
    assert!(ledger["conflicts"].as_array().unwrap().is_empty());
    // Sent again, as a phone retries: the same receipt, and still one line.
    let again = app.post_submission(&correction).await;
    assert_eq!(again.status(), StatusCode::OK);
    let lines = app.audit_lines().await;
    let line = (
        "correction".to_owned(),
        format!(
            "household={code} submission={CORRECTION} fields={person}.months_worked",
            person = person.as_str().unwrap()
        ),
    );
    assert_eq!(lines.iter().filter(|l| **l == line).count(), 1, "{lines:?}");
}

#[tokio::test]
async fn a_phone_clock_far_off_is_flagged_and_its_capture_time_kept() {
    let app = spawn_app().await;
    app.login_as("surveyor").await;
    let roster = app.roster().await;
    let households = roster["households"].as_array().unwrap();
    let ahead_at = time::OffsetDateTime::now_utc() + time::Duration::hours(5);
    let ahead_text = ahead_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let mut ahead = submission("00000000-0000-4000-8000-00000000c10c", &households[0], 10);
    ahead["captured_at"] = ahead_text.clone().into();
    let mut behind = submission("00000000-0000-4000-8000-00000000c10d", &households[1], 10);
    behind["captured_at"] = "2026-09-12T09:00:00+08:00".into();
    let fine = submission("00000000-0000-4000-8000-00000000c10e", &households[2], 10);
    for body in [&ahead, &behind, &fine] {
        assert_eq!(
            app.post_submission(body).await.status(),
            StatusCode::CREATED
        );
    }
    app.login_as("supervisor").await;

    let list = app.review_list("").await;

    let item = |id: &str| {
        list["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["submission"] == id)
            .unwrap()
            .clone()
    };
    let ahead_item = item("00000000-0000-4000-8000-00000000c10c");
    assert_eq!(ahead_item["clock"], "ahead");
    // Kept as the phone gave it.
    let kept = time::OffsetDateTime::parse(
        ahead_item["captured_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(
        kept,
        ahead_at.replace_nanosecond(kept.nanosecond()).unwrap()
    );
    assert_eq!(
        item("00000000-0000-4000-8000-00000000c10d")["clock"],
        "before_round"
    );
    assert!(
        item("00000000-0000-4000-8000-00000000c10e")
            .get("clock")
            .is_none()
    );
    assert_eq!(list["round"], "2026Q4");
}
