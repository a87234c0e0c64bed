//! `AppQuery`: a query-string extractor whose failure is the usual 422
//! `ApiError`, as `AppJson` is for bodies.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;

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
