//! `GET /api/v1/coverage?round=`: households surveyed per grid.

use axum::Json;
use axum::extract::{Query, State};
use shared::wire::Coverage;
use shared::wire::ErrorBody;

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::households::RoundQuery;
use crate::store::Store;

#[utoipa::path(get, path = "/api/v1/coverage", tag = "supervision",
    params(("round" = Option<String>, Query, description = "Like 2026Q4; the round in progress by default")),
    responses(
        (status = 200, description = "Households and surveyed households per grid of the caller's scope", body = Coverage),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 422, description = "A malformed round", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Query(query): Query<RoundQuery>,
) -> Result<Json<Coverage>, ApiError> {
    let round = query.round_or(app.round)?;
    let grids = app.store.coverage(round, caller.grid_scope()?).await?;
    Ok(Json(Coverage { round, grids }))
}
