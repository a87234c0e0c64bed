//! Accounts, managed by administrators, and by supervisors for the resident
//! work teams, grid members and building heads within their place: `GET`/`POST
//! /api/v1/users`, `PATCH /api/v1/users/{username}` (role and scope), and
//! `POST .../disable`, `.../enable`, `.../password` (a one-time password);
//! and the audit log, `GET /api/v1/audit`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shared::codes::{Code, Role};
use shared::place::PlaceCode;
use shared::wire::ErrorBody;
use shared::wire::{NewUser, Scope, UserInfo};
use time::OffsetDateTime;

use crate::accounts;
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
        workplace: user.workplace,
        disabled: user.disabled,
        must_change_password: user.must_change_password,
        one_time_password,
    }
}

/// Fails unless the caller may manage an account of `role` at `place`:
/// administrators any; supervisors the resident work teams, grid members
/// and building heads of the places they oversee.
pub fn check_manages(
    caller: &Caller,
    role: Role,
    place: Option<&PlaceCode>,
) -> Result<(), ApiError> {
    match (caller.user.role, role, place) {
        (Role::Admin, _, _) => Ok(()),
        (Role::Supervisor, Role::Surveyor | Role::GridMember | Role::BuildingHead, Some(place)) => {
            let within = caller.scope()?.places();
            if within.is_none_or(|places| places.contains(&place.as_str())) {
                Ok(())
            } else {
                Err(ApiError::OutOfScope)
            }
        }
        _ => Err(ApiError::NotPermitted),
    }
}

/// The code of a user's place, if any.
pub fn place_of(user: &User) -> Option<&PlaceCode> {
    user.workplace.as_ref().map(|w| &w.code)
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
    check_manages(caller, user.role, place_of(&user))?;
    Ok(user)
}

pub async fn audit<S: Store>(
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
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of a username or name.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "admin",
    params(UserQuery),
    responses((status = 200, description = "The accounts the caller manages whose username or name contains `q`, \
        by username, at most 200", body = Vec<UserInfo>),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators and supervisors only", body = ErrorBody),
        (status = 422, description = "A malformed query", body = ErrorBody)))]
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
            .filter(|u| check_manages(&caller, u.role, place_of(u)).is_ok())
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
        (status = 403, description = "Administrators, or supervisors for teams, grid members and building heads within their place", body = ErrorBody),
        (status = 409, description = "The username is taken", body = ErrorBody),
        (status = 422, description = "Bad username or password, or a place or building the role cannot work at", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn create<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppJson(new): AppJson<NewUser>,
) -> Result<(StatusCode, Json<UserInfo>), ApiError> {
    caller.require(&[Role::Admin, Role::Supervisor])?;
    let workplace = accounts::workplace_of_new(&app.store, &new).await?;
    check_manages(&caller, new.role, workplace.as_ref().map(|w| &w.code))?;
    let added = accounts::add_at(&app.store, new, workplace).await?;
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
        (status = 422, description = "A place that is missing, unknown, ambiguous or of a level the role cannot \
            work at; a building missing for a building head, unknown in the grid, or given for another role", body = ErrorBody),
    ))]
pub async fn set_scope<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(username): Path<String>,
    AppJson(scope): AppJson<Scope>,
) -> Result<StatusCode, ApiError> {
    caller.require(&[Role::Admin, Role::Supervisor])?;
    managed(&app, &caller, &username).await?;
    let workplace = accounts::workplace(
        &app.store,
        scope.role,
        scope.place.as_deref(),
        scope.building.as_deref(),
    )
    .await?;
    check_manages(&caller, scope.role, workplace.as_ref().map(|w| &w.code))?;
    if !app
        .store
        .set_scope(&username, scope.role, workplace.as_ref())
        .await?
    {
        return Err(ApiError::UnknownUser);
    }
    let place = workplace.as_ref().map_or("", |w| w.code.as_str());
    let subject = format!("user={username} role={} place={place}", scope.role.code());
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
