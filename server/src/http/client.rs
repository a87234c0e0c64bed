//! Who is at the other end of a request: their address and browser, for
//! throttling failed logins and for the sessions an administrator lists.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;

/// The longest `User-Agent` kept with a session.
const MAX_AGENT_CHARS: usize = 200;

/// A request's address and browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    /// The peer's address; behind a reverse proxy on this machine (the
    /// peer is a loopback address), the address the proxy appended last to
    /// `X-Forwarded-For`, the one it saw itself.
    pub address: String,
    pub agent: String,
}

impl Client {
    pub fn of(peer: Option<SocketAddr>, headers: &HeaderMap) -> Client {
        let forwarded = || {
            headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|a| !a.is_empty())
                .map(str::to_owned)
        };
        let address = match peer {
            Some(peer) if peer.ip().is_loopback() => {
                forwarded().unwrap_or_else(|| peer.ip().to_string())
            }
            Some(peer) => peer.ip().to_string(),
            None => "unknown".into(),
        };
        let agent = headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(MAX_AGENT_CHARS)
            .collect();
        Client { address, agent }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| *peer);
        Ok(Client::of(peer, &parts.headers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(forwarded: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(forwarded).unwrap());
        headers
    }

    #[test]
    fn a_proxy_on_this_machine_names_the_client_last() {
        let peer = Some("127.0.0.1:5000".parse().unwrap());
        let client = Client::of(peer, &headers("10.0.0.9, 203.0.113.7"));
        assert_eq!(client.address, "203.0.113.7");
    }

    #[test]
    fn a_peer_elsewhere_cannot_name_another_address() {
        let peer = Some("198.51.100.4:5000".parse().unwrap());
        let client = Client::of(peer, &headers("203.0.113.7"));
        assert_eq!(client.address, "198.51.100.4");
    }
}
