//! Logging in and out, and who is asking: the `Caller` extractor.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Json;
use axum::extract::{FromRequestParts, OriginalUri, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use sha2::{Digest, Sha256};
use shared::codes::Role;
use shared::place::GridCode;
use shared::validate::{Issue, IssueCode};
use shared::wire::ErrorBody;
use shared::wire::{Login, LoginRequest, PasswordChange, SessionInfo};
use time::{Duration, OffsetDateTime};

use crate::accounts;
use crate::http::AppState;
use crate::http::client::Client;
use crate::http::error::ApiError;
use crate::http::json::AppJson;
use crate::http::throttle;
use crate::store::{HouseholdPlace, LoginSource, NewSession, Scope, SessionUser, Store, User};

const COOKIE_NAME: &str = "anju_session";
const SESSION_DAYS: i64 = 30;
/// The cookie that marks a browser that logged in before, which a flood of
/// wrong passwords from elsewhere does not slow down.
const DEVICE_COOKIE: &str = "anju_device";
const DEVICE_DAYS: i64 = 365;
/// How often a session's last use is written down.
const TOUCH_EVERY: Duration = Duration::minutes(5);

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 accepts any password with default parameters")
        .to_string()
}

/// Hashes a one-time password the server chose. Twelve random characters
/// of 31 (about 59 bits) need no slow hash to resist guessing, and a city's
/// staff file makes thousands at once: argon2id with 1 MiB and one pass
/// instead of the default 19 MiB and two. Verifying reads the parameters
/// from the hash, so both kinds check the same way.
pub fn hash_one_time_password(password: &str) -> String {
    let params = argon2::Params::new(1024, 1, 1, None).expect("valid argon2 parameters");
    let argon = Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 accepts any password with these parameters")
        .to_string()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn session_info<S: Store>(app: &AppState<S>, user: &User) -> SessionInfo {
    SessionInfo {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        workplace: user.workplace.clone(),
        round: app.round(),
        must_change_password: user.must_change_password,
    }
}

/// `POST /api/v1/session`: checks the password, opens a session, sets its cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; also sets the HttpOnly session cookie and the device cookie", body = Login),
        (status = 401, description = "Wrong username or password, or the account is disabled", body = ErrorBody),
        (status = 403, description = "Sent from another site", body = ErrorBody),
        (status = 422, description = "Malformed body", body = ErrorBody),
        (status = 429, description = "Too many failed logins from this address or device; wait the seconds `Retry-After` gives", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait"))),
    ))]
#[tracing::instrument(skip_all)]
pub async fn login<S: Store>(
    State(app): State<AppState<S>>,
    client: Client,
    headers: HeaderMap,
    AppJson(req): AppJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let username = req.username.trim();
    let now = app.calendar.now();
    let (source, device) = login_source(&app, username, &client, &headers).await?;
    throttle(&app, username, &source, now).await?;
    let credentials = app.store.credentials(username).await?;
    let Some(credentials) = credentials.filter(|c| app.demo || !c.user.demo) else {
        note_failure(&app, username, &source, now).await?;
        return Err(ApiError::BadCredentials);
    };
    if !verified(credentials.password_hash.clone(), req.password).await? {
        note_failure(&app, username, &source, now).await?;
        return Err(ApiError::BadCredentials);
    }
    app.store.clear_login_failures(username, &source).await?;
    // Said only to someone who knows the password.
    if credentials.user.disabled {
        return Err(ApiError::AccountDisabled);
    }
    open_session(&app, &credentials.user, now, &client, device).await
}

/// Where a login comes from: the browser's device token, if it logged in
/// as `username` before, else the address. Also the token, to keep.
async fn login_source<S: Store>(
    app: &AppState<S>,
    username: &str,
    client: &Client,
    headers: &HeaderMap,
) -> Result<(LoginSource, Option<String>), ApiError> {
    let mut source = LoginSource {
        address: client.address.clone(),
        device: None,
    };
    let token = presented_cookie(headers, DEVICE_COOKIE);
    if let Some(token) = &token {
        let hash = token_hash(token);
        if app.store.is_known_device(username, &hash).await? {
            source.device = Some(hash);
        }
    }
    let known = source.device.is_some();
    Ok((source, token.filter(|_| known)))
}

/// Notes a failed login in the count and the audit log.
async fn note_failure<S: Store>(
    app: &AppState<S>,
    username: &str,
    source: &LoginSource,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    (app.store)
        .add_login_failure(username, source, now, now - throttle::WINDOW)
        .await?;
    let who: String = username.chars().take(64).collect();
    let from = match &source.device {
        Some(_) => format!("{} (known device)", source.address),
        None => source.address.clone(),
    };
    app.store.audit(&who, "login_failed", &from, now).await?;
    Ok(())
}

