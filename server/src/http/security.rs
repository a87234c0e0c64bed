//! What every response says to the browser about what it may do with it,
//! and the refusal of state-changing requests that another site's page
//! sent with the user's cookie.

use axum::extract::Request;
use axum::http::header::{
    AUTHORIZATION, CONTENT_SECURITY_POLICY, HOST, ORIGIN, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::error::ApiError;

/// The app's own files and nothing else: its scripts and WebAssembly
/// (compiled by `WebAssembly.instantiate`, hence `'wasm-unsafe-eval'`, which
/// allows no JavaScript `eval`), its stylesheet, no inline script or style,
/// the API on the same origin, and no framing by any page.
pub const CONTENT_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; \
     worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// The headers every response carries, unless a handler set its own
/// (`router` adds each as a `SetResponseHeaderLayer`).
pub fn headers() -> [(HeaderName, HeaderValue); 6] {
    [
        (
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_POLICY),
        ),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        // Household codes ride in the app's paths; no other site learns them.
        (REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("geolocation=(self), camera=(), microphone=(), payment=()"),
        ),
    ]
}

/// Middleware: refuses a state-changing request that a browser says came
/// from another site. Browsers send `Sec-Fetch-Site` (or at least `Origin`)
/// with every such request; a request with a bearer token, or from a
/// program that sends neither, carries no cookie a page could have
/// borrowed, and passes.
pub async fn refuse_cross_site(req: Request, next: Next) -> Response {
    if is_cross_site(req.method(), req.headers()) {
        return ApiError::CrossSite.into_response();
    }
    next.run(req).await
}

fn is_cross_site(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        || headers.contains_key(AUTHORIZATION)
    {
        return false;
    }
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = text(HeaderName::from_static("sec-fetch-site")) {
        // `none`: the user's own action, typed or bookmarked.
        return !matches!(site, "same-origin" | "none");
    }
    match (text(ORIGIN), text(HOST)) {
        (Some(origin), Some(host)) => origin_host(origin) != Some(host),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// `host[:port]` of an origin such as `https://anju.example.gov.cn`.
fn origin_host(origin: &str) -> Option<&str> {
    origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn fetch_metadata_decides_where_the_browser_sends_it() {
        let post = Method::POST;
        assert!(!is_cross_site(
            &post,
            &request(&[("sec-fetch-site", "same-origin")])
        ));
        assert!(is_cross_site(
            &post,
            &request(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(is_cross_site(
            &post,
            &request(&[("sec-fetch-site", "same-site")])
        ));
        assert!(!is_cross_site(
            &Method::GET,
            &request(&[("sec-fetch-site", "cross-site")])
        ));
    }

    #[test]
    fn without_fetch_metadata_the_origin_must_be_this_host() {
        let host = ("host", "anju.example.gov.cn");
        let ours = ("origin", "https://anju.example.gov.cn");
        let theirs = ("origin", "https://evil.example.com");
        assert!(!is_cross_site(&Method::PUT, &request(&[host, ours])));
        assert!(is_cross_site(&Method::PUT, &request(&[host, theirs])));
        assert!(is_cross_site(
            &Method::DELETE,
            &request(&[host, ("origin", "null")])
        ));
    }

    #[test]
    fn programs_and_bearer_tokens_pass() {
        assert!(!is_cross_site(&Method::POST, &request(&[("host", "a")])));
        let bearer = [
            ("authorization", "Bearer x"),
            ("sec-fetch-site", "cross-site"),
        ];
        assert!(!is_cross_site(&Method::POST, &request(&bearer)));
    }
}
