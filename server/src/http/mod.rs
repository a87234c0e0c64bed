//! The HTTP API under `/api/v1/` and the app's bundle.

pub mod assets;
pub mod auth;
pub mod client;
pub mod conflicts;
pub mod coverage;
pub mod dispatch;
pub mod error;
pub mod export;
pub mod field_defs;
pub mod follow_up;
pub mod households;
pub mod json;
pub mod metrics;
pub mod openapi;
pub mod personal;
pub mod places;
pub mod query;
pub mod review;
pub mod roster;
pub mod roster_import;
pub mod security;
pub mod sessions;
pub mod staff_import;
pub mod submissions;
pub mod summary;
pub mod throttle;
pub mod trends;
pub mod users;
pub mod visits;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use axum::routing::{delete, get, patch, post, put};
use shared::round::Round;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::calendar::Calendar;
use crate::fields::FieldSets;
use crate::http::metrics::Metrics;
use crate::store::{Recorded, Store};

/// The largest request body accepted: a household's submission is a few KB.
pub const BODY_LIMIT: usize = 256 * 1024;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState<S> {
    pub store: S,
    /// The time, the round in progress and which rounds take surveys.
    pub calendar: Calendar,
    /// Whether demo accounts may log in.
    pub demo: bool,
    /// Counts and timings for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Served over HTTPS: the session cookie is marked `Secure`.
    pub https: bool,
    /// The versions of the fields the county added.
    pub fields: FieldSets,
    /// The most households an Excel export is made for.
    pub max_workbook_households: u64,
    /// Yuan per person per year under which a household is low-income.
    pub low_income_line: u32,
    /// The place tree and the grids' figures, between summaries.
    pub tree: crate::kept_tree::KeptTree,
    /// The end of working age, when the deployment sets one.
    pub age_limit: Option<shared::indicators::AgeLimit>,
    /// Days an item may stay on each follow-up list.
    pub deadlines: shared::follow_up::Deadlines,
    pub follow_ups: crate::kept_follow_ups::KeptFollowUps,
    /// How long a session may go unused before it ends.
    pub session_idle: time::Duration,
}

impl<S> AppState<S> {
    /// The round in progress now.
    pub fn round(&self) -> Round {
        self.calendar.round()
    }
}

impl<S: Store> AppState<S> {
    /// Computes again the households' figures of the round in progress that
    /// age or a change of definition left stale, and forgets what was
    /// summed from them.
    pub async fn refresh_figures(&self) -> Result<(), crate::store::StoreError> {
        let round = self.round();
        if self
            .store
            .refresh_figures(round, self.calendar.as_of(round))
            .await?
            > 0
        {
            self.tree.forget_sums().await;
            self.follow_ups.forget().await;
        }
        Ok(())
    }

    /// Brings the follow-up lists up to date; today's date in China.
    pub async fn keep_follow_ups(&self) -> Result<time::Date, crate::store::StoreError> {
        let today = self.calendar.today();
        (self.follow_ups)
            .keep(&self.store, self.low_income_line, today)
            .await?;
        Ok(today)
    }

    /// Every grid's open follow-up items today, the lists kept first.
    pub async fn open_items(
        &self,
    ) -> Result<crate::kept_follow_ups::GridItems, crate::store::StoreError> {
        let today = self.keep_follow_ups().await?;
        self.follow_ups
            .counts(&self.store, self.deadlines, today)
            .await
    }
}

/// A body's fingerprint: a retry with the same id must carry the same one.
pub fn digest_of<T: serde::Serialize>(body: &T) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(body).expect("wire types always serialize");
    hex::encode(Sha256::digest(json))
}

/// The answer to storing something by its client-made id: 201 the first
/// time, 200 with the same receipt for the same body again, 409 otherwise.
pub fn answer<R>(recorded: Recorded<R>) -> Result<(StatusCode, axum::Json<R>), error::ApiError> {
    match recorded {
        Recorded::New(receipt) => Ok((StatusCode::CREATED, axum::Json(receipt))),
        Recorded::Again(receipt) => Ok((StatusCode::OK, axum::Json(receipt))),
        Recorded::IdReused => Err(error::ApiError::IdReused),
    }
}