/// Opens a session for `user` and answers with it, its cookie and the
/// device cookie (`device`, the browser's token if it is known, else a new one).
async fn open_session<S: Store>(
    app: &AppState<S>,
    user: &User,
    now: OffsetDateTime,
    client: &Client,
    device: Option<String>,
) -> Result<Response, ApiError> {
    let token = new_token();
    app.store
        .create_session(&NewSession {
            token_hash: token_hash(&token),
            username: user.username.clone(),
            created_at: now,
            expires_at: now + Duration::days(SESSION_DAYS),
            address: client.address.clone(),
            agent: client.agent.clone(),
        })
        .await?;
    let device = device.unwrap_or_else(new_token);
    app.store
        .remember_device(&user.username, &token_hash(&device), now)
        .await?;
    let secure = if app.https { "; Secure" } else { "" };
    let session_cookie = format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_DAYS * 24 * 3600,
    );
    // Sent only to the login, so it says nothing elsewhere.
    let device_cookie = format!(
        "{DEVICE_COOKIE}={device}; Path=/api/v1/session; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        DEVICE_DAYS * 24 * 3600,
    );
    let body = Login {
        session: session_info(app, user),
        token,
    };
    let mut res = (StatusCode::OK, Json(body)).into_response();
    for cookie in [session_cookie, device_cookie] {
        res.headers_mut().append(
            SET_COOKIE,
            HeaderValue::from_str(&cookie).expect("tokens are hex"),
        );
    }
    Ok(res)
}

fn new_token() -> String {
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    hex::encode(raw)
}

/// Slows a source with too many recent failed logins down
/// (`throttle::wait`). Counted in the database, so every server sees the
/// same count.
async fn throttle<S: Store>(
    app: &AppState<S>,
    username: &str,
    source: &LoginSource,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let since = now - throttle::WINDOW;
    let own = app.store.login_failures(username, source, since).await?;
    let mut wait = throttle::wait(own, throttle::FREE_PER_SOURCE, now);
    // A known device is never held up by others' failures.
    if source.device.is_none() {
        let all = app.store.user_login_failures(username, since).await?;
        wait = wait.max(throttle::wait(all, throttle::FREE_PER_USER, now));
    }
    match wait {
        Some(seconds) => Err(ApiError::TooManyAttempts { seconds }),
        None => Ok(()),
    }
}

/// Whether `password` matches `hash`. Argon2 is slow on purpose; keep it
/// off the async workers.
async fn verified(hash: String, password: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// `PUT /api/v1/session/password`: the user's own new password. Every
/// session of the user ends, this one too, and a new one opens here, so a
/// phone left logged in elsewhere must log in again; the browsers known to
/// have logged in as the user are forgotten, but for this one.
#[utoipa::path(put, path = "/api/v1/session/password", tag = "session",
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; a new session, also set as the cookie, replaces every old one", body = Login),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Sent from another site", body = ErrorBody),
        (status = 422, description = "The current password is wrong, or the new one is too short, too common or contains the username", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords from this address or device; wait the seconds `Retry-After` gives", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait"))),
    ))]
#[tracing::instrument(skip_all)]
pub async fn change_password<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    client: Client,
    headers: HeaderMap,
    AppJson(change): AppJson<PasswordChange>,
) -> Result<Response, ApiError> {
    let username = caller.user.username.as_str();
    let now = app.calendar.now();
    let (source, device) = login_source(&app, username, &client, &headers).await?;
    throttle(&app, username, &source, now).await?;
    let credentials = app
        .store
        .credentials(username)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if !verified(credentials.password_hash, change.current).await? {
        note_failure(&app, username, &source, now).await?;
        return Err(ApiError::Invalid(vec![Issue {
            path: "current".into(),
            code: IssueCode::WrongPassword,
        }]));
    }
    accounts::set_password(&app.store, username, change.new).await?;
    let user = User {
        must_change_password: false,
        ..caller.user
    };
    open_session(&app, &user, now, &client, device).await
}

#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, description = "Who is logged in", body = SessionInfo), (status = 401, description = "Not logged in, or the session expired", body = ErrorBody)))]
/// `GET /api/v1/session`: who is logged in.
pub async fn current<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
) -> Json<SessionInfo> {
    Json(session_info(&app, &caller.user))
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "Logged out; the cookie is cleared"),
        (status = 403, description = "Sent from another site", body = ErrorBody)))]
