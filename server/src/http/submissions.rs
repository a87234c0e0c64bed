//! `POST /api/v1/submissions`: a surveyed household, stored once and merged.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sha2::{Digest, Sha256};
use shared::codes::{Role, SubmissionKind};
use shared::merge::Accepted;
use shared::validate::{Issue, IssueCode, check_against, check_submission};
use shared::wire::{Receipt, Submission};
use time::OffsetDateTime;

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::json::AppJson;
use crate::store::{Recorded, Store};

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
    let mut issues = check_submission(&sub);
    // A round stays open until the next one ends, for phones that sync late.
    if sub.round > app.round || sub.round < app.round.previous() {
        issues.push(Issue {
            path: "round".into(),
            code: IssueCode::RoundNotOpen,
        });
    }
    if !issues.is_empty() {
        return Err(ApiError::Invalid(issues));
    }
    let state = app
        .store
        .household_state(&sub.household, sub.round)
        .await?
        .ok_or(ApiError::UnknownHousehold)?;
    caller.check_grid(&state.place.grid)?;
    // The records this submission leaves behind must pass the same rules the
    // phone checked, as of the day it was captured.
    let issues = check_against(&sub, &state.ledger, sub.captured_at.date());
    if !issues.is_empty() {
        return Err(ApiError::Invalid(issues));
    }

    let mut sub = sub;
    sub.captured_at = sub.captured_at.to_offset(time::UtcOffset::UTC);
    let digest = hex::encode(Sha256::digest(
        serde_json::to_vec(&sub).expect("a submission always serializes"),
    ));
    let accepted = Accepted {
        submission: sub,
        author: caller.user.username,
    };
    match app
        .store
        .record(&accepted, &digest, OffsetDateTime::now_utc())
        .await?
    {
        Recorded::New(receipt) => Ok((StatusCode::CREATED, Json(receipt))),
        Recorded::Again(receipt) => Ok((StatusCode::OK, Json(receipt))),
        Recorded::IdReused => Err(ApiError::IdReused),
    }
}
