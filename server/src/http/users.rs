//! Users and their scopes, managed by administrators: `GET`/`POST
//! /api/v1/users`, `PATCH /api/v1/users/{username}`; and the audit log of
//! unmasked personal information and ledger exports, `GET /api/v1/audit`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shared::codes::Role;
use shared::place::GridCode;
use shared::validate::{Issue, IssueCode};
use shared::wire::ErrorBody;
use shared::wire::{NewUser, Scope, UserInfo};

use crate::http::AppState;
use crate::http::auth::{Caller, hash_password};
use crate::http::error::ApiError;
use crate::http::json::AppJson;
use crate::store::{AuditEntry, Credentials, Store, User};

fn info(user: User) -> UserInfo {
    UserInfo {
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        grid: user.grid,
        area: user.area,
    }
}

/// An area as given: trimmed, and `None` when blank.
fn area_of(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|area| !area.is_empty())
        .map(str::to_owned)
}

/// The rules of a scope: grid-bound roles name an existing grid; only
/// supervisors oversee an area, and it is the area of at least one grid.
async fn check_scope<S: Store>(
    store: &S,
    role: Role,
    grid: Option<&GridCode>,
    area: Option<&str>,
    issues: &mut Vec<Issue>,
) -> Result<(), ApiError> {
    match (role, grid) {
        (Role::Surveyor | Role::GridMember, None) => issues.push(Issue {
            path: "grid".into(),
            code: IssueCode::GridRequired,
        }),
        (_, Some(grid)) if !store.grid_exists(grid).await? => issues.push(Issue {
            path: "grid".into(),
            code: IssueCode::UnknownGrid,
        }),
        _ => {}
    }
    match (role, area) {
        (_, None) => {}
        (Role::Supervisor, Some(area)) => {
            if store.area_grids(area).await?.is_empty() {
                issues.push(Issue {
                    path: "area".into(),
                    code: IssueCode::UnknownArea,
                });
            }
        }
        (Role::Admin | Role::Surveyor | Role::GridMember, Some(_)) => issues.push(Issue {
            path: "area".into(),
            code: IssueCode::AreaForSupervisors,
        }),
    }
    Ok(())
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
    let mut issues = Vec::new();
    let username_ok = (3..=32).contains(&new.username.len())
        && new
            .username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !username_ok {
        issues.push(Issue {
            path: "username".into(),
            code: IssueCode::UsernameFormat,
        });
    }
    if new.display_name.trim().is_empty() {
        issues.push(Issue {
            path: "display_name".into(),
            code: IssueCode::Required,
        });
    }
    if new.password.chars().count() < 8 {
        issues.push(Issue {
            path: "password".into(),
            code: IssueCode::PasswordTooShort,
        });
    }
    let area = area_of(new.area.as_deref());
    check_scope(
        &app.store,
        new.role,
        new.grid.as_ref(),
        area.as_deref(),
        &mut issues,
    )
    .await?;
    if !issues.is_empty() {
        return Err(ApiError::Invalid(issues));
    }
    let password = new.password;
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let user = User {
        username: new.username,
        display_name: new.display_name.trim().to_owned(),
        role: new.role,
        grid: new.grid,
        area,
        demo: false,
    };
    let credentials = Credentials {
        user: user.clone(),
        password_hash,
    };
    if !app.store.create_user(&credentials).await? {
        return Err(ApiError::UsernameTaken);
    }
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
