//! Creating accounts and setting their passwords: the rules that the API
//! and `anju user` both apply, so an account made either way is the same.

use rand::Rng;
use shared::codes::{Level, Role};
use shared::password::check_password;
use shared::place::GridCode;
use shared::validate::{Issue, IssueCode};
use shared::wire::{NewUser, Workplace};

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
    let workplace = workplace_of_new(store, &new).await?;
    add_at(store, new, workplace).await
}

/// Where a new account works, as `workplace` finds it; if it breaks a
/// rule, so are its username, name and password checked, so that every
/// mistake is reported at once.
pub async fn workplace_of_new<S: Store>(
    store: &S,
    new: &NewUser,
) -> Result<Option<Workplace>, AccountError> {
    let found = workplace(
        store,
        new.role,
        new.place.as_deref(),
        new.building.as_deref(),
    )
    .await;
    match found {
        Err(AccountError::Invalid(issues)) => {
            let mut all = new_user_issues(new);
            all.extend(issues);
            Err(AccountError::Invalid(all))
        }
        other => other,
    }
}

/// What is wrong with a new account's username, name and password.
fn new_user_issues(new: &NewUser) -> Vec<Issue> {
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
    issues
}

/// As `add`, at a workplace `workplace` has found.
pub async fn add_at<S: Store>(
    store: &S,
    new: NewUser,
    workplace: Option<Workplace>,
) -> Result<Added, AccountError> {
    let issues = new_user_issues(&new);
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
        workplace,
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

/// A place or building as given: trimmed, and `None` when blank.
fn given(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|raw| !raw.is_empty())
}

/// The levels a role may work at; `None` for any.
fn levels_for(role: Role) -> Option<&'static [Level]> {
    match role {
        Role::Admin => Some(&[]),
        Role::Supervisor => None,
        Role::Surveyor => Some(&[Level::Area, Level::Grid]),
        Role::GridMember | Role::BuildingHead => Some(&[Level::Grid]),
    }
}

/// Where an account of `role` works, from the place (a code, or a name
/// only one place has) and building given, or every rule they break: a
/// team at an area or grid, a grid member at a grid, a building head at a
/// building of a grid, a supervisor anywhere or everywhere, an
/// administrator everywhere. Paths are `place` and `building`.
pub async fn workplace<S: Store>(
    store: &S,
    role: Role,
    place: Option<&str>,
    building: Option<&str>,
) -> Result<Option<Workplace>, AccountError> {
    let (place, building) = (given(place), given(building));
    let mut issues = Vec::new();
    let found = match place {
        None => {
            if !matches!(role, Role::Admin | Role::Supervisor) {
                issues.push(issue("place", IssueCode::PlaceRequired));
            }
            None
        }
        Some(raw) => match store.places_called(raw).await?.as_slice() {
            [] => {
                issues.push(issue("place", IssueCode::UnknownPlace));
                None
            }
            [place] => Some(place.clone()),
            _ => {
                issues.push(issue("place", IssueCode::PlaceAmbiguous));
                None
            }
        },
    };
    if let Some(place) = &found
        && levels_for(role).is_some_and(|levels| !levels.contains(&place.level))
    {
        issues.push(issue("place", IssueCode::PlaceLevel));
    }
    match (role, building) {
        (Role::BuildingHead, None) => issues.push(issue("building", IssueCode::BuildingRequired)),
        (Role::BuildingHead, Some(building)) => {
            if let Some(place) = found.as_ref().filter(|p| p.level == Level::Grid)
                && !store
                    .building_exists(&GridCode::from(place.code.clone()), building)
                    .await?
            {
                issues.push(issue("building", IssueCode::UnknownBuilding));
            }
        }
        (_, Some(_)) => issues.push(issue("building", IssueCode::BuildingForHeads)),
        (_, None) => {}
    }
    if !issues.is_empty() {
        return Err(AccountError::Invalid(issues));
    }
    Ok(found.map(|place| Workplace {
        code: place.code,
        name: place.name,
        level: place.level,
        building: building.map(str::to_owned),
    }))
}
