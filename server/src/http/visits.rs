//! `POST /api/v1/visits`: a grid member's visit, stored once by its id;
//! `GET /api/v1/visits`: a round's visits for the map, each with the flags
//! that put it up for review (`shared::flags`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use geo_types::Polygon;
use serde::Deserialize;
use shared::codes::Role;
use shared::flags::{Trace, flag_visits};
use shared::place::GridCode;
use shared::round::Round;
use shared::validate::{Issue, IssueCode};
use shared::wire::ErrorBody;
use shared::wire::{Visit, VisitList, VisitPoint, VisitReceipt};
use time::{OffsetDateTime, UtcOffset};

use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::json::AppJson;
use crate::http::query::{AppQuery, Asked, AskedQuery};
use crate::http::review::display_names;
use crate::http::{AppState, answer, digest_of};
use crate::store::{Store, StoredVisit};

#[utoipa::path(post, path = "/api/v1/visits", tag = "survey",
    request_body = Visit,
    responses(
        (status = 201, description = "Stored, durably", body = VisitReceipt),
        (status = 200, description = "Stored before with the same body: the original receipt", body = VisitReceipt),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "The role does not visit, or the household is outside the caller's grid", body = ErrorBody),
        (status = 404, description = "No such household", body = ErrorBody),
        (status = 409, description = "The id was used for a different visit", body = ErrorBody),
        (status = 422, description = "Malformed, or an impossible position", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(visit = %visit.id, household = %visit.household))]
pub async fn post<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppJson(visit): AppJson<Visit>,
) -> Result<(StatusCode, Json<VisitReceipt>), ApiError> {
    // Grid members and resident work teams call on households.
    caller.require(&[Role::GridMember, Role::BuildingHead, Role::Surveyor])?;
    if !visit.position.is_plausible() {
        return Err(ApiError::Invalid(vec![Issue {
            path: "position".into(),
            code: IssueCode::ImplausiblePosition,
        }]));
    }
    let place = app
        .store
        .household(&visit.household)
        .await?
        .ok_or(ApiError::UnknownHousehold)?;
    caller.check_household(&place)?;

    let mut visit = visit;
    visit.visited_at = visit.visited_at.to_offset(UtcOffset::UTC);
    let digest = digest_of(&visit);
    let stored = StoredVisit {
        round: Round::in_china(visit.visited_at),
        visit,
        author: caller.user.username,
        digest,
        received_at: OffsetDateTime::now_utc(),
    };
    answer(app.store.record_visit(&stored).await?)
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub flagged: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/visits", tag = "supervision", operation_id = "list_visits",
    params(
        AskedQuery,
        ("flagged" = Option<bool>, Query, description = "true: only the visits up for review"),
    ),
    responses(
        (status = 200, description = "The round's visits to the scope's households, oldest first, each with where \
            the phone was and its flags: outside_grid (the fix's accuracy circle does not reach the grid's \
            outline) or impossible_pace (the author's visit just before or after it is farther away than \
            120 km/h allows)", body = VisitList),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A grid outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No grid belongs to the area asked for", body = ErrorBody),
        (status = 422, description = "A malformed round, grid or query", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(n = tracing::field::Empty))]
pub async fn list<S: Store>(
    State(app): State<AppState<S>>,
    Asked { round, scope, .. }: Asked,
    AppQuery(query): AppQuery<ListQuery>,
) -> Result<Json<VisitList>, ApiError> {
    let visits = app.store.round_visits(round, &scope).await?;
    // The outlines the phone draws, so a flag agrees with the map.
    let outlines: BTreeMap<GridCode, Polygon<f64>> = app
        .store
        .map(&scope)
        .await?
        .into_iter()
        .filter_map(|map| Some((map.grid, map.outline?.to_polygon())))
        .collect();
    let traces: Vec<Trace<'_>> = visits
        .iter()
        .map(|placed| Trace {
            id: placed.visit.id,
            author: &placed.author,
            visited_at: placed.visit.visited_at,
            fix: placed.visit.position.fix(),
            grid: outlines.get(&placed.grid),
        })
        .collect();
    let flags = flag_visits(&traces);
    let only_flagged = query.flagged.unwrap_or(false);
    let points: Vec<VisitPoint> = visits
        .iter()
        .zip(flags)
        .filter(|(placed, flags)| scope.covers(&placed.grid) && !(only_flagged && flags.is_empty()))
        .map(|(placed, flags)| VisitPoint {
            id: placed.visit.id,
            household: placed.visit.household.clone(),
            author: placed.author.clone(),
            visited_at: placed.visit.visited_at,
            outcome: placed.visit.outcome,
            fix: placed.visit.position.fix().map(|fix| fix.rounded()),
            flags,
        })
        .collect();
    let names = display_names(&app.store).await?;
    let authors = points
        .iter()
        .filter_map(|p| Some((p.author.clone(), names.get(&p.author)?.clone())))
        .collect();
    tracing::Span::current().record("n", points.len());
    Ok(Json(VisitList {
        round,
        visits: points,
        authors,
    }))
}
