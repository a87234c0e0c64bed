//! `GET /api/v1/households/{code}`: a household's merged ledger.

use axum::Json;
use axum::extract::{Path, State};
use shared::place::HouseholdCode;
use shared::wire::ErrorBody;
use shared::wire::{History, LedgerView};

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::personal::ledger_out;
use crate::http::query::{AppQuery, RoundQuery};
use crate::store::Store;

#[utoipa::path(get, path = "/api/v1/households/{code}", tag = "ledger",
    params(
        ("code" = String, Path, description = "The household's code"),
        ("round" = Option<String>, Query, description = "Like 2026Q4; the round in progress by default"),
    ),
    responses(
        (status = 200, description = "The merged ledger with provenance, trails and open conflicts", body = LedgerView),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Outside the caller's grid", body = ErrorBody),
        (status = 404, description = "No such household", body = ErrorBody),
        (status = 422, description = "A malformed round", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(household = %code))]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(code): Path<String>,
    AppQuery(query): AppQuery<RoundQuery>,
) -> Result<Json<LedgerView>, ApiError> {
    let round = query.round_or(app.round())?;
    let code = HouseholdCode::parse(&code).map_err(|_| ApiError::UnknownHousehold)?;
    let state = app
        .store
        .household_state(&code, round)
        .await?
        .ok_or(ApiError::UnknownHousehold)?;
    caller.check_household(&state.place)?;
    Ok(Json(
        ledger_out(&app.store, &caller, "household", state.ledger).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/households/{code}/history", tag = "ledger",
    params(("code" = String, Path, description = "The household's code")),
    responses(
        (status = 200, description = "Every round's ledger, oldest first", body = History),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Outside the caller's grid", body = ErrorBody),
        (status = 404, description = "No such household", body = ErrorBody),
    ))]
/// `GET /api/v1/households/{code}/history`.
#[tracing::instrument(skip_all, fields(household = %code))]
pub async fn history<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Json<History>, ApiError> {
    let code = HouseholdCode::parse(&code).map_err(|_| ApiError::UnknownHousehold)?;
    let place = app
        .store
        .household(&code)
        .await?
        .ok_or(ApiError::UnknownHousehold)?;
    caller.check_household(&place)?;
    let mut rounds = Vec::new();
    for ledger in app.store.history(&code).await? {
        rounds.push(ledger_out(&app.store, &caller, "history", ledger).await?);
    }
    Ok(Json(History {
        household: code,
        rounds,
    }))
}
