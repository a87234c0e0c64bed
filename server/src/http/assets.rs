//! The app's bundle, embedded in the binary so that one file deploys.
//! Content-hashed files under `assets/` are cached for a year; `index.html`
//! and the few fixed names are revalidated on every load.

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::http::error::ApiError;

#[derive(RustEmbed)]
#[folder = "../app/dist/"]
struct Bundle;

/// Serves a bundle file, or `index.html` for any other path so that the
/// app's own routes survive a reload.
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return ApiError::NoRoute.into_response();
    }
    if let Some(file) = Bundle::get(path).filter(|_| !path.is_empty()) {
        let immutable = path.starts_with("assets/");
        return file_response(path, file.data.into_owned(), immutable);
    }
    match Bundle::get("index.html") {
        Some(index) => file_response("index.html", index.data.into_owned(), false),
        None => ApiError::AppNotBuilt.into_response(),
    }
}

fn file_response(path: &str, data: Vec<u8>, immutable: bool) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let cache = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut res = (StatusCode::OK, Body::from(data)).into_response();
    let headers = res.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(mime.as_ref()).expect("MIME types are valid header values"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}
