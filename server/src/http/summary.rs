//! `GET /api/v1/summary`: one place's coverage and main indicators, and
//! those of the places one level down (a grid's buildings), worst covered
//! first, with the way back up: what a supervisor drills down through. For
//! the round in progress the figures are the ones kept beside each
//! household (`store::figures`), summed by grid in one read; for an
//! earlier round they are computed from its ledgers.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shared::codes::Level;
use shared::coverage::HouseholdStatus;
use shared::place::{GridCode, HouseholdCode, Place, PlaceCode, above, is_within};
use shared::round::Round;
use shared::tally::{Figures, Tally, roll_up};
use shared::wire::{ErrorBody, PlaceSummary, SummaryLine};

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use super::query::{AppQuery, RoundQuery};
use crate::kept_follow_ups::{OpenItems, add, overdue_before};
use crate::store::{GridTally, Scope, Store};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// A place's code; without one, the caller's own place, or the top of
    /// the tree for those who see everything.
    #[param(value_type = Option<shared::place::PlaceCode>)]
    pub place: Option<String>,
    /// Like 2026Q4; the round in progress by default.
    #[param(value_type = Option<shared::round::Round>)]
    pub round: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/summary", tag = "supervision",
    params(SummaryQuery),
    responses(
        (status = 200, description = "The place's figures, the path above it, and the figures of each place one \
            level down (of each building, for a grid), the least surveyed first", body = PlaceSummary),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A place outside the caller's", body = ErrorBody),
        (status = 404, description = "No place has this code", body = ErrorBody),
        (status = 422, description = "A malformed round", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppQuery(query): AppQuery<SummaryQuery>,
) -> Result<Json<PlaceSummary>, ApiError> {
    let round = RoundQuery {
        round: query.round.clone(),
    }
    .round_or(app.round())?;
    let scope = caller.scope()?;
    let current = round == app.round();
    let on = app.calendar.as_of(round);
    let places = app.tree.tree(&app.store).await?;
    let top = caller.user.workplace.as_ref().map(|w| w.code.clone());
    let at = place_asked(&places, top.as_ref(), query.place.as_deref())?;
    let by_building = at
        .as_ref()
        .is_some_and(|code| !places.values().any(|p| p.parent.as_ref() == Some(code)));
    if current {
        app.refresh_figures().await?;
    }
    // The round in progress by place is summed from every grid's kept
    // figures; a grid's buildings, a building head's own building and an
    // earlier round are read for what was asked.
    let grid_sums: Vec<(GridCode, Tally)> =
        if current && !by_building && !matches!(scope, Scope::Building { .. }) {
            let kept = (app.tree)
                .sums(&app.store, round, on, app.low_income_line)
                .await?;
            let items = app.open_items().await?;
            // Without a place, only the caller's own scope (everything, for
            // those who have no place).
            (kept.iter())
                .filter(|(grid, _)| at.is_some() || scope.covers(grid))
                .map(|(grid, tally)| {
                    let mut tally = *tally;
                    if let Some(open) = items.get(grid) {
                        open.apply(&mut tally);
                    }
                    (grid.clone(), tally)
                })
                .collect()
        } else {
            let read = match (&at, scope) {
                (None, _) | (_, Scope::Building { .. }) => scope.clone(),
                (Some(code), _) => {
                    let (under, grids) = app.store.subtree(code).await?;
                    Scope::Place {
                        code: code.clone(),
                        grids,
                        places: under,
                    }
                }
            };
            let tallies = if current {
                let mut tallies = (app.store)
                    .tallies(round, app.low_income_line, &read, by_building)
                    .await?;
                add_open_items(&app, &read, by_building, &mut tallies).await?;
                tallies
            } else {
                computed(&app, round, &read, by_building).await?
            };
            if by_building {
                let children = (tallies.into_iter())
                    .map(|t| SummaryLine {
                        code: None,
                        grid: Some(t.grid),
                        name: t.building.unwrap_or_default(),
                        level: Level::Building,
                        tally: t.tally,
                    })
                    .collect();
                return Ok(Json(answer(&app, &places, top, at, round, children)));
            }
            tallies.into_iter().map(|t| (t.grid, t.tally)).collect()
        };
    // Grids outside the place asked are left out.
    let children: Vec<SummaryLine> = roll_up(
        &places,
        at.as_ref(),
        grid_sums.iter().map(|(grid, tally)| (grid, *tally)),
    )
    .into_iter()
    .map(|(code, tally)| {
        let place = &places[&code];
        SummaryLine {
            name: place.name.clone(),
            level: place.level,
            code: Some(code),
            grid: None,
            tally,
        }
    })
    .collect();
    Ok(Json(answer(&app, &places, top, at, round, children)))
}

/// The place `raw` names, which must be `top` (the caller's own place) or
/// under it; `top` when none is named.
pub fn place_asked(
    places: &BTreeMap<PlaceCode, Place>,
    top: Option<&PlaceCode>,
    raw: Option<&str>,
) -> Result<Option<PlaceCode>, ApiError> {
    let Some(raw) = raw else {
        return Ok(top.cloned());
    };
    let code = PlaceCode::parse(raw).map_err(|_| ApiError::UnknownPlace)?;
    if !places.contains_key(&code) {
        return Err(ApiError::UnknownPlace);
    }
    if top.is_some_and(|top| !is_within(places, &code, top)) {
        return Err(ApiError::OutOfScope);
    }
    Ok(Some(code))
}

/// The summary of `at` for a caller whose own place is `top`: its
/// figures in `round` under the deployment's definitions, the sum of
/// `children`'s, the path above it up to `top`, and `children` worst first.
fn answer<S>(
    app: &AppState<S>,
    places: &BTreeMap<PlaceCode, Place>,
    top: Option<PlaceCode>,
    at: Option<PlaceCode>,
    round: Round,
    mut children: Vec<SummaryLine>,
) -> PlaceSummary {
    let total = children.iter().map(|c| c.tally).sum();
    children.sort_by(worst_first);
    let path = match &at {
        None => Vec::new(),
        Some(code) => {
            let above = above(places, code);
            // Only as high as the caller's own place.
            let from = match &top {
                None => Some(0),
                Some(top) => above.iter().position(|p| p.code == *top),
            };
            from.map(|n| above[n..].iter().map(|p| (*p).clone()).collect())
                .unwrap_or_default()
        }
    };
    PlaceSummary {
        round,
        place: at.map(|code| places[&code].clone()),
        path,
        total,
        children,
        low_income_line: app.low_income_line,
        working_age_limit: app.age_limit,
    }
}

/// The least surveyed share first; places with no household last; then by name.
fn worst_first(a: &SummaryLine, b: &SummaryLine) -> Ordering {
    let share = |l: &SummaryLine| l.tally.surveyed_share().unwrap_or(f64::INFINITY);
    share(a)
        .total_cmp(&share(b))
        .then_with(|| a.name.cmp(&b.name))
}

/// Adds the open follow-up items of each grid (or building) of `scope` to
/// its tally: those overdue and the labourers seeking work.
async fn add_open_items<S: Store>(
    app: &AppState<S>,
    scope: &Scope,
    by_building: bool,
    tallies: &mut [GridTally],
) -> Result<(), ApiError> {
    let today = app.keep_follow_ups().await?;
    let cutoffs = overdue_before(app.deadlines, today);
    let mut open: BTreeMap<(String, Option<String>), OpenItems> = BTreeMap::new();
    for row in app
        .store
        .follow_up_counts(scope, &cutoffs, by_building)
        .await?
    {
        add(
            open.entry((row.grid.clone(), row.building.clone()))
                .or_default(),
            &row,
        );
    }
    for t in tallies {
        let key = (t.grid.as_str().to_owned(), t.building.clone());
        if let Some(items) = open.get(&key) {
            items.apply(&mut t.tally);
        }
    }
    Ok(())
}

/// An earlier round's figures, from its ledgers and visits, by grid or by
/// building.
pub async fn computed<S: Store>(
    app: &AppState<S>,
    round: Round,
    scope: &Scope,
    by_building: bool,
) -> Result<Vec<GridTally>, ApiError> {
    let on = app.calendar.as_of(round);
    let statuses: BTreeMap<HouseholdCode, HouseholdStatus> =
        (app.store.household_status(round, scope).await?.into_iter())
            .map(|s| (s.code.clone(), s))
            .collect();
    let mut sums: BTreeMap<(_, Option<String>), Tally> = BTreeMap::new();
    for state in app.store.household_states(round, scope).await? {
        let Some(status) = statuses.get(&state.place.code) else {
            continue;
        };
        let figures = Figures::of(&state.ledger, on, app.age_limit);
        let tally = Tally::household(
            &figures,
            status.surveyed,
            status.visits > 0,
            figures.is_low_income(app.low_income_line),
        );
        let building = by_building.then_some(state.place.building);
        *sums.entry((state.place.grid, building)).or_default() += tally;
    }
    Ok(sums
        .into_iter()
        .map(|((grid, building), tally)| GridTally {
            grid,
            building,
            tally,
        })
        .collect())
}