/// The whole application: API, health checks and the app's bundle.
pub fn router<S: Store>(state: AppState<S>) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let api = Router::new()
        .route(
            "/session",
            post(auth::login::<S>)
                .get(auth::current::<S>)
                .delete(auth::logout::<S>),
        )
        .route("/session/password", put(auth::change_password::<S>))
        .route("/roster", get(roster::get::<S>))
        .route("/places", get(places::list::<S>))
        .route("/summary", get(summary::get::<S>))
        .route(
            "/roster/import",
            post(roster_import::post::<S>)
                .layer(DefaultBodyLimit::max(roster_import::IMPORT_LIMIT)),
        )
        .route("/roster/template", get(roster_import::template_file))
        .route("/submissions", post(submissions::post::<S>))
        .route("/visits", post(visits::post::<S>).get(visits::list::<S>))
        .route("/users", get(users::list::<S>).post(users::create::<S>))
        .route(
            "/users/import",
            post(staff_import::post::<S>).layer(DefaultBodyLimit::max(roster_import::IMPORT_LIMIT)),
        )
        .route("/users/template", get(staff_import::template_file))
        .route("/fields", get(field_defs::get::<S>))
        .route(
            "/fields/import",
            post(field_defs::post::<S>).layer(DefaultBodyLimit::max(roster_import::IMPORT_LIMIT)),
        )
        .route("/fields/template", get(field_defs::template_file))
        .route("/users/{username}", patch(users::set_scope::<S>))
        .route("/users/{username}/disable", post(users::disable::<S>))
        .route("/users/{username}/enable", post(users::enable::<S>))
        .route(
            "/users/{username}/password",
            post(users::reset_password::<S>),
        )
        .route("/audit", get(users::audit_log::<S>))
        .route("/sessions", get(sessions::list::<S>))
        .route("/sessions/{id}", delete(sessions::end::<S>))
        .route("/openapi.json", get(openapi::document))
        .route("/households", get(households::search::<S>))
        .route("/households/{code}", get(households::get::<S>))
        .route("/households/{code}/history", get(households::history::<S>))
        .route("/coverage", get(coverage::get::<S>))
        .route("/gaps", get(coverage::gaps_of::<S>))
        .route("/indicators", get(coverage::indicators_of::<S>))
        .route("/follow-up", get(follow_up::get::<S>))
        .route("/follow-up/actions", post(follow_up::post_action::<S>))
        .route("/follow-up/export", get(follow_up::export::<S>))
        .route("/dispatch", get(dispatch::get::<S>))
        .route("/trends", get(trends::get::<S>))
        .route("/export", get(export::get::<S>))
        .route("/review", get(review::list::<S>))
        .route("/submissions/{id}/review", post(review::decide::<S>))
        .route("/conflicts", get(conflicts::list::<S>))
        .route("/conflicts/resolve", post(conflicts::resolve::<S>))
        .fallback(|| async { error::ApiError::NoRoute })
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let router = Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz::<S>))
        .route("/metrics", get(metrics::get::<S>))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record::<S>,
        ))
        .fallback(assets::serve)
        .with_state(state)
        .layer(axum::middleware::from_fn(security::refuse_cross_site))
        .layer(axum::middleware::from_fn(error::localize))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid));
    security::headers()
        .into_iter()
        .fold(router, |router, (name, value)| {
            router.layer(SetResponseHeaderLayer::if_not_present(name, value))
        })
}

/// The version this binary was built from, as `anju --version` says it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Alive, and which build: `ok anju 0.0.0`.
async fn healthz() -> String {
    format!("ok anju {VERSION}")
}

async fn readyz<S: Store>(
    axum::extract::State(app): axum::extract::State<AppState<S>>,
) -> Result<&'static str, error::ApiError> {
    app.store.is_empty().await?;
    Ok("ready")
}
