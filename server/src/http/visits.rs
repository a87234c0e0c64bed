//! `POST /api/v1/visits`: a grid member's visit, stored once by its id.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::codes::Role;
use shared::round::Round;
use shared::validate::{Issue, IssueCode};
use shared::wire::ErrorBody;
use shared::wire::{Visit, VisitReceipt};
use time::{OffsetDateTime, UtcOffset};

use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::json::AppJson;
use crate::http::{AppState, answer, digest_of};
use crate::store::{Store, StoredVisit};

/// China Standard Time: a visit belongs to the quarter of its local day.
const CHINA: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

#[utoipa::path(post, path = "/api/v1/visits", tag = "survey",
    request_body = Visit,
    responses(
        (status = 201, description = "Stored, durably", body = VisitReceipt),
        (status = 200, description = "Stored before with the same body: the original receipt", body = VisitReceipt),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "The role does not visit, or the household is outside the caller's grid", body = ErrorBody),
        (status = 404, description = "No such household", body = ErrorBody),
        (status = 409, description = "The id was used for a different visit", body = ErrorBody),
        (status = 422, description = "Malformed, or an impossible position", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(visit = %visit.id, household = %visit.household))]
pub async fn post<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppJson(visit): AppJson<Visit>,
) -> Result<(StatusCode, Json<VisitReceipt>), ApiError> {
    // Grid members and resident work teams call on households.
    caller.require(&[Role::GridMember, Role::Surveyor])?;
    if !visit.position.is_plausible() {
        return Err(ApiError::Invalid(vec![Issue {
            path: "position".into(),
            code: IssueCode::ImplausiblePosition,
        }]));
    }
    let place = app
        .store
        .household(&visit.household)
        .await?
        .ok_or(ApiError::UnknownHousehold)?;
    caller.check_grid(&place.grid)?;

    let mut visit = visit;
    visit.visited_at = visit.visited_at.to_offset(UtcOffset::UTC);
    let digest = digest_of(&visit);
    let stored = StoredVisit {
        round: Round::containing(visit.visited_at.to_offset(CHINA).date()),
        visit,
        author: caller.user.username,
        digest,
        received_at: OffsetDateTime::now_utc(),
    };
    answer(app.store.record_visit(&stored).await?)
}
