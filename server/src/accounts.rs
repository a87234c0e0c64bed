//! Creating accounts and setting their passwords: the rules that the API
//! and `anju user` both apply, so an account made either way is the same.

use rand::Rng;
use shared::codes::Role;
use shared::password::check_password;
use shared::place::GridCode;
use shared::validate::{Issue, IssueCode};
use shared::wire::NewUser;

use crate::store::{Credentials, PasswordSetBy, Store, StoreError, User};

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

/// An account just created, with the one-time password the server chose
/// if it was given none.
#[derive(Debug)]
pub struct Added {
    pub user: User,
    pub one_time_password: Option<String>,
}

/// Creates an account after checking its username, name, password and
/// scope; every broken rule is reported at once. Without a password the
/// server chooses a one-time one, which the user must replace at their
/// first login; a password given stands.
pub async fn add<S: Store>(store: &S, new: NewUser) -> Result<Added, AccountError> {
    let mut issues = Vec::new();
    if !is_username(&new.username) {
        issues.push(issue("username", IssueCode::UsernameFormat));
    }
    if new.display_name.trim().is_empty() {
        issues.push(issue("display_name", IssueCode::Required));
    }
    if let Some(Err(err)) = new
        .password
        .as_deref()
        .map(|password| check_password(password, &new.username))
    {
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
    let (one_time_password, password_hash) = match new.password {
        Some(password) => (None, hash(password).await?),
        None => {
            let chosen = one_time_password();
            let password_hash = one_time_hash(chosen.clone()).await?;
            (Some(chosen), password_hash)
        }
    };
    let user = User {
        username: new.username,
        display_name: new.display_name.trim().to_owned(),
        role: new.role,
        grid: new.grid,
        area,
        demo: false,
        disabled: false,
        must_change_password: one_time_password.is_some(),
    };
    let credentials = Credentials {
        user: user.clone(),
        password_hash,
    };
    if !store.create_user(&credentials).await? {
        return Err(AccountError::UsernameTaken);
    }
    Ok(Added {
        user,
        one_time_password,
    })
}

/// Sets a user's own password after checking it, and ends their sessions.
pub async fn set_password<S: Store>(
    store: &S,
    username: &str,
    password: String,
) -> Result<(), AccountError> {
    if let Err(err) = check_password(&password, username) {
        return Err(AccountError::Invalid(vec![issue("password", err.into())]));
    }
    let password_hash = hash(password).await?;
    if !store
        .set_password(username, &password_hash, PasswordSetBy::Owner)
        .await?
    {
        return Err(AccountError::UnknownUser);
    }
    Ok(())
}

/// Gives a user a one-time password, ends their sessions, and returns it
/// to be handed over; the user must replace it at their next login.
pub async fn reset_password<S: Store>(store: &S, username: &str) -> Result<String, AccountError> {
    let password = one_time_password();
    let password_hash = one_time_hash(password.clone()).await?;
    if !store
        .set_password(username, &password_hash, PasswordSetBy::Manager)
        .await?
    {
        return Err(AccountError::UnknownUser);
    }
    Ok(password)
}

/// Twelve letters and digits in three groups, none that reads as another
/// (no 0, o, 1, l or i), easy to read out and type on a phone.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..3)
        .map(|_| {
            (0..4)
                .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// A password the user chose, hashed with argon2's defaults.
async fn hash(password: String) -> Result<String, AccountError> {
    hash_with(crate::http::auth::hash_password, password).await
}

/// A one-time password the server chose, hashed lightly (see
/// `hash_one_time_password`).
async fn one_time_hash(password: String) -> Result<String, AccountError> {
    hash_with(crate::http::auth::hash_one_time_password, password).await
}

/// Argon2 is slow on purpose; keep it off the async workers.
async fn hash_with(hasher: fn(&str) -> String, password: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || hasher(&password))
        .await
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

/// Hashes many one-time passwords at once, on as many threads as the
/// machine has cores.
pub async fn hash_all_one_time(passwords: Vec<String>) -> Result<Vec<String>, AccountError> {
    tokio::task::spawn_blocking(move || {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let chunk = passwords.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let workers: Vec<_> = passwords
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|p| crate::http::auth::hash_one_time_password(p))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().map_err(|_| "a hashing thread failed".to_owned()))
                .collect::<Result<Vec<_>, _>>()
                .map(|parts| parts.concat())
        })
    })
    .await
    .map_err(|e| AccountError::Hashing(e.to_string()))?
    .map_err(AccountError::Hashing)
}

fn issue(path: &str, code: IssueCode) -> Issue {
    Issue {
        path: path.into(),
        code,
    }
}

/// 3 to 32 lowercase ASCII letters, digits, '.', '-' or '_', and not a
/// word the accounts' routes use.
pub fn is_username(raw: &str) -> bool {
    // `/api/v1/users/import` and `/users/template` are routes, not accounts.
    !["import", "template"].contains(&raw)
        && (3..=32).contains(&raw.len())
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
