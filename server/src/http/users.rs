//! Accounts, managed by administrators, and by supervisors for the resident
//! work teams and grid members of their own grids: `GET`/`POST
//! /api/v1/users`, `PATCH /api/v1/users/{username}` (role and scope), and
//! `POST .../disable`, `.../enable`, `.../password` (a one-time password);
//! and the audit log, `GET /api/v1/audit`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shared::codes::{Code, Role};
use shared::place::GridCode;
use shared::wire::ErrorBody;
use shared::wire::{NewUser, Scope, UserInfo};
use time::OffsetDateTime;

use crate::accounts::{self, area_of, check_scope};
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::json::AppJson;
use crate::http::query::AppQuery;
use crate::store::{self, Access, AuditEntry, Store, User};

/// The most accounts one list shows; a search narrows it.
pub const USERS_SHOWN: u32 = 200;

fn info(user: User, one_time_password: Option<String>) -> UserInfo {
    UserInfo {
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        grid: user.grid,
        area: user.area,
        disabled: user.disabled,
        must_change_password: user.must_change_password,
        one_time_password,
    }
}

/// Fails unless the caller may manage an account of `role` in `grid`:
/// administrators any; supervisors resident work teams and grid members
/// of the grids they oversee.
pub fn check_manages(caller: &Caller, role: Role, grid: Option<&GridCode>) -> Result<(), ApiError> {
    match (caller.user.role, role, grid) {
        (Role::Admin, _, _) => Ok(()),
        (Role::Supervisor, Role::Surveyor | Role::GridMember, Some(grid)) => {
            caller.check_grid(grid)
        }
        _ => Err(ApiError::NotPermitted),
    }
}

/// The account `username`, if the caller may manage it.
async fn managed<S: Store>(
    app: &AppState<S>,
    caller: &Caller,
    username: &str,
) -> Result<User, ApiError> {
    let user = app
        .store
        .user(username)
        .await?
        .ok_or(ApiError::UnknownUser)?;
    check_manages(caller, user.role, user.grid.as_ref())?;
    Ok(user)
}

async fn audit<S: Store>(
    app: &AppState<S>,
    caller: &Caller,
    action: &str,
    subject: &str,
) -> Result<(), ApiError> {
    app.store
        .audit(
            &caller.user.username,
            action,
            subject,
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(())
}

/// `GET /api/v1/users` query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UserQuery {
    /// Part of a username or name.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "admin",
    params(UserQuery),
    responses((status = 200, description = "The accounts the caller manages whose username or name contains `q`, \
        by username, at most 200", body = Vec<UserInfo>),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators and supervisors only", body = ErrorBody)))]
pub async fn list<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppQuery(query): AppQuery<UserQuery>,
) -> Result<Json<Vec<UserInfo>>, ApiError> {
    caller.require(&[Role::Admin, Role::Supervisor])?;
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let scope = match caller.user.role {
        Role::Admin => store::Scope::All,
        _ => caller.scope()?.clone(),
    };
    let users = app.store.users(search, &scope, USERS_SHOWN).await?;
    Ok(Json(
        users
            .into_iter()
            .filter(|u| check_manages(&caller, u.role, u.grid.as_ref()).is_ok())
            .map(|u| info(u, None))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "admin",
    request_body = NewUser,
    responses(
        (status = 201, description = "Created; without a password in the request, `one_time_password` holds the one \
            the server chose, shown this once, which the user must replace at their first login", body = UserInfo),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators, or supervisors for teams and grid members of their grids", body = ErrorBody),
        (status = 409, description = "The username is taken", body = ErrorBody),
        (status = 422, description = "Bad username, password, grid or area", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn create<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppJson(new): AppJson<NewUser>,
) -> Result<(StatusCode, Json<UserInfo>), ApiError> {
    check_manages(&caller, new.role, new.grid.as_ref())?;
    let added = accounts::add(&app.store, new).await?;
    audit(
        &app,
        &caller,
        "user_add",
        &format!(
            "user={} role={}",
            added.user.username,
            added.user.role.code()
        ),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(info(added.user, added.one_time_password)),
    ))
}

#[utoipa::path(patch, path = "/api/v1/users/{username}", tag = "admin",
    params(("username" = String, Path, description = "Whose scope")),
    request_body = Scope,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Not the caller's to manage, before or after", body = ErrorBody),
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
    caller.require(&[Role::Admin, Role::Supervisor])?;
    managed(&app, &caller, &username).await?;
    check_manages(&caller, scope.role, scope.grid.as_ref())?;
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
    let grid = scope.grid.as_ref().map_or("", GridCode::as_str);
    let subject = format!("user={username} role={} grid={grid}", scope.role.code());
    audit(&app, &caller, "user_scope", &subject).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_access<S: Store>(
    app: &AppState<S>,
    caller: &Caller,
    username: &str,
    access: Access,
) -> Result<StatusCode, ApiError> {
    caller.require(&[Role::Admin, Role::Supervisor])?;
    managed(app, caller, username).await?;
    // Nobody locks themselves out.
    if username == caller.user.username {
        return Err(ApiError::NotPermitted);
    }
    if !app.store.set_access(username, access).await? {
        return Err(ApiError::UnknownUser);
    }
    let action = match access {
        Access::Enabled => "user_enable",
        Access::Disabled => "user_disable",
    };
    audit(app, caller, action, &format!("user={username}")).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/users/{username}/disable", tag = "admin",
    params(("username" = String, Path, description = "Whose account")),
    responses(
        (status = 204, description = "Disabled: it cannot log in, and its phones are logged out at their next \
            request, keeping what they have not sent"),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Not the caller's to manage, or the caller's own", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn disable<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(username): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_access(&app, &caller, &username, Access::Disabled).await
}

#[utoipa::path(post, path = "/api/v1/users/{username}/enable", tag = "admin",
    params(("username" = String, Path, description = "Whose account")),
    responses(
        (status = 204, description = "Enabled again"),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Not the caller's to manage, or the caller's own", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn enable<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(username): Path<String>,
) -> Result<StatusCode, ApiError> {
    set_access(&app, &caller, &username, Access::Enabled).await
}

#[utoipa::path(post, path = "/api/v1/users/{username}/password", tag = "admin",
    params(("username" = String, Path, description = "Whose password")),
    responses(
        (status = 200, description = "A one-time password, in `one_time_password`, shown this once; the user's \
            sessions end and they must choose their own at the next login", body = UserInfo),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Not the caller's to manage", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn reset_password<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(username): Path<String>,
) -> Result<Json<UserInfo>, ApiError> {
    caller.require(&[Role::Admin, Role::Supervisor])?;
    let mut user = managed(&app, &caller, &username).await?;
    let password = accounts::reset_password(&app.store, &username).await?;
    audit(
        &app,
        &caller,
        "user_password_reset",
        &format!("user={username}"),
    )
    .await?;
    user.must_change_password = true;
    Ok(Json(info(user, Some(password))))
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "admin",
    responses((status = 200, description = "The latest 500 lines: reads of unmasked personal information, ledger exports, \
        review decisions, supervisors' corrections and resolutions, and changes to accounts", body = Vec<AuditEntry>), (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators only", body = ErrorBody)))]
/// The latest lines of the audit log, newest first.
pub async fn audit_log<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(app.store.audit_log(500).await?))
}
