//! The HTTP client: one function per endpoint, wire types from `shared`.

use gloo_net::http::{Request, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use shared::codes::{Code, FollowUp, VisitOutcome};
use shared::dispatch::DispatchReport;
use shared::follow_up::FollowUpPage;
use shared::indicators::IndicatorReport;
use shared::trends::Trends;
use shared::wire::{
    ConflictList, DefinedFields, ErrorBody, FieldsView, HouseholdSearch, Login, LoginRequest,
    NewUser, OpenSession, PasswordChange, PlaceSummary, ResolveConflict, ReviewList, ReviewRequest,
    Roster, Scope, SessionInfo, StaffImport, SubmissionId, UserInfo, VisitList,
};

use crate::i18n::{Msg, server_error, tr};

/// Why a call failed, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No answer: offline, or the server is unreachable.
    Network,
    /// The server answered with an error.
    Server {
        status: u16,
        code: String,
        message: String,
        /// Seconds the server asked to wait before trying again (`Retry-After`).
        retry_after: Option<u32>,
    },
}

impl ApiError {
    /// What to tell the user.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network => tr(Msg::NetworkError).into(),
            ApiError::Server { code, message, .. } => server_error(code, message),
        }
    }

    /// Seconds the server asked the phone to wait, if it did.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::Server { retry_after, .. } => *retry_after,
            ApiError::Network => None,
        }
    }

    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ApiError::Server { status: 401, .. })
    }
}

async fn read<T: DeserializeOwned>(res: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    let res = res.map_err(|_| ApiError::Network)?;
    if res.ok() {
        return res.json::<T>().await.map_err(|_| ApiError::Network);
    }
    error_of(res).await
}

/// An answer with no body to read: `Ok` for any 2xx.
async fn done(res: Result<Response, gloo_net::Error>) -> Result<(), ApiError> {
    let res = res.map_err(|_| ApiError::Network)?;
    if res.ok() {
        return Ok(());
    }
    error_of(res).await
}

async fn error_of<T>(res: Response) -> Result<T, ApiError> {
    let status = res.status();
    let retry_after = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse().ok());
    let body = res.json::<ErrorBody>().await.unwrap_or(ErrorBody {
        code: "http".into(),
        message: format!("HTTP {status}"),
        fields: Vec::new(),
    });
    let mut message = body.message;
    for field in body.fields {
        message.push_str(&format!("\n{}: {}", field.path, field.message));
    }
    Err(ApiError::Server {
        status,
        code: body.code,
        message,
        retry_after,
    })
}

pub async fn login(username: String, password: String) -> Result<Login, ApiError> {
    let body = LoginRequest { username, password };
    let req = Request::post("/api/v1/session")
        .json(&body)
        .map_err(|_| ApiError::Network)?;
    read(req.send().await).await
}

/// Sets the user's own password; the answer is the session that replaces
/// every old one.
pub async fn change_password(current: String, new: String) -> Result<Login, ApiError> {
    let body = PasswordChange { current, new };
    let req = Request::put("/api/v1/session/password")
        .json(&body)
        .map_err(|_| ApiError::Network)?;
    read(req.send().await).await
}

/// The accounts the caller manages whose username or name contains `search`.
pub async fn users(search: &str) -> Result<Vec<UserInfo>, ApiError> {
    read(
        Request::get("/api/v1/users")
            .query([("q", search)])
            .send()
            .await,
    )
    .await
}

/// Adds an account; with no password the answer holds a one-time one.
pub async fn add_user(new: &NewUser) -> Result<UserInfo, ApiError> {
    let req = Request::post("/api/v1/users")
        .json(new)
        .map_err(|_| ApiError::Network)?;
    read(req.send().await).await
}

/// Changes an account's role, grid and area.
pub async fn set_scope(username: &str, scope: &Scope) -> Result<(), ApiError> {
    let req = Request::patch(&format!("/api/v1/users/{username}"))
        .json(scope)
        .map_err(|_| ApiError::Network)?;
    done(req.send().await).await
}

/// Disables (`disable`) or enables (`enable`) an account.
pub async fn set_access(username: &str, action: &str) -> Result<(), ApiError> {
    post_raw(&format!("/api/v1/users/{username}/{action}"), "{}").await
}

/// Gives an account a one-time password, in the answer.
pub async fn reset_password(username: &str) -> Result<UserInfo, ApiError> {
    read(
        Request::post(&format!("/api/v1/users/{username}/password"))
            .send()
            .await,
    )
    .await
}

