//! `GET /api/v1/trends`: a place's figures over the last rounds (the
//! round in progress from the figures each household keeps, a closed round
//! from each grid's figures kept once computed from its ledgers), and what
//! changed since the last round.

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shared::dispatch::Activity;
use shared::place::{GridCode, PlaceCode, is_within};
use shared::round::{Intake, Round, start_of_day};
use shared::tally::Tally;
use shared::trends::{Changes, RoundFigures, TREND_ROUNDS, Trends};
use shared::wire::ErrorBody;
use time::Duration;

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use super::query::AppQuery;
use super::summary::{computed, place_asked};
use crate::store::{Scope, Store, StoreError};

/// Grids whose earlier round is computed from its ledgers at a time.
const GRIDS_A_PAGE: usize = 64;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendsQuery {
    /// A place's code; the caller's own place (or everything) by default.
    #[param(value_type = Option<shared::place::PlaceCode>)]
    pub place: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/trends", tag = "supervision",
    params(TrendsQuery),
    responses(
        (status = 200, description = "The place's figures for each of the last 8 rounds the ledger holds, oldest \
            first, and what changed since the last round", body = Trends),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A place outside the caller's", body = ErrorBody),
        (status = 404, description = "No place has this code", body = ErrorBody),
        (status = 422, description = "A malformed place code or query", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppQuery(query): AppQuery<TrendsQuery>,
) -> Result<Json<Trends>, ApiError> {
    let places = app.tree.tree(&app.store).await?;
    let top = caller.user.workplace.as_ref().map(|w| w.code.clone());
    let at = place_asked(&places, top.as_ref(), query.place.as_deref())?;
    let scope = match &at {
        None => caller.scope()?.clone(),
        Some(code) => {
            let (under, grids) = app.store.subtree(code).await?;
            Scope::Place {
                code: code.clone(),
                grids,
                places: under,
            }
        }
    };
    let current = app.round();
    let as_of = app.calendar.as_of(current);
    app.refresh_figures().await?;
    let kept = (app.tree)
        .sums(&app.store, current, as_of, app.low_income_line)
        .await?;
    let grids: BTreeSet<GridCode> = kept.keys().filter(|g| scope.covers(g)).cloned().collect();
    let now: Tally = grids.iter().filter_map(|g| kept.get(g)).copied().sum();

    let first = app.store.first_round().await?.unwrap_or(current);
    let mut earlier = Vec::new();
    let mut round = current;
    for _ in 1..TREND_ROUNDS {
        round = round.previous();
        if round < first {
            break;
        }
        earlier.push(round);
    }
    let mut rounds = Vec::with_capacity(TREND_ROUNDS);
    for &round in earlier.iter().rev() {
        let by_grid = past_round(&app, round, &grids).await?;
        let tally = grids.iter().filter_map(|g| by_grid.get(g)).copied().sum();
        rounds.push(RoundFigures { round, tally });
    }
    rounds.push(RoundFigures {
        round: current,
        tally: now,
    });

    let changes = changes(&app, current, &scope, at.as_ref(), &places, &now).await?;
    Ok(Json(Trends {
        place: at.map(|code| places[&code].clone()),
        rounds,
        changes,
    }))
}

/// Each of `grids`' figures in an earlier `round`: kept once its intake
/// has closed, computed from its ledgers (and then kept) for the grids not
/// kept yet.
async fn past_round<S: Store>(
    app: &AppState<S>,
    round: Round,
    grids: &BTreeSet<GridCode>,
) -> Result<BTreeMap<GridCode, Tally>, ApiError> {
    let closed = app.calendar.intake(round) == Intake::Closed;
    let mut by_grid: BTreeMap<GridCode, Tally> = if closed {
        app.store.round_tallies(round).await?.into_iter().collect()
    } else {
        BTreeMap::new()
    };
    let missing: Vec<GridCode> = grids
        .iter()
        .filter(|g| !by_grid.contains_key(*g))
        .cloned()
        .collect();
    if missing.is_empty() {
        return Ok(by_grid);
    }
    // A page of grids at a time, each kept as soon as it is computed: a
    // province's first read holds one page's ledgers, not the round's.
    for page in missing.chunks(GRIDS_A_PAGE) {
        let fresh: BTreeMap<GridCode, Tally> =
            computed(app, round, &Scope::Page(page.to_vec()), false)
                .await?
                .into_iter()
                .map(|t| (t.grid, t.tally))
                .collect();
        let rows: Vec<(GridCode, Tally)> = (page.iter())
            .map(|g| (g.clone(), fresh.get(g).copied().unwrap_or_default()))
            .collect();
        if closed {
            app.store.keep_round_tallies(round, &rows).await?;
        }
        by_grid.extend(rows);
    }
    Ok(by_grid)
}

/// What changed in the round in progress: zero-employment households that
/// entered and left the list since it began, and who found or lost work
/// since the last round, from the place's kept figures `now`.
async fn changes<S: Store>(
    app: &AppState<S>,
    current: Round,
    scope: &Scope,
    at: Option<&PlaceCode>,
    places: &BTreeMap<PlaceCode, shared::place::Place>,
    now: &Tally,
) -> Result<Changes, ApiError> {
    let today = app.keep_follow_ups().await?;
    let began = current.previous().last_day() + Duration::days(1);
    let mut done = Activity::default();
    let until = start_of_day(today + Duration::days(1));
    for row in app
        .store
        .activity(start_of_day(began), until, began, today)
        .await?
    {
        let grid = GridCode::parse(&row.grid).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let within = scope.covers(&grid)
            && at.is_none_or(|at| is_within(places, &PlaceCode::from(grid.clone()), at));
        if within {
            row.add_to(&mut done);
        }
    }
    let res = Changes {
        newly_zero_employment: done.newly_zero_employment,
        cleared_zero_employment: done.cleared_zero_employment,
        found_work: now.found_work,
        lost_work: now.lost_work,
    };
    Ok(res)
}
