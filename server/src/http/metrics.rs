//! `GET /metrics` in Prometheus' text format: requests by route and
//! status, their latency (intake and roster sync among them), the intake
//! queue, the database pool and the build. For administrators, or from the
//! loopback address, where a collector on the same machine scrapes it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use shared::codes::Role;

use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::{AppState, VERSION};
use crate::store::Store;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// This server's counters, kept for as long as it runs.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    intake_waiting: Gauge,
    pool_open: Gauge,
    pool_idle: Gauge,
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("anju");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let (intake_waiting, pool_open, pool_idle) =
            (Gauge::default(), Gauge::default(), Gauge::default());
        registry.register(
            "http_requests",
            "Requests answered, by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route: POST /api/v1/submissions is intake, GET /api/v1/roster the roster sync",
            latency.clone(),
        );
        registry.register(
            "intake_waiting",
            "Submissions waiting for the database writer",
            intake_waiting.clone(),
        );
        registry.register(
            "db_pool_open",
            "Database connections open",
            pool_open.clone(),
        );
        registry.register(
            "db_pool_idle",
            "Database connections open and idle",
            pool_idle.clone(),
        );
        registry.register(
            "build",
            "The version of this server",
            Info::new(vec![("version".to_owned(), VERSION.to_owned())]),
        );
        Arc::new(Metrics {
            registry,
            requests,
            latency,
            intake_waiting,
            pool_open,
            pool_idle,
        })
    }
}

/// Counts and times every request that matched a route.
pub async fn record<S: Store>(
    State(app): State<AppState<S>>,
    route: MatchedPath,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().to_string();
    let started = Instant::now();
    let res = next.run(req).await;
    let route = route.as_str().to_owned();
    app.metrics
        .latency
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    app.metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: res.status().as_u16(),
        })
        .inc();
    res
}

/// `GET /metrics`.
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    caller: Result<Caller, ApiError>,
) -> Result<Response, ApiError> {
    if !peer.ip().is_loopback() {
        caller?.require(&[Role::Admin])?;
    }
    let load = app.store.load();
    let metrics = &app.metrics;
    metrics
        .intake_waiting
        .set(i64::try_from(load.intake_waiting).unwrap_or(i64::MAX));
    metrics.pool_open.set(i64::from(load.pool_open));
    metrics.pool_idle.set(i64::from(load.pool_idle));
    let mut text = String::new();
    encode(&mut text, &metrics.registry).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