/// An administrator's view of a user's sessions.
pub async fn sessions(username: &str) -> Result<Vec<OpenSession>, ApiError> {
    read(
        Request::get("/api/v1/sessions")
            .query([("username", username)])
            .send()
            .await,
    )
    .await
}

/// Ends a session an administrator named.
pub async fn end_session(id: &str) -> Result<(), ApiError> {
    done(
        Request::delete(&format!("/api/v1/sessions/{id}"))
            .send()
            .await,
    )
    .await
}

pub async fn session() -> Result<SessionInfo, ApiError> {
    read(Request::get("/api/v1/session").send().await).await
}

/// Ends the session at the server; false if the server was not reached.
pub async fn logout() -> bool {
    Request::delete("/api/v1/session")
        .send()
        .await
        .is_ok_and(|res| res.ok() || res.status() == 401)
}

/// The whole roster, or what changed since `since` (a cursor from the last one).
pub async fn roster(since: Option<&str>) -> Result<Roster, ApiError> {
    let req = match since {
        Some(cursor) => Request::get("/api/v1/roster").query([("since", cursor)]),
        None => Request::get("/api/v1/roster"),
    };
    read(req.send().await).await
}

/// Posts a JSON body kept as text; only whether the server took it matters.
pub async fn post_raw(path: &str, body: &str) -> Result<(), ApiError> {
    let req = Request::post(path)
        .header("content-type", "application/json")
        .body(body)
        .map_err(|_| ApiError::Network)?;
    done(req.send().await).await
}

/// A page of the households of the caller's scope that `term` finds.
pub async fn search_households(term: String) -> Result<HouseholdSearch, ApiError> {
    read(
        Request::get("/api/v1/households")
            .query([("q", term)])
            .send()
            .await,
    )
    .await
}

/// One place's figures and those one level down; the caller's own place
/// without one.
pub async fn summary(place: Option<String>) -> Result<PlaceSummary, ApiError> {
    let asked: Vec<(&str, String)> = place.into_iter().map(|p| ("place", p)).collect();
    read(Request::get("/api/v1/summary").query(asked).send().await).await
}

/// What the missing-households list reads of `shared::coverage::Gaps`:
/// positions are left unread, and times are parsed by the browser, which
/// keeps date parsing and position decoding out of the download.
#[derive(Clone, Deserialize)]
pub struct GapsView {
    pub not_surveyed: Vec<GapRow>,
    pub not_visited: Vec<GapRow>,
    /// Where the next page of grids starts.
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Clone, Deserialize)]
pub struct GapRow {
    pub code: String,
    pub building: String,
    pub room: String,
    pub last_visit: Option<SeenVisit>,
}

#[derive(Clone, Deserialize)]
pub struct SeenVisit {
    /// RFC 3339.
    pub visited_at: String,
    pub outcome: VisitOutcome,
    pub author: String,
}