/// `DELETE /api/v1/session`: logs out.
pub async fn logout<S: Store>(
    State(app): State<AppState<S>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = presented_token(&headers) {
        app.store.delete_session(&token_hash(&token)).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static("anju_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(res)
}

fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(bearer) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_owned());
    }
    presented_cookie(headers, COOKIE_NAME)
}

/// The value of the cookie `name`.
fn presented_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, value)| *cookie == name && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

/// Whether a request is one a user whose password was set by someone else
/// may make: reading and ending their session, and choosing a password.
fn opens_with_a_set_password(parts: &Parts) -> bool {
    // The path before `/api/v1` was stripped by nesting.
    let path = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(parts.uri.path(), |original| original.path());
    match parts.method {
        Method::GET | Method::DELETE => path == "/api/v1/session",
        Method::PUT => path == "/api/v1/session/password",
        _ => false,
    }
}

/// The logged-in user making a request, and the grids they may work in.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    /// `None` for a grid-bound role without a grid, who may see nothing.
    scope: Option<Scope>,
}

impl Caller {
    /// Where the caller may work: the grids under their place (one grid,
    /// an area's, a township's…), one building for a building head, every
    /// grid for administrators and supervisors without a place.
    async fn new<S: Store>(store: &S, user: User) -> Result<Caller, ApiError> {
        let scope = match (user.role, &user.workplace) {
            (Role::Admin, _) | (Role::Supervisor, None) => Some(Scope::All),
            (_, None) => None,
            (Role::BuildingHead, Some(workplace)) => {
                workplace.building.as_ref().map(|building| Scope::Building {
                    grid: GridCode::from(workplace.code.clone()),
                    building: building.clone(),
                })
            }
            (_, Some(workplace)) => {
                let (places, grids) = store.subtree(&workplace.code).await?;
                Some(match grids.as_slice() {
                    [grid] if places.len() == 1 => Scope::Grid(grid.clone()),
                    _ => Scope::Place {
                        code: workplace.code.clone(),
                        grids,
                        places,
                    },
                })
            }
        };
        Ok(Caller { user, scope })
    }

    /// The caller's whole scope.
    pub fn scope(&self) -> Result<&Scope, ApiError> {
        self.scope.as_ref().ok_or(ApiError::OutOfScope)
    }

    /// Fails unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            Err(ApiError::NotPermitted)
        }
    }

    /// Fails unless the caller may work in `grid`.
    pub fn check_grid(&self, grid: &GridCode) -> Result<(), ApiError> {
        if self.scope()?.covers(grid) {
            Ok(())
        } else {
            Err(ApiError::OutOfScope)
        }
    }

    /// Fails unless the caller may work with a household at `place`.
    pub fn check_household(&self, place: &HouseholdPlace) -> Result<(), ApiError> {
        if self.scope()?.covers_household(&place.grid, &place.building) {
            Ok(())
        } else {
            Err(ApiError::OutOfScope)
        }
    }

    /// The grid a request names in its `grid` parameter, if the caller may
    /// work in it; without one, the caller's whole scope.
    pub fn grid_asked(&self, raw: Option<&str>) -> Result<Scope, ApiError> {
        let Some(raw) = raw else {
            return self.scope().cloned();
        };
        let grid = GridCode::parse(raw).map_err(|e| ApiError::Malformed {
            path: "grid".into(),
            detail: e.to_string(),
        })?;
        self.check_grid(&grid)?;
        // A building head asking for their grid gets their building.
        match self.scope()? {
            scope @ Scope::Building { .. } => Ok(scope.clone()),
            _ => Ok(Scope::Grid(grid)),
        }
    }
}

impl<S: Store> FromRequestParts<AppState<S>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState<S>,
    ) -> Result<Self, Self::Rejection> {
        // A handler that takes both `Caller` and `Asked` reads the session once.
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let token = presented_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        let hash = token_hash(&token);
        let now = app.calendar.now();
        let SessionUser { user, seen_at } = app
            .store
            .session_user(&hash, now)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        if now - seen_at > app.session_idle {
            app.store.delete_session(&hash).await?;
            return Err(ApiError::Unauthenticated);
        }
        // Written now and then, not at every request.
        if now - seen_at > TOUCH_EVERY {
            app.store.touch_session(&hash, now).await?;
        }
        if user.demo && !app.demo {
            return Err(ApiError::Unauthenticated);
        }
        if user.disabled {
            return Err(ApiError::AccountDisabled);
        }
        // A password someone else set opens nothing but the way to replace it.
        if user.must_change_password && !opens_with_a_set_password(parts) {
            return Err(ApiError::PasswordChangeRequired);
        }
        let caller = Caller::new(&app.store, user).await?;
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}
