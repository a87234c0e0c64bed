//! `GET /api/v1/follow-up`: the households a supervisor follows up, a page
//! at a time: labour households with no one employed (零就业家庭) and
//! households under the low-income line. For the round in progress they
//! are read from the figures each household keeps; for an earlier round
//! they are computed from its ledgers.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shared::indicators::{FollowUp, FollowUpHousehold, FollowUpPage, indicators};
use shared::place::HouseholdCode;
use shared::wire::ErrorBody;

use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::query::{AppQuery, Asked, AskedQuery, parsed};
use crate::store::{HouseholdPlace, Store};

/// Households a page holds at most, and by default.
pub const FOLLOW_UP_PAGE: usize = 100;

#[derive(Debug, Deserialize)]
pub struct FollowUpQuery {
    pub list: Option<String>,
    pub after: Option<String>,
    pub limit: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/follow-up", tag = "supervision",
    params(
        AskedQuery,
        ("list" = String, Query, description = "`zero_employment` or `low_income`"),
        ("after" = Option<String>, Query, description = "The `next` of the page before: the household this page starts after"),
        ("limit" = Option<u32>, Query, description = "Households a page holds, 1 to 100; 100 by default"),
    ),
    responses(
        (status = 200, description = "A page of the households of the list in the caller's scope (or the place, area or \
            grid asked), in the order of their codes, each with its per-capita income", body = FollowUpPage),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A place outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such place", body = ErrorBody),
        (status = 422, description = "No list or an unknown one, a malformed round or `after`", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    Asked { round, scope, .. }: Asked,
    AppQuery(query): AppQuery<FollowUpQuery>,
) -> Result<Json<FollowUpPage>, ApiError> {
    let list = parsed(Some(query.list.as_deref().unwrap_or("")), "list", |raw| {
        FollowUp::parse(raw).ok_or("the list is zero_employment or low_income")
    })?
    .expect("always given");
    let after = parsed(query.after.as_deref(), "after", HouseholdCode::parse)?;
    let page = parsed(query.limit.as_deref(), "limit", |raw| {
        (raw.parse::<usize>().ok())
            .filter(|n| (1..=FOLLOW_UP_PAGE).contains(n))
            .ok_or("a page holds 1 to 100 households")
    })?
    .unwrap_or(FOLLOW_UP_PAGE);
    let mut found: Vec<FollowUpHousehold> = if round == app.round() {
        app.store
            .refresh_figures(round, app.calendar.as_of(round))
            .await?;
        let rows = (app.store)
            .follow_up(
                &scope,
                list,
                app.low_income_line,
                after.as_ref(),
                FOLLOW_UP_PAGE as u32 + 1,
            )
            .await?;
        rows.into_iter()
            .map(|(place, per_capita)| {
                listed(place, per_capita.and_then(|p| u32::try_from(p).ok()))
            })
            .collect()
    } else {
        computed(&app, round, &scope, list).await?
    };
    found.retain(|h| after.as_ref().is_none_or(|after| h.code > *after));
    let next = (found.len() > page).then(|| found[page - 1].code.clone());
    found.truncate(page);
    Ok(Json(FollowUpPage {
        list,
        households: found,
        next,
    }))
}

fn listed(place: HouseholdPlace, per_capita: Option<u32>) -> FollowUpHousehold {
    FollowUpHousehold {
        code: place.code,
        grid: place.grid,
        building: place.building,
        room: place.room,
        per_capita,
    }
}

/// An earlier round's list, from its ledgers, by code.
async fn computed<S: Store>(
    app: &AppState<S>,
    round: shared::round::Round,
    scope: &crate::store::Scope,
    list: FollowUp,
) -> Result<Vec<FollowUpHousehold>, ApiError> {
    let on = app.calendar.as_of(round);
    let mut found = Vec::new();
    for state in app.store.household_states(round, scope).await? {
        let report = indicators(
            std::slice::from_ref(&state.ledger),
            on,
            app.low_income_line,
            &[],
        );
        let per_capita = report.low_income.first().map(|l| l.per_capita);
        let on_list = match list {
            FollowUp::ZeroEmployment => !report.zero_employment.is_empty(),
            FollowUp::LowIncome => per_capita.is_some(),
        };
        if on_list {
            found.push(listed(state.place, per_capita));
        }
    }
    found.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(found)
}
