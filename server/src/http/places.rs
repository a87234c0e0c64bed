//! `GET /api/v1/places`: the place tree, city to grid, as far as it holds
//! the caller's grids.

use axum::Json;
use axum::extract::State;
use shared::place::{PlaceCode, holding};
use shared::wire::{ErrorBody, PlaceList};

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use crate::store::{Scope, Store};

#[utoipa::path(get, path = "/api/v1/places", tag = "roster", operation_id = "places",
    responses(
        (status = 200, description = "Every place that holds one of the caller's grids: the grids themselves and each \
            place above them, up to the city, from the top level down", body = PlaceList),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "An account without a grid", body = ErrorBody),
    ))]
pub async fn list<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
) -> Result<Json<PlaceList>, ApiError> {
    let scope = caller.scope()?;
    let all = app.store.places().await?;
    let mut places = match scope {
        Scope::All => all,
        scope => {
            let grids: Vec<PlaceCode> = (scope.grids().unwrap_or_default().iter())
                .map(|g| PlaceCode::from(g.clone()))
                .collect();
            holding(&all, &grids)
        }
    };
    places.sort_by(|a, b| (a.level, &a.name).cmp(&(b.level, &b.name)));
    Ok(Json(PlaceList { places }))
}
