//! Users and their scopes, managed by administrators: `GET`/`POST
//! /api/v1/users`, `PATCH /api/v1/users/{username}`; and the audit log of
//! unmasked personal information and ledger exports, `GET /api/v1/audit`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shared::codes::Role;
use shared::wire::ErrorBody;
use shared::wire::{NewUser, Scope, UserInfo};

use crate::accounts::{self, area_of, check_scope};
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::json::AppJson;
use crate::store::{AuditEntry, Store, User};

fn info(user: User) -> UserInfo {
    UserInfo {
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        grid: user.grid,
        area: user.area,
    }
}

#[utoipa::path(get, path = "/api/v1/users", tag = "admin",
    responses((status = 200, description = "Every user", body = Vec<UserInfo>), (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators only", body = ErrorBody)))]
pub async fn list<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
) -> Result<Json<Vec<UserInfo>>, ApiError> {
    caller.require(&[Role::Admin])?;
    let users = app.store.users().await?;
    Ok(Json(users.into_iter().map(info).collect()))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "admin",
    request_body = NewUser,
    responses(
        (status = 201, description = "Created", body = UserInfo),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 409, description = "The username is taken", body = ErrorBody),
        (status = 422, description = "Bad username, password, grid or area", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn create<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppJson(new): AppJson<NewUser>,
) -> Result<(StatusCode, Json<UserInfo>), ApiError> {
    caller.require(&[Role::Admin])?;
    let user = accounts::add(&app.store, new).await?;
    Ok((StatusCode::CREATED, Json(info(user))))
}

#[utoipa::path(patch, path = "/api/v1/users/{username}", tag = "admin",
    params(("username" = String, Path, description = "Whose scope")),
    request_body = Scope,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "A grid-bound role without a grid, an unknown grid, an area for a role \
            other than supervisor, or an area no grid belongs to", body = ErrorBody),
    ))]
pub async fn set_scope<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(username): Path<String>,
    AppJson(scope): AppJson<Scope>,
) -> Result<StatusCode, ApiError> {
    caller.require(&[Role::Admin])?;
    let mut issues = Vec::new();
    let area = area_of(scope.area.as_deref());
    check_scope(
        &app.store,
        scope.role,
        scope.grid.as_ref(),
        area.as_deref(),
        &mut issues,
    )
    .await?;
    if !issues.is_empty() {
        return Err(ApiError::Invalid(issues));
    }
    if !app
        .store
        .set_scope(&username, scope.role, scope.grid.as_ref(), area.as_deref())
        .await?
    {
        return Err(ApiError::UnknownUser);
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "admin",
    responses((status = 200, description = "The latest 500 lines: reads of unmasked personal information, ledger exports, \
        review decisions, and supervisors' corrections and resolutions", body = Vec<AuditEntry>), (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators only", body = ErrorBody)))]
/// The latest lines of the audit log, newest first.
pub async fn audit_log<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(app.store.audit_log(500).await?))
}
