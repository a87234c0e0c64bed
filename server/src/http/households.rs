//! `GET /api/v1/households/{code}`: a household's merged ledger; and
//! `GET /api/v1/households?q=`, the supervisors' search, a page at a time.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use shared::codes::Role;
use shared::place::HouseholdCode;
use shared::wire::ErrorBody;
use shared::wire::{History, HouseholdHit, HouseholdSearch, LedgerView};

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::personal::ledger_out;
use crate::http::query::{AppQuery, RoundQuery, parsed};
use crate::store::Store;

/// Households a search answers at a time.
pub const SEARCH_PAGE: u32 = 50;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Part of a household's code, a member's name, ID number or phone
    /// number (its last digits, say); at least two characters.
    pub q: String,
    /// The code of the last household of the page before.
    #[param(value_type = Option<shared::place::HouseholdCode>)]
    pub after: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/households", tag = "ledger", operation_id = "search_households",
    params(SearchQuery),
    responses(
        (status = 200, description = "Up to 50 households of the caller's scope that match, by code, with where the \
            next page starts", body = HouseholdSearch),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators and supervisors only", body = ErrorBody),
        (status = 422, description = "A search of fewer than two characters, or a malformed `after`", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn search<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppQuery(query): AppQuery<SearchQuery>,
) -> Result<Json<HouseholdSearch>, ApiError> {
    caller.require(&[Role::Admin, Role::Supervisor])?;
    let term = query.q.trim();
    if term.chars().count() < 2 {
        return Err(ApiError::Malformed {
            path: "q".into(),
            detail: "a search has at least two characters".into(),
        });
    }
    let after = parsed(query.after.as_deref(), "after", HouseholdCode::parse)?;
    let found = (app.store)
        .search_households(caller.scope()?, term, after.as_ref(), SEARCH_PAGE + 1)
        .await?;
    let next =
        (found.len() > SEARCH_PAGE as usize).then(|| found[SEARCH_PAGE as usize - 1].code.clone());
    let round = app.round();
    let mut hits = Vec::new();
    for place in found.into_iter().take(SEARCH_PAGE as usize) {
        let Some(state) = app.store.household_state(&place.code, round).await? else {
            continue;
        };
        let members: Vec<_> = state.ledger.present_members().collect();
        hits.push(HouseholdHit {
            head: members.first().and_then(|m| m.record.name.clone()),
            members: u32::try_from(members.len()).unwrap_or(u32::MAX),
            surveyed: state.ledger.is_surveyed(),
            code: place.code,
            grid: place.grid,
            building: place.building,
            room: place.room,
        });
    }
    Ok(Json(HouseholdSearch { hits, next }))
}

#[utoipa::path(get, path = "/api/v1/households/{code}", tag = "ledger",
    params(
        ("code" = String, Path, description = "The household's code"),
        ("round" = Option<shared::round::Round>, Query, description = "Like 2026Q4; the round in progress by default"),
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
