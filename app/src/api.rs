//! The HTTP client: one function per endpoint, wire types from `shared`.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use shared::coverage::Coverage;
use shared::wire::{
    ErrorBody, Login, LoginRequest, Receipt, Roster, SessionInfo, Submission, Visit, VisitReceipt,
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

    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ApiError::Server { status: 401, .. })
    }
}

async fn read<T: DeserializeOwned>(res: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    let res = res.map_err(|_| ApiError::Network)?;
    if res.ok() {
        return res.json::<T>().await.map_err(|_| ApiError::Network);
    }
    let status = res.status();
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
    })
}

pub async fn login(username: String, password: String) -> Result<Login, ApiError> {
    let body = LoginRequest { username, password };
    let req = Request::post("/api/v1/session")
        .json(&body)
        .map_err(|_| ApiError::Network)?;
    read(req.send().await).await
}

pub async fn session() -> Result<SessionInfo, ApiError> {
    read(Request::get("/api/v1/session").send().await).await
}

pub async fn logout() {
    let _ = Request::delete("/api/v1/session").send().await;
}

pub async fn roster() -> Result<Roster, ApiError> {
    read(Request::get("/api/v1/roster").send().await).await
}

pub async fn submit(submission: &Submission) -> Result<Receipt, ApiError> {
    let req = Request::post("/api/v1/submissions")
        .json(submission)
        .map_err(|_| ApiError::Network)?;
    read(req.send().await).await
}

pub async fn visit(visit: &Visit) -> Result<VisitReceipt, ApiError> {
    let req = Request::post("/api/v1/visits")
        .json(visit)
        .map_err(|_| ApiError::Network)?;
    read(req.send().await).await
}

pub async fn coverage() -> Result<Coverage, ApiError> {
    read(Request::get("/api/v1/coverage").send().await).await
}
