//! Anju's server: takes submissions, merges them into the labour ledger,
//! answers supervisors, and serves the app.
#![deny(clippy::unwrap_used)]

pub mod accounts;
pub mod calendar;
pub mod change_watch;
pub mod cli;
pub mod demo;
pub mod export;
pub mod fields;
pub mod http;
pub mod import;
pub mod kept_follow_ups;
pub mod kept_tree;
pub mod settings;
pub mod staff;
pub mod store;
pub mod telemetry;
pub mod tls;

use std::net::SocketAddr;

use axum::http::header::STRICT_TRANSPORT_SECURITY;
use axum_server::tls_rustls::RustlsConfig;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::calendar::{Calendar, Clock};
use crate::http::AppState;
use crate::settings::{Backend, Settings, TlsFiles};
use crate::store::{Postgres, Sqlite, Store, StoreError};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(String),
    #[error("could not open the database: {0}")]
    Store(#[from] StoreError),
    #[error("could not listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error("could not load the certificate {cert} and its key: {source}")]
    Certificate {
        cert: String,
        source: std::io::Error,
    },
}

/// A server bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    demo_loaded: bool,
    tls: Option<Tls>,
}

/// HTTPS as it runs: the certificate in use, where it came from, and the
/// plain-HTTP port that redirects, if any.
struct Tls {
    config: RustlsConfig,
    files: TlsFiles,
    redirect: Option<TcpListener>,
}

impl Application {
    /// The port it listens on (useful with `port = 0`).
    pub fn port(&self) -> u16 {
        port_of(&self.listener)
    }

    /// The plain-HTTP port that redirects to HTTPS, if one was asked for.
    pub fn redirect_port(&self) -> Option<u16> {
        self.tls.as_ref()?.redirect.as_ref().map(port_of)
    }

    /// Whether this start loaded the demo dataset into an empty database.
    pub fn demo_loaded(&self) -> bool {
        self.demo_loaded
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let Some(tls) = self.tls else {
            return axum::serve(self.listener, service)
                .with_graceful_shutdown(shutdown_signal())
                .await;
        };
        let handle = axum_server::Handle::new();
        let stopping = handle.clone();
        tokio::spawn(async move {
            shutdown_signal().await;
            stopping.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
        });
        tokio::spawn(tls::reload_on_change(tls.config.clone(), tls.files));
        if let Some(redirect) = tls.redirect {
            let https_port = port_of(&self.listener);
            tokio::spawn(async move {
                let served = axum::serve(redirect, tls::redirect_router(https_port))
                    .with_graceful_shutdown(shutdown_signal())
                    .await;
                if let Err(err) = served {
                    tracing::error!(%err, "the HTTP redirect stopped");
                }
            });
        }
        axum_server::from_tcp_rustls(self.listener.into_std()?, tls.config)?
            .handle(handle)
            .serve(service)
            .await
    }
}

fn port_of(listener: &TcpListener) -> u16 {
    listener.local_addr().map(|a| a.port()).unwrap_or_default()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down; finishing requests in flight");
}

/// Opens the database, loads the demo if asked, and binds the listener.
pub async fn build(settings: Settings) -> Result<Application, StartError> {
    let clock = match settings.clock_file.clone() {
        Some(file) => Calendar::file_clock(file),
        None => Calendar::system_clock(),
    };
    build_with_clock(settings, clock).await
}

/// As `build`, with the time taken from `clock` (tests move it).
pub async fn build_with_clock(settings: Settings, clock: Clock) -> Result<Application, StartError> {
    let calendar = Calendar::new(clock, settings.round, settings.grace_days);
    match settings.backend().map_err(StartError::Config)? {
        Backend::Sqlite => {
            let store = Sqlite::open_with(&settings.database, settings.working_age_limit).await?;
            build_with(store, &settings, calendar).await
        }
        Backend::Postgres => {
            let store = Postgres::open_with(&settings.database, settings.working_age_limit).await?;
            build_with(store, &settings, calendar).await
        }
    }
}

async fn build_with<S: Store>(
    store: S,
    settings: &Settings,
    calendar: Calendar,
) -> Result<Application, StartError> {
    let round = calendar.round();
    if store.adopt_definitions().await? {
        tracing::info!(
            working_age_limit = ?settings.working_age_limit,
            "the figures are counted again under the new end of working age"
        );
    }
    let mut demo_loaded = false;
    if settings.demo && store.is_empty().await? {
        let seed = demo::dataset(round);
        store.seed(&seed).await?;
        demo_loaded = true;
        tracing::info!(%round, "demo dataset loaded");
        if settings.demo_underway {
            let done = demo::underway::apply(&store, &seed, round, calendar.now()).await?;
            tracing::info!(
                visits = done.visits,
                surveys = done.surveys,
                returned = done.returned,
                "demo round under way"
            );
        }
    }
    let listener = bind(&settings.host, settings.port).await?;
    let tls = match settings.tls() {
        None => None,
        Some(files) => Some(Tls {
            config: tls::load(&files)
                .await
                .map_err(|source| StartError::Certificate {
                    cert: files.cert.display().to_string(),
                    source,
                })?,
            files,
            redirect: match settings.http_redirect_port {
                Some(port) => Some(bind(&settings.host, port).await?),
                None => None,
            },
        }),
    };
    let state = AppState {
        fields: fields::FieldSets::default(),
        store,
        calendar,
        demo: settings.demo,
        metrics: http::metrics::Metrics::new(),
        https: tls.is_some(),
        max_workbook_households: settings.max_workbook_households,
        low_income_line: settings.low_income_line,
        tree: kept_tree::KeptTree::default(),
        age_limit: settings.working_age_limit,
        deadlines: settings.deadlines(),
        follow_ups: kept_follow_ups::KeptFollowUps::default(),
        session_idle: time::Duration::hours(i64::from(settings.session_idle_hours)),
    };
    // Figures not kept yet (a database from before they were) are computed
    // once, off the requests' path; a read that needs them first does it.
    // Then the place tree and the grids' sums are read for the first summary.
    let store = state.store.clone();
    let tree = state.tree.clone();
    let as_of = state.calendar.as_of(round);
    let low_income_line = state.low_income_line;
    let follow_ups = state.follow_ups.clone();
    let calendar = state.calendar.clone();
    tokio::spawn(async move {
        match store.refresh_figures(round, as_of).await {
            Ok(0) => {}
            Ok(households) => tracing::info!(households, "household figures computed"),
            Err(err) => tracing::warn!(%err, "household figures not computed"),
        }
        if let Err(err) = tree.sums(&store, round, as_of, low_income_line).await {
            tracing::warn!(%err, "the grids' figures not summed");
        }
        // The follow-up lists are kept each minute, so that an item is
        // dated by the write that made it so even if nobody reads them.
        let mut each_minute = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            each_minute.tick().await;
            let today = calendar.today();
            if let Err(err) = follow_ups.keep(&store, low_income_line, today).await {
                tracing::warn!(%err, "the follow-up lists not kept");
            }
        }
    });
    let mut router = http::router(state);
    if tls.is_some() {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            STRICT_TRANSPORT_SECURITY,
            tls::HSTS,
        ));
    }
    Ok(Application {
        listener,
        router,
        demo_loaded,
        tls,
    })
}

async fn bind(host: &str, port: u16) -> Result<TcpListener, StartError> {
    let addr = format!("{host}:{port}");
    TcpListener::bind(&addr)
        .await
        .map_err(|source| StartError::Listen { addr, source })
}
