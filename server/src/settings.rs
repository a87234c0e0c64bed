//! Configuration: flags, or the environment variables named beside them.

use std::fmt;

use shared::round::Round;

/// How `anju serve` is configured; read once at start.
#[derive(Clone, clap::Args)]
pub struct Settings {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, env = "ANJU_PORT", default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on; 0.0.0.0 lets phones on the network reach it.
    #[arg(long, env = "ANJU_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// `sqlite://PATH` (the default) or `postgres://...`.
    #[arg(long, env = "ANJU_DATABASE_URL", default_value = "sqlite://anju.db")]
    pub database: String,
    /// Load the demo dataset into an empty database and accept the demo accounts.
    #[arg(long, env = "ANJU_DEMO")]
    pub demo: bool,
    /// With --demo: the round already under way in grid 1 (visits, surveys,
    /// a returned survey, a flagged visit), for trying the supervisors' screens.
    #[arg(long, env = "ANJU_DEMO_UNDERWAY", requires = "demo")]
    pub demo_underway: bool,
    /// The round in progress, like 2026Q4; by default the quarter of today's date.
    #[arg(long, env = "ANJU_ROUND", value_parser = parse_round)]
    pub round: Option<Round>,
}

fn parse_round(raw: &str) -> Result<Round, String> {
    Round::parse(raw).map_err(|e| e.to_string())
}

// Written by hand so that a password in the database URL never reaches a log.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let database = match self.database.split_once('@') {
            Some((_, host)) => format!("{}://***@{host}", self.backend_name()),
            None => self.database.clone(),
        };
        f.debug_struct("Settings")
            .field("port", &self.port)
            .field("host", &self.host)
            .field("database", &database)
            .field("demo", &self.demo)
            .field("demo_underway", &self.demo_underway)
            .field("round", &self.round)
            .finish()
    }
}

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Settings {
    /// The database the URL names, decided once at start.
    pub fn backend(&self) -> Result<Backend, String> {
        match self.backend_name() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            other => Err(format!(
                "unknown database scheme {other:?}: use sqlite://PATH or postgres://..."
            )),
        }
    }

    fn backend_name(&self) -> &str {
        self.database
            .split_once(':')
            .map_or("", |(scheme, _)| scheme)
    }
}
