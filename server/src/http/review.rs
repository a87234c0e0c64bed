//! Supervisors' review of submissions: `GET /api/v1/review` lists a round's
//! submissions with what each changed and where it stands, and `POST
//! /api/v1/submissions/{id}/review` approves one or returns it to the
//! resident work team with a reason, which their phones show on the roster
//! until a submission made from a state that includes it (their
//! correction) arrives.
//!
//! A decision is final. The same decision again is acknowledged; another
//! one is refused with 409: a return is answered by the team's correction,
//! which is reviewed in its turn, and an approved submission is corrected
//! directly (`kind: correction`). Only a survey that nothing newer was made
//! from can be returned, since a phone that has moved on would never show
//! the return.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shared::codes::{Code, ReviewDecision, Role};
use shared::place::HouseholdCode;
use shared::review::{is_returnable, review_state, successors, summarize};
use shared::validate::check_review;
use shared::wire::{
    ErrorBody, HouseholdPlace, Review, ReviewItem, ReviewList, ReviewRequest, SubmissionId,
};
use time::OffsetDateTime;

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::json::AppJson;
use crate::http::query::{AppQuery, Asked, AskedQuery};
use crate::store::{self, Reviewed, Store, StoredSubmission};

const STATES: &[&str] = &["pending", "approved", "returned", "corrected"];

#[derive(Debug, Deserialize)]
pub struct ReviewQuery {
    pub state: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// A page of the review list unless the caller asks for another size.
const PAGE: u32 = 100;
const MAX_PAGE: u32 = 1000;

#[utoipa::path(get, path = "/api/v1/review", tag = "review", operation_id = "list_review",
    params(
        AskedQuery,
        ("state" = Option<String>, Query, pattern = "^(pending|approved|returned|corrected)$", description = "Only submissions in this state: pending, approved, returned or corrected"),
        ("limit" = Option<u32>, Query, maximum = 1000, description = "At most this many (100 by default, 1000 at most)"),
        ("offset" = Option<u32>, Query, description = "Skip this many of the matching submissions, for the next page"),
    ),
    responses(
        (status = 200, description = "The round's submissions in the caller's scope, newest first, each with what it \
            changed and where it stands in review", body = ReviewList),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Not a supervisor or administrator", body = ErrorBody),
        (status = 404, description = "No grid belongs to the area asked for", body = ErrorBody),
        (status = 422, description = "A malformed round, grid, state or query", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(n = tracing::field::Empty))]
pub async fn list<S: Store>(
    State(app): State<AppState<S>>,
    Asked {
        caller,
        round,
        scope,
    }: Asked,
    AppQuery(query): AppQuery<ReviewQuery>,
) -> Result<Json<ReviewList>, ApiError> {
    caller.require(&[Role::Supervisor, Role::Admin])?;
    if let Some(state) = query.state.as_deref()
        && !STATES.contains(&state)
    {
        return Err(ApiError::Malformed {
            path: "state".into(),
            detail: format!("one of {}", STATES.join(", ")),
        });
    }

    let limit = query.limit.unwrap_or(PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::Malformed {
            path: "limit".into(),
            detail: format!("from 1 to {MAX_PAGE}"),
        });
    }
    let offset = query.offset.unwrap_or(0);

    // Where each stands depends on the round's later submissions, so every
    // one is read; only the page asked for is sent.
    let stored = app.store.round_submissions(round, &scope).await?;
    let names = display_names(&app.store).await?;
    let next = successors(stored.iter().map(|s| &s.accepted.submission));
    let submissions: Vec<ReviewItem> = stored
        .into_iter()
        .map(|s| {
            let successor = next.get(&s.accepted.submission.id).copied();
            item(s, successor, &names)
        })
        .filter(|i| query.state.as_deref().is_none_or(|s| s == i.review.name()))
        .collect();
    let total = u32::try_from(submissions.len()).unwrap_or(u32::MAX);
    let submissions: Vec<ReviewItem> = submissions
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    tracing::Span::current().record("n", submissions.len());
    Ok(Json(ReviewList {
        round,
        submissions,
        total,
    }))
}

