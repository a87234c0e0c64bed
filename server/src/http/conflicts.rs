//! Open conflicts for supervisors: `GET /api/v1/conflicts` lists every one
//! in the caller's scope with its sides (value, submission, author, when),
//! and `POST /api/v1/conflicts/resolve` settles one by choosing a side.
//!
//! A resolution is a submission that knows both sides (`shared::review::
//! resolution`); the server makes it and takes it in through the same
//! intake as any other, so it is stored, merged and audited the same way,
//! and the trail keeps every earlier value.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::codes::Role;
use shared::place::HouseholdCode;
use shared::review::{ResolveError, SideInfo, open_conflicts, resolution, resolves};
use shared::validate::{Issue, IssueCode};
use shared::wire::{ConflictList, ErrorBody, OpenConflict, Receipt, ResolveConflict};
use time::OffsetDateTime;

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::json::AppJson;
use crate::http::personal::conflicts_out;
use crate::http::query::{AppQuery, Asked, AskedQuery, parsed};
use crate::http::review::{display_names, place_of};
use crate::http::submissions::intake;
use crate::store::Store;

#[derive(Debug, Deserialize)]
pub struct ConflictsQuery {
    pub after: Option<String>,
}

/// Households a page of conflicts covers.
pub const CONFLICT_PAGE: usize = 50;

#[utoipa::path(get, path = "/api/v1/conflicts", tag = "review", operation_id = "list_conflicts",
    params(
        AskedQuery,
        ("after" = Option<shared::place::HouseholdCode>, Query, description = "The `next` of the page before: the household this page starts after"),
    ),
    responses(
        (status = 200, description = "The open conflicts in the caller's scope of 50 households at a time, in the order \
            of their codes, with each side's value, \
            submission, author, capture and arrival times, and which one stands for now. Conflicts over resident ID \
            and phone numbers are left out for roles that see those masked; a full read is audited.", body = ConflictList),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A grid outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No grid belongs to the area asked for", body = ErrorBody),
        (status = 422, description = "A malformed round, grid or query", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(n = tracing::field::Empty))]
pub async fn list<S: Store>(
    State(app): State<AppState<S>>,
    Asked {
        caller,
        round,
        scope,
    }: Asked,
    AppQuery(query): AppQuery<ConflictsQuery>,
) -> Result<Json<ConflictList>, ApiError> {
    let after = parsed(query.after.as_deref(), "after", HouseholdCode::parse)?;
    // In the round in progress each household says whether it holds a
    // conflict, so only a page of those is read; an earlier round reads
    // the scope's ledgers, and gives them a page at a time too.
    let (mut states, received) = if round == app.round() {
        let mut states = Vec::new();
        let mut received = BTreeMap::new();
        let page = (app.store)
            .conflicted_households(&scope, after.as_ref(), CONFLICT_PAGE as u32 + 1)
            .await?;
        for code in page {
            let Some(state) = app.store.household_state(&code, round).await? else {
                continue;
            };
            for stored in app.store.household_submissions(&code, round).await? {
                received.insert(stored.accepted.submission.id, stored.received_at);
            }
            states.push(state);
        }
        (states, received)
    } else {
        let states = app.store.household_states(round, &scope).await?;
        (states, app.store.received_times(round, &scope).await?)
    };
    states.retain(|s| {
        !s.ledger.conflicts.is_empty() && after.as_ref().is_none_or(|after| s.place.code > *after)
    });
    states.sort_by(|a, b| a.place.code.cmp(&b.place.code));
    let next = (states.len() > CONFLICT_PAGE).then(|| states[CONFLICT_PAGE - 1].place.code.clone());
    states.truncate(CONFLICT_PAGE);
    if !states.is_empty() {
        let subject = format!("round={round} {scope} households={}", states.len());
        conflicts_out(&app.store, &caller, &mut states, &subject).await?;
    }

    let names = display_names(&app.store).await?;
    let info = SideInfo {
        received: &received,
        names: &names,
    };
    let conflicts: Vec<OpenConflict> = states
        .into_iter()
        .flat_map(|s| {
            let place = place_of(s.place);
            open_conflicts(&place, &s.ledger, info)
        })
        .collect();
    tracing::Span::current().record("n", conflicts.len());
    let fields = (app.fields.of_round(&app.store, round).await?)
        .map(|set| set.fields)
        .unwrap_or_default();
    Ok(Json(ConflictList {
        round,
        conflicts,
        fields,
        next,
    }))
}

#[utoipa::path(post, path = "/api/v1/conflicts/resolve", tag = "review", operation_id = "resolve_conflict",
    request_body = ResolveConflict,
    responses(
        (status = 201, description = "The resolution submission, made by the server from the chosen side, is stored \
            and merged: the conflict is gone and the chosen value stands", body = Receipt),
        (status = 200, description = "The same resolution was taken in before: its receipt", body = Receipt),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Not a supervisor, or the household is outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such household, or no such open conflict", body = ErrorBody),
        (status = 409, description = "The id was used for a different submission", body = ErrorBody),
        (status = 422, description = "Malformed; a field that does not exist; a choice that is not a side; keeping a \
            member removed while edited, which needs a resolution with a reason to rejoin; or a record the rules \
            refuse", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(submission = %request.id, household = %request.household))]
pub async fn resolve<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppJson(request): AppJson<ResolveConflict>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    // As for resolution submissions: supervisors resolve.
    caller.require(&[Role::Supervisor])?;
    let round = request.round.unwrap_or(app.round());
    let state = app
        .store
        .household_state(&request.household, round)
        .await?
        .ok_or(ApiError::UnknownHousehold)?;
    caller.check_household(&state.place)?;
    // A retry after the resolution was taken in finds the conflict gone:
    // answer it with the first receipt.
    if let Some(stored) = app.store.submission(request.id).await? {
        let sub = &stored.accepted.submission;
        if !resolves(sub, &request) {
            return Err(ApiError::IdReused);
        }
        let receipt = Receipt {
            submission: sub.id,
            household: sub.household.clone(),
            round: sub.round,
            received_at: stored.received_at,
        };
        return Ok((StatusCode::OK, Json(receipt)));
    }

    let sub = resolution(&state.ledger, &request, OffsetDateTime::now_utc()).map_err(|err| {
        let choose = |code| {
            ApiError::Invalid(vec![Issue {
                path: "choose".into(),
                code,
            }])
        };
        match err {
            ResolveError::UnknownField => ApiError::Malformed {
                path: "field".into(),
                detail: format!("no field {:?}", request.field),
            },
            ResolveError::NoSuchConflict => ApiError::UnknownConflict,
            ResolveError::NotASide => choose(IssueCode::NotASide),
            ResolveError::KeepNeedsJoin => choose(IssueCode::KeepNeedsJoin),
        }
    })?;
    intake(&app, &caller, sub).await
}
