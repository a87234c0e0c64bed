//! Creating accounts and setting their passwords: the rules that the API
//! and `anju user` both apply, so an account made either way is the same.

use shared::codes::Role;
use shared::password::check_password;
use shared::place::GridCode;
use shared::validate::{Issue, IssueCode};
use shared::wire::NewUser;

use crate::store::{Credentials, Store, StoreError, User};

/// Why an account was not created or changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the account breaks a rule")]
    Invalid(Vec<Issue>),
    #[error("the username is taken")]
    UsernameTaken,
    #[error("there is no such user")]
    UnknownUser,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not hash the password: {0}")]
    Hashing(String),
}

/// Creates an account after checking its username, name, password and
/// scope; every broken rule is reported at once.
pub async fn add<S: Store>(store: &S, new: NewUser) -> Result<User, AccountError> {
    let mut issues = Vec::new();
    if !is_username(&new.username) {
        issues.push(issue("username", IssueCode::UsernameFormat));
    }
    if new.display_name.trim().is_empty() {
        issues.push(issue("display_name", IssueCode::Required));
    }
    if let Err(err) = check_password(&new.password, &new.username) {
        issues.push(issue("password", err.into()));
    }
    let area = area_of(new.area.as_deref());
    check_scope(
        store,
        new.role,
        new.grid.as_ref(),
        area.as_deref(),
        &mut issues,
    )
    .await?;
    if !issues.is_empty() {
        return Err(AccountError::Invalid(issues));
    }
    let user = User {
        username: new.username,
        display_name: new.display_name.trim().to_owned(),
        role: new.role,
        grid: new.grid,
        area,
        demo: false,
        disabled: false,
    };
    let credentials = Credentials {
        user: user.clone(),
        password_hash: hash(new.password).await?,
    };
    if !store.create_user(&credentials).await? {
        return Err(AccountError::UsernameTaken);
    }
    Ok(user)
}

/// Sets a user's password after checking it, and ends their sessions.
pub async fn set_password<S: Store>(
    store: &S,
    username: &str,
    password: String,
) -> Result<(), AccountError> {
    if let Err(err) = check_password(&password, username) {
        return Err(AccountError::Invalid(vec![issue("password", err.into())]));
    }
    let password_hash = hash(password).await?;
    if !store.set_password(username, &password_hash).await? {
        return Err(AccountError::UnknownUser);
    }
    Ok(())
}

/// Argon2 is slow on purpose; keep it off the async workers.
async fn hash(password: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || crate::http::auth::hash_password(&password))
        .await
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

fn issue(path: &str, code: IssueCode) -> Issue {
    Issue {
        path: path.into(),
        code,
    }
}

/// 3 to 32 lowercase ASCII letters, digits, '.', '-' or '_'.
fn is_username(raw: &str) -> bool {
    (3..=32).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// An area as given: trimmed, and `None` when blank.
pub fn area_of(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|area| !area.is_empty())
        .map(str::to_owned)
}

/// The rules of a scope: grid-bound roles name an existing grid; only
/// supervisors oversee an area, and it is the area of at least one grid.
pub async fn check_scope<S: Store>(
    store: &S,
    role: Role,
    grid: Option<&GridCode>,
    area: Option<&str>,
    issues: &mut Vec<Issue>,
) -> Result<(), StoreError> {
    match (role, grid) {
        (Role::Surveyor | Role::GridMember, None) => {
            issues.push(issue("grid", IssueCode::GridRequired));
        }
        (_, Some(grid)) if !store.grid_exists(grid).await? => {
            issues.push(issue("grid", IssueCode::UnknownGrid));
        }
        _ => {}
    }
    match (role, area) {
        (_, None) => {}
        (Role::Supervisor, Some(area)) => {
            if store.area_grids(area).await?.is_empty() {
                issues.push(issue("area", IssueCode::UnknownArea));
            }
        }
        (Role::Admin | Role::Surveyor | Role::GridMember, Some(_)) => {
            issues.push(issue("area", IssueCode::AreaForSupervisors));
        }
    }
    Ok(())
}