fn item(
    stored: StoredSubmission,
    successor: Option<SubmissionId>,
    names: &BTreeMap<String, String>,
) -> ReviewItem {
    let sub = &stored.accepted.submission;
    ReviewItem {
        submission: sub.id,
        kind: sub.kind,
        changes: summarize(sub),
        review: review_state(stored.review.as_ref(), successor),
        author_name: names.get(&stored.accepted.author).cloned(),
        captured_at: sub.captured_at,
        received_at: stored.received_at,
        clock: shared::review::clock_doubt(sub, stored.received_at),
        household: place_of(stored.place),
        author: stored.accepted.author,
    }
}

/// A household's place as the wire names it.
pub fn place_of(place: store::HouseholdPlace) -> HouseholdPlace {
    HouseholdPlace {
        code: place.code,
        grid: place.grid,
        building: place.building,
        floor: place.floor,
        room: place.room,
    }
}

/// Every user's display name, by username.
pub async fn display_names<S: Store>(store: &S) -> Result<BTreeMap<String, String>, ApiError> {
    Ok(store
        .users(None, &store::Scope::All, u32::MAX)
        .await?
        .into_iter()
        .map(|u| (u.username, u.display_name))
        .collect())
}

#[utoipa::path(post, path = "/api/v1/submissions/{id}/review", tag = "review", operation_id = "review_submission",
    params(("id" = String, Path, description = "The submission's id")),
    request_body = ReviewRequest,
    responses(
        (status = 201, description = "Decided and audited; a return shows on the resident work team's phones at their \
            next roster sync", body = Review),
        (status = 200, description = "The same decision was made before: that one", body = Review),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Not a supervisor or administrator, or outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such submission", body = ErrorBody),
        (status = 409, description = "Another decision was made before (review_conflict), or a return of a submission \
            that is not a survey or that something newer was made from (not_returnable)", body = ErrorBody),
        (status = 422, description = "Malformed, or a return without a reason or with one over 200 characters", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(submission = %id))]
pub async fn decide<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(id): Path<String>,
    AppJson(request): AppJson<ReviewRequest>,
) -> Result<(StatusCode, Json<Review>), ApiError> {
    caller.require(&[Role::Supervisor, Role::Admin])?;
    let issues = check_review(&request);
    if !issues.is_empty() {
        return Err(ApiError::Invalid(issues));
    }
    let id = uuid::Uuid::parse_str(&id)
        .map(SubmissionId)
        .map_err(|_| ApiError::UnknownSubmission)?;
    let stored = app
        .store
        .submission(id)
        .await?
        .ok_or(ApiError::UnknownSubmission)?;
    caller.check_household(&stored.place)?;
    let review = Review {
        submission: id,
        decision: request.decision,
        reason: match request.decision {
            ReviewDecision::Return => request.reason.as_deref().map(|r| r.trim().to_owned()),
            ReviewDecision::Approve => None,
        },
        by: caller.user.username.clone(),
        at: OffsetDateTime::now_utc(),
    };
    if let Some(earlier) = stored.review {
        return same_again(earlier, &review);
    }
    let sub = &stored.accepted.submission;
    if review.decision == ReviewDecision::Return {
        let household = app
            .store
            .household_submissions(&sub.household, sub.round)
            .await?;
        let next = successors(household.iter().map(|s| &s.accepted.submission));
        if !is_returnable(sub, next.get(&id).copied()) {
            return Err(ApiError::NotReturnable);
        }
    }

    let subject = review_subject(&sub.household, id, review.decision);
    match app.store.review(&review, &subject).await? {
        Reviewed::New(review) => Ok((StatusCode::CREATED, Json(review))),
        Reviewed::Earlier(earlier) => same_again(earlier, &review),
    }
}

/// A decision's line in the audit log.
pub fn review_subject(
    household: &HouseholdCode,
    submission: SubmissionId,
    decision: ReviewDecision,
) -> String {
    format!(
        "household={household} submission={submission} decision={}",
        decision.code()
    )
}

/// The answer when a decision was stored before: itself if `asked` is the
/// same decision, else a conflict.
fn same_again(earlier: Review, asked: &Review) -> Result<(StatusCode, Json<Review>), ApiError> {
    if earlier.decision == asked.decision && earlier.reason == asked.reason {
        Ok((StatusCode::OK, Json(earlier)))
    } else {
        Err(ApiError::ReviewConflict)
    }
}
