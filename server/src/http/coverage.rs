//! `GET /api/v1/coverage?round=`: households surveyed per grid.

use axum::Json;
use axum::extract::{Query, State};
use shared::wire::Coverage;

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::households::RoundQuery;
use crate::store::Store;

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
