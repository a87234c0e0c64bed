//! HTTPS: the certificate loaded at start and again whenever its files
//! change, so a renewed certificate needs no restart; and the plain-HTTP
//! port that sends browsers to HTTPS.

use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::Request;
use axum::http::header::HOST;
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum_server::tls_rustls::RustlsConfig;

use crate::settings::TlsFiles;

/// How often the certificate's files are looked at for a change.
const RELOAD_EVERY: Duration = Duration::from_secs(2);

/// `Strict-Transport-Security`: a year, the usual value for a site that
/// serves nothing over plain HTTP.
pub const HSTS: HeaderValue = HeaderValue::from_static("max-age=31536000");

/// Reads the certificate chain and key; HTTP/2 and HTTP/1.1 are offered.
pub async fn load(files: &TlsFiles) -> std::io::Result<RustlsConfig> {
    RustlsConfig::from_pem_file(&files.cert, &files.key).await
}

/// Reloads `config` whenever either file's modification time changes,
/// until the process ends. A file that does not parse (caught half
/// written, say) leaves the certificate in use and is tried again.
pub async fn reload_on_change(config: RustlsConfig, files: TlsFiles) {
    let mut served = stamps(&files);
    let mut ticks = tokio::time::interval(RELOAD_EVERY);
    loop {
        ticks.tick().await;
        let now = stamps(&files);
        if now == served {
            continue;
        }
        match config.reload_from_pem_file(&files.cert, &files.key).await {
            Ok(()) => {
                tracing::info!(cert = %files.cert.display(), "certificate reloaded");
                served = now;
            }
            Err(err) => tracing::warn!(%err, "certificate files changed but do not load yet"),
        }
    }
}

fn stamps(files: &TlsFiles) -> (Option<SystemTime>, Option<SystemTime>) {
    let modified = |path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    (modified(&files.cert), modified(&files.key))
}

/// The plain-HTTP side: every request is sent to the same host and path
/// over HTTPS on `https_port`.
pub fn redirect_router(https_port: u16) -> Router {
    Router::new().fallback(move |req: Request| async move { to_https(&req, https_port) })
}

fn to_https(req: &Request, https_port: u16) -> Response {
    let Some(host) = req.headers().get(HOST).and_then(|h| h.to_str().ok()) else {
        return (StatusCode::BAD_REQUEST, "Host header required").into_response();
    };
    // The name without the plain port; bracketed IPv6 literals keep their colons.
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !host.ends_with(']') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    };
    let authority = if https_port == 443 {
        name.to_owned()
    } else {
        format!("{name}:{https_port}")
    };
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
    match format!("https://{authority}{path}").parse::<Uri>() {
        Ok(uri) => Redirect::permanent(&uri.to_string()).into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "bad Host header").into_response(),
    }
}
