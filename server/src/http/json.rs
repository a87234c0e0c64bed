//! `AppJson`: a JSON body extractor whose every failure is an `ApiError`
//! naming the field that failed, so a malformed body gets the usual 422.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;

/// A JSON request body of type `T`.
pub struct AppJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge
            } else {
                ApiError::Malformed {
                    path: String::new(),
                    detail: rejection.body_text(),
                }
            }
        })?;
        let deserializer = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(deserializer)
            .map(AppJson)
            .map_err(|err| {
                let path = err.path().to_string();
                ApiError::Malformed {
                    path: if path == "." { String::new() } else { path },
                    detail: err.into_inner().to_string(),
                }
            })
    }
}
