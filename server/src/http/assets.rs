//! The app's bundle, embedded in the binary so that one file deploys.
//! Content-hashed files under `assets/` are cached for a year; `index.html`
//! and the few fixed names are revalidated on every load. Each file is sent
//! as compressed at build time (`.br`, `.gz`) when the client accepts it.

use axum::body::Body;
use axum::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::http::error::ApiError;

#[derive(RustEmbed)]
#[folder = "../app/dist/"]
struct Bundle;

/// Serves a bundle file, or `index.html` for any other path so that the
/// app's own routes survive a reload.
pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return ApiError::NoRoute.into_response();
    }
    let accepts = headers
        .get(ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !path.is_empty() && Bundle::get(path).is_some() {
        return file_response(path, accepts, path.starts_with("assets/"));
    }
    if Bundle::get("index.html").is_some() {
        return file_response("index.html", accepts, false);
    }
    ApiError::AppNotBuilt.into_response()
}

/// The file at `path`, precompressed if the client accepts that encoding.
fn file_response(path: &str, accepts: &str, immutable: bool) -> Response {
    let encoded = ["br", "gzip"].into_iter().find_map(|encoding| {
        let suffix = if encoding == "br" { "br" } else { "gz" };
        let file = Bundle::get(&format!("{path}.{suffix}"))?;
        accepts
            .split(',')
            .any(|a| a.trim().split(';').next() == Some(encoding))
            .then_some((encoding, file))
    });
    let (data, encoding) = match encoded {
        Some((encoding, file)) => (file.data.into_owned(), Some(encoding)),
        None => match Bundle::get(path) {
            Some(file) => (file.data.into_owned(), None),
            None => return ApiError::AppNotBuilt.into_response(),
        },
    };
    let mut res = plain_response(path, data, immutable);
    let headers = res.headers_mut();
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    res
}

fn plain_response(path: &str, data: Vec<u8>, immutable: bool) -> Response {
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
