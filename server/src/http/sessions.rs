//! The sessions open on every browser, for an administrator to see and to
//! end: `GET /api/v1/sessions`, `DELETE /api/v1/sessions/{id}`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shared::codes::Role;
use shared::wire::{ErrorBody, OpenSession};

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::query::AppQuery;
use crate::http::users::audit;
use crate::store::Store;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionsQuery {
    /// Only this user's sessions.
    pub username: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/sessions", tag = "admin",
    params(SessionsQuery),
    responses(
        (status = 200, description = "The unexpired sessions, the latest used first (at most 1,000)", body = Vec<OpenSession>),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 422, description = "Malformed query", body = ErrorBody),
    ))]
pub async fn list<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppQuery(query): AppQuery<SessionsQuery>,
) -> Result<Json<Vec<OpenSession>>, ApiError> {
    caller.require(&[Role::Admin])?;
    let username = query.username.as_deref().filter(|u| !u.is_empty());
    let now = app.calendar.now();
    Ok(Json(app.store.sessions(username, now).await?))
}

#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "admin",
    params(("id" = String, Path, description = "The session's `id` from the list")),
    responses(
        (status = 204, description = "Ended: its browser must log in again"),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators only, or sent from another site", body = ErrorBody),
        (status = 404, description = "No such session; it may have ended", body = ErrorBody),
    ))]
pub async fn end<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(&[Role::Admin])?;
    let username = app
        .store
        .end_session(&id)
        .await?
        .ok_or(ApiError::UnknownSession)?;
    audit(
        &app,
        &caller,
        "session_ended",
        &format!("user={username} session={id}"),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
