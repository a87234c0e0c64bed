//! Query strings: `AppQuery`, whose failure is the usual 422 `ApiError` as
//! `AppJson`'s is for bodies, and `Asked`, the round and scope a read of
//! many households asks for.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use shared::round::Round;

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::store::{Scope, Store};

/// A request's query string, read as `T`.
pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(query) = Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::Malformed {
                path: "query".into(),
                detail: e.body_text(),
            })?;
        Ok(AppQuery(query))
    }
}

/// `?round=`, like 2026Q4.
#[derive(Debug, Deserialize)]
pub struct RoundQuery {
    pub round: Option<String>,
}

impl RoundQuery {
    /// The round asked for, or the one in progress.
    pub fn round_or(&self, current: Round) -> Result<Round, ApiError> {
        match &self.round {
            None => Ok(current),
            Some(raw) => Round::parse(raw).map_err(|e| ApiError::Malformed {
                path: "round".into(),
                detail: e.to_string(),
            }),
        }
    }
}

/// The caller, with the round (`?round=`, the one in progress by default)
/// and the scope (`?grid=`, one grid the caller may work in; the caller's
/// whole scope by default) a read asks for. Other parameters are left to
/// the handler's own `AppQuery`.
pub struct Asked {
    pub caller: Caller,
    pub round: Round,
    pub scope: Scope,
}

#[derive(Deserialize)]
struct RoundAndGrid {
    round: Option<String>,
    grid: Option<String>,
}

impl<S: Store> FromRequestParts<AppState<S>> for Asked {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState<S>,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, app).await?;
        let AppQuery(asked) = AppQuery::<RoundAndGrid>::from_request_parts(parts, app).await?;
        let round = RoundQuery { round: asked.round }.round_or(app.round)?;
        let scope = caller.grid_asked(asked.grid.as_deref())?;
        Ok(Asked {
            caller,
            round,
            scope,
        })
    }
}
