//! Supervisors' view of a round: `GET /api/v1/coverage` (counts at every
//! level), `GET /api/v1/gaps` (who is left), `GET /api/v1/indicators`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shared::coverage::{Coverage, Gaps, coverage, gaps};
use shared::indicators::{GridFigures, IndicatorReport, indicators};
use shared::merge::HouseholdLedger;
use shared::place::GridCode;
use shared::wire::ErrorBody;

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::query::{AppQuery, Asked, AskedQuery, RoundQuery, parsed};
use crate::store::Store;

#[utoipa::path(get, path = "/api/v1/coverage", tag = "supervision",
    params(("round" = Option<shared::round::Round>, Query, description = "Like 2026Q4; the round in progress by default")),
    responses(
        (status = 200, description = "Households, surveyed, visited and missed: the scope, each grid, each building", body = Coverage),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 422, description = "A malformed round", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppQuery(query): AppQuery<RoundQuery>,
) -> Result<Json<Coverage>, ApiError> {
    let round = query.round_or(app.round())?;
    let scope = caller.scope()?;
    let grids = app.store.grids(scope).await?;
    let households = app.store.household_status(round, scope).await?;
    Ok(Json(coverage(round, &grids, &households)))
}

#[derive(Debug, Deserialize)]
pub struct GapsQuery {
    pub building: Option<String>,
    pub after: Option<String>,
}

/// Grids a page of gaps covers: a few hundred households.
pub const GAP_GRIDS: usize = 16;

#[utoipa::path(get, path = "/api/v1/gaps", tag = "supervision",
    params(
        AskedQuery,
        ("building" = Option<String>, Query, description = "One building, like 1号楼"),
        ("after" = Option<shared::place::GridCode>, Query, description = "The `next` of the page before: the grid this page starts after"),
    ),
    responses(
        (status = 200, description = "Households not yet surveyed and not yet visited, each with its last visit, \
            16 grids to a page, in the order of their codes", body = Gaps),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A grid outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No grid belongs to the area asked for", body = ErrorBody),
        (status = 422, description = "A malformed round or grid", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn gaps_of<S: Store>(
    State(app): State<AppState<S>>,
    Asked { round, scope, .. }: Asked,
    AppQuery(query): AppQuery<GapsQuery>,
) -> Result<Json<Gaps>, ApiError> {
    let after = parsed(query.after.as_deref(), "after", GridCode::parse)?;
    let rest: Vec<GridCode> = (app.store.grids(&scope).await?.into_iter())
        .map(|g| g.code)
        .filter(|g| after.as_ref().is_none_or(|after| g > after))
        .collect();
    let page: Vec<GridCode> = rest.iter().take(GAP_GRIDS).cloned().collect();
    let next = (rest.len() > GAP_GRIDS)
        .then(|| page.last().cloned())
        .flatten();
    let read = scope.page(page);
    let households = app.store.household_status(round, &read).await?;
    let mut found = gaps(round, &households, query.building.as_deref());
    found.next = next;
    Ok(Json(found))
}

#[utoipa::path(get, path = "/api/v1/indicators", tag = "supervision",
    params(
        AskedQuery,
    ),
    responses(
        (status = 200, description = "The seeds' indicators over the caller's scope, with the households to follow up", body = IndicatorReport),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A grid or area outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No grid belongs to the area asked for", body = ErrorBody),
        (status = 422, description = "A malformed round", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn indicators_of<S: Store>(
    State(app): State<AppState<S>>,
    Asked { round, scope, .. }: Asked,
) -> Result<Json<IndicatorReport>, ApiError> {
    // Ordered by grid, so each grid's households are one run.
    let (grids, ledgers): (Vec<GridCode>, Vec<HouseholdLedger>) = app
        .store
        .household_states(round, &scope)
        .await?
        .into_iter()
        .map(|state| (state.place.grid, state.ledger))
        .unzip();
    let on = app.calendar.as_of(round);
    let fields = (app.fields.of_round(&app.store, round).await?)
        .map(|set| set.fields)
        .unwrap_or_default();
    let mut report = IndicatorReport::new(
        round,
        app.low_income_line,
        indicators(&ledgers, on, app.low_income_line, app.age_limit, &fields),
    );
    let mut start = 0;
    while let Some(first) = grids.get(start) {
        let end = start + grids[start..].iter().take_while(|g| *g == first).count();
        let figures = indicators(
            &ledgers[start..end],
            on,
            app.low_income_line,
            app.age_limit,
            &[],
        );
        report
            .by_grid
            .push(GridFigures::new(first.clone(), &figures));
        start = end;
    }
    Ok(Json(report))
}
