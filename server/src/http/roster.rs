//! `GET /api/v1/roster`: the households the caller may survey, for prefill.

use axum::Json;
use axum::extract::State;
use shared::wire::Roster;

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::personal::roster_out;
use crate::store::Store;

#[tracing::instrument(skip_all, fields(user = %caller.user.username))]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
) -> Result<Json<Roster>, ApiError> {
    let grid = caller.grid_scope()?;
    let grids = app.store.grids(grid).await?;
    let households = app.store.roster(app.round, grid).await?;
    let mut roster = Roster {
        round: app.round,
        grids,
        households,
    };
    roster_out(&app.store, &caller, &mut roster).await?;
    Ok(Json(roster))
}
