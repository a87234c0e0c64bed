//! Anju's server: takes submissions, merges them into the labour ledger,
//! answers supervisors, and serves the app.
#![deny(clippy::unwrap_used)]

pub mod demo;
pub mod export;
pub mod http;
pub mod import;
pub mod settings;
pub mod store;
pub mod telemetry;

use std::net::SocketAddr;

use shared::round::Round;
use time::OffsetDateTime;
use tokio::net::TcpListener;

use crate::http::AppState;
use crate::settings::{Backend, Settings};
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
}

/// A server bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    demo_loaded: bool,
}

impl Application {
    /// The port it listens on (useful with `port = 0`).
    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    /// Whether this start loaded the demo dataset into an empty database.
    pub fn demo_loaded(&self) -> bool {
        self.demo_loaded
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    }
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
    let round = settings
        .round
        .unwrap_or_else(|| Round::containing(OffsetDateTime::now_utc().date()));
    match settings.backend().map_err(StartError::Config)? {
        Backend::Sqlite => {
            let store = Sqlite::open(&settings.database).await?;
            build_with(store, &settings, round).await
        }
        Backend::Postgres => {
            let store = Postgres::open(&settings.database).await?;
            build_with(store, &settings, round).await
        }
    }
}

async fn build_with<S: Store>(
    store: S,
    settings: &Settings,
    round: Round,
) -> Result<Application, StartError> {
    let mut demo_loaded = false;
    if settings.demo && store.is_empty().await? {
        let seed = demo::dataset(round);
        store.seed(&seed).await?;
        demo_loaded = true;
        tracing::info!(%round, "demo dataset loaded");
        if settings.demo_underway {
            let done =
                demo::underway::apply(&store, &seed, round, OffsetDateTime::now_utc()).await?;
            tracing::info!(
                visits = done.visits,
                surveys = done.surveys,
                returned = done.returned,
                "demo round under way"
            );
        }
    }
    let addr = format!("{}:{}", settings.host, settings.port);
    let listener = TcpListener::bind(&addr)
        .await
        .map_err(|source| StartError::Listen { addr, source })?;
    let state = AppState {
        store,
        round,
        demo: settings.demo,
    };
    Ok(Application {
        listener,
        router: http::router(state),
        demo_loaded,
    })
}
