//! `POST /api/v1/submissions`: a surveyed household, stored once and merged.
//! Supervisors' corrections and resolutions come the same way, and are
//! audited.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::codes::{Code, Role, SubmissionKind};
use shared::merge::Accepted;
use shared::round::Intake;
use shared::validate::{Issue, IssueCode, check_against, check_extras, check_submission};
use shared::wire::ErrorBody;
use shared::wire::{Receipt, Submission};
use time::OffsetDateTime;

use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::json::AppJson;
use crate::http::{AppState, answer, digest_of};
use crate::store::Store;

#[utoipa::path(post, path = "/api/v1/submissions", tag = "survey",
    request_body = Submission,
    responses(
        (status = 201, description = "Stored and merged into the ledger, durably", body = Receipt),
        (status = 200, description = "Stored before with the same body: the original receipt", body = Receipt),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "The role may not submit this kind, or the household is outside the caller's grid", body = ErrorBody),
        (status = 404, description = "No such household", body = ErrorBody),
        (status = 409, description = "The id was used for a different submission", body = ErrorBody),
        (status = 413, description = "The body is over 256 KiB", body = ErrorBody),
        (status = 422, description = "Malformed, or breaks the rules; every field error is listed", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(submission = %sub.id, household = %sub.household))]
pub async fn post<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppJson(sub): AppJson<Submission>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    // Resident work teams survey; supervisors also resolve and correct.
    match sub.kind {
        SubmissionKind::Survey => caller.require(&[Role::Surveyor, Role::Supervisor])?,
        SubmissionKind::Resolution | SubmissionKind::Correction => {
            caller.require(&[Role::Supervisor])?
        }
    }
    intake(&app, &caller, sub).await
}

/// Checks a submission against the rules and its household's ledger, then
/// stores and merges it; a supervisor's correction or resolution also gets
/// a line in the audit log. Every submission takes this path, whoever made
/// it; the caller has checked that their role may send its kind.
pub async fn intake<S: Store>(
    app: &AppState<S>,
    caller: &Caller,
    sub: Submission,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let mut issues = check_submission(&sub);
    // The last round stays open for a grace period, for phones that sync late.
    match app.calendar.intake(sub.round) {
        Intake::Open => {}
        Intake::NotYet => issues.push(Issue {
            path: "round".into(),
            code: IssueCode::RoundNotOpen,
        }),
        Intake::Closed => issues.push(Issue {
            path: "round".into(),
            code: IssueCode::RoundClosed,
        }),
    }
    if !issues.is_empty() {
        return Err(ApiError::Invalid(issues));
    }
    let state = app
        .store
        .household_state(&sub.household, sub.round)
        .await?
        .ok_or(ApiError::UnknownHousehold)?;
    caller.check_household(&state.place)?;
    // The records this submission leaves behind must pass the same rules the
    // phone checked, as of the day it was captured.
    let on = sub.captured_at.date();
    let mut issues = check_against(&sub, &state.ledger, on);
    let fields = app.fields.of_round(&app.store, sub.round).await?;
    issues.extend(check_extras(&sub, fields.as_ref(), &state.ledger, on));
    if !issues.is_empty() {
        return Err(ApiError::Invalid(issues));
    }

    let mut sub = sub;
    sub.captured_at = sub.captured_at.to_offset(time::UtcOffset::UTC);
    let digest = digest_of(&sub);
    let accepted = Accepted {
        submission: sub,
        author: caller.user.username.clone(),
    };
    let recorded = app
        .store
        .record(&accepted, &digest, OffsetDateTime::now_utc())
        .await?;
    let sub = &accepted.submission;
    if sub.kind != SubmissionKind::Survey {
        // After the commit, so that only a stored change is audited; on a
        // repeat too, so that a retry after a failed line writes it.
        app.store
            .audit_once(
                &accepted.author,
                sub.kind.code(),
                &change_subject(sub),
                OffsetDateTime::now_utc(),
            )
            .await?;
    }
    answer(recorded)
}

/// What a submission changed, for the audit log: its household, its id,
/// and every field it wrote (`household.phone`, `P1.employment`,
/// `P2.membership`), values left out.
fn change_subject(sub: &Submission) -> String {
    let mut fields: Vec<String> = sub
        .household_writes
        .iter()
        .map(|w| format!("household.{}", w.key().name()))
        .chain((sub.household_extra.iter()).map(|w| format!("household.{}", w.key.field_name())))
        .collect();
    for report in &sub.members {
        if report.membership.is_some() {
            fields.push(format!("{}.membership", report.person));
        }
        for write in &report.writes {
            fields.push(format!("{}.{}", report.person, write.key().name()));
        }
        for write in &report.extra {
            fields.push(format!("{}.{}", report.person, write.key.field_name()));
        }
    }
    format!(
        "household={} submission={} fields={}",
        sub.household,
        sub.id,
        fields.join(",")
    )
}