/// The households not yet surveyed or visited, of the scope, or as
/// `asked`: one area, one grid, or one building of a grid.
pub async fn gaps(asked: Vec<(&'static str, String)>) -> Result<GapsView, ApiError> {
    let req = Request::get("/api/v1/gaps").query(asked);
    read(req.send().await).await
}

/// The indicators of one place (the caller's whole scope without one),
/// with the households to follow up.
pub async fn indicators(place: Option<String>) -> Result<IndicatorReport, ApiError> {
    let asked: Vec<(&str, String)> = place.into_iter().map(|p| ("place", p)).collect();
    read(Request::get("/api/v1/indicators").query(asked).send().await).await
}

/// A page of a follow-up list of the place (the caller's whole scope
/// without one), its open items or its cleared ones, after `after`.
pub async fn follow_up(
    list: FollowUp,
    place: Option<String>,
    open: bool,
    after: Option<String>,
) -> Result<FollowUpPage, ApiError> {
    let state = if open { "open" } else { "cleared" };
    let asked: Vec<(&str, String)> = [
        ("list", list.code().to_owned()),
        ("state", state.to_owned()),
    ]
    .into_iter()
    .chain(place.map(|p| ("place", p)))
    .chain(after.map(|a| ("after", a)))
    .collect();
    read(Request::get("/api/v1/follow-up").query(asked).send().await).await
}

/// A place's figures over the last rounds (the caller's whole scope
/// without one).
pub async fn trends(place: Option<String>) -> Result<Trends, ApiError> {
    let asked: Vec<(&str, String)> = place.into_iter().map(|p| ("place", p)).collect();
    read(Request::get("/api/v1/trends").query(asked).send().await).await
}

/// The dispatch report of a place for this `period` (`week` or `month`).
pub async fn dispatch(place: Option<String>, period: &str) -> Result<DispatchReport, ApiError> {
    let asked: Vec<(&str, String)> = std::iter::once(("period", period.to_owned()))
        .chain(place.map(|p| ("place", p)))
        .collect();
    read(Request::get("/api/v1/dispatch").query(asked).send().await).await
}

/// A page of the round's submissions in review, of one state or all,
/// from the `offset`th.
pub async fn review(state: Option<&str>, offset: usize) -> Result<ReviewList, ApiError> {
    let mut req = Request::get("/api/v1/review").query([("offset", offset.to_string())]);
    if let Some(state) = state {
        req = req.query([("state", state)]);
    }
    read(req.send().await).await
}

/// Approves or returns a submission; the same decision again is accepted.
pub async fn decide(submission: SubmissionId, request: &ReviewRequest) -> Result<(), ApiError> {
    let body = serde_json::to_string(request).map_err(|_| ApiError::Network)?;
    post_raw(&format!("/api/v1/submissions/{submission}/review"), &body).await
}

/// A page of the round's open conflicts: the first, or the one after the
/// household `after`.
pub async fn conflicts(after: Option<String>) -> Result<ConflictList, ApiError> {
    let asked: Vec<(&str, String)> = after.into_iter().map(|a| ("after", a)).collect();
    read(Request::get("/api/v1/conflicts").query(asked).send().await).await
}

/// Settles a conflict by the side chosen; `choice.id` makes a retry safe.
pub async fn resolve(choice: &ResolveConflict) -> Result<(), ApiError> {
    let body = serde_json::to_string(choice).map_err(|_| ApiError::Network)?;
    post_raw("/api/v1/conflicts/resolve", &body).await
}

/// What an import did, or would do in a dry run.
#[derive(Clone, Deserialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub rows: u32,
    pub grids: ImportCounts,
    pub buildings: ImportCounts,
    pub households: ImportCounts,
    pub members: ImportCounts,
    pub surveyed_kept: u32,
}

#[derive(Clone, Deserialize)]
pub struct ImportCounts {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub removed: u32,
}

/// One error of a refused roster file.
#[derive(Clone, Deserialize)]
pub struct RowError {
    pub row: Option<u32>,
    pub column: Option<String>,
    pub message: String,
}

#[derive(Deserialize)]
struct Rejected {
    errors: Vec<RowError>,
}

/// Why an import did not happen: the file's errors, or the call failed.
pub enum ImportError {
    Rows(Vec<RowError>),
    Api(ApiError),
}

/// Sends a roster file (CSV or XLSX) to import, or only to check.
pub async fn import_roster(
    file: web_sys::File,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    import_file("/api/v1/roster/import", file, dry_run, &[]).await
}

/// The added fields in effect now, and every version kept.
pub async fn fields() -> Result<FieldsView, ApiError> {
    read(Request::get("/api/v1/fields").send().await).await
}

/// Sends a definitions file to keep as the next version from `from`, or only to check.
pub async fn define_fields(
    file: web_sys::File,
    from: &str,
    dry_run: bool,
) -> Result<DefinedFields, ImportError> {
    import_file("/api/v1/fields/import", file, dry_run, &[("from", from)]).await
}

/// Sends a staff file (CSV or XLSX) to import, or only to check.
pub async fn import_staff(file: web_sys::File, dry_run: bool) -> Result<StaffImport, ImportError> {
    import_file("/api/v1/users/import", file, dry_run, &[]).await
}

async fn import_file<T: DeserializeOwned>(
    path: &str,
    file: web_sys::File,
    dry_run: bool,
    more: &[(&str, &str)],
) -> Result<T, ImportError> {
    let req = Request::post(path)
        .query([("dry_run", if dry_run { "true" } else { "false" })])
        .query(more.iter().copied())
        .body(file)
        .map_err(|_| ImportError::Api(ApiError::Network))?;
    let res = req
        .send()
        .await
        .map_err(|_| ImportError::Api(ApiError::Network))?;
    if res.ok() {
        return res
            .json()
            .await
            .map_err(|_| ImportError::Api(ApiError::Network));
    }
    if res.status() == 422 {
        let text = res.text().await.unwrap_or_default();
        if let Ok(rejected) = serde_json::from_str::<Rejected>(&text) {
            return Err(ImportError::Rows(rejected.errors));
        }
    }
    error_of(res).await.map_err(ImportError::Api)
}

/// The round's visits in the caller's scope, with their positions and flags.
pub async fn visits() -> Result<VisitList, ApiError> {
    read(Request::get("/api/v1/visits").send().await).await
}
