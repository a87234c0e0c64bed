//! Configuration: flags, or the environment variables named beside them.

use std::fmt;
use std::path::PathBuf;

use shared::follow_up::Deadlines;
use shared::indicators::{AgeLimit, LOW_INCOME_LINE};
use shared::round::Round;

/// Days a quarter's surveys are still taken after it ends, unless set.
pub const DEFAULT_GRACE_DAYS: u16 = 15;
/// A week.
pub const DEFAULT_SESSION_IDLE_HOURS: u32 = 7 * 24;
/// A city's households, with its workbook (about 120,000 rows) in a few
/// hundred megabytes.
pub const DEFAULT_MAX_WORKBOOK_HOUSEHOLDS: u64 = 60_000;

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
    /// Days after a quarter's end during which its surveys are still taken,
    /// for phones that were offline when it ended.
    #[arg(long, env = "ANJU_GRACE_DAYS", default_value_t = DEFAULT_GRACE_DAYS)]
    pub grace_days: u16,
    /// The certificate chain (PEM) to serve HTTPS with; reloaded when the file changes.
    #[arg(long, env = "ANJU_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, env = "ANJU_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// With TLS: also answer plain HTTP on this port with a redirect to HTTPS.
    #[arg(long, env = "ANJU_HTTP_REDIRECT_PORT", requires = "tls_cert")]
    pub http_redirect_port: Option<u16>,
    /// For tests of a quarter's end: the time is read at each request from
    /// this file (RFC 3339), so a test can move it; the system clock if the
    /// file is missing or unreadable.
    #[arg(long, env = "ANJU_CLOCK_FILE", hide = true)]
    pub clock_file: Option<PathBuf>,
    /// The most households an Excel export is made for: a workbook is made
    /// whole in memory before it is sent. CSV streams any size.
    #[arg(long, env = "ANJU_MAX_WORKBOOK_HOUSEHOLDS", default_value_t = DEFAULT_MAX_WORKBOOK_HOUSEHOLDS)]
    pub max_workbook_households: u64,
    /// Yuan per person per year (wages and the household's other income)
    /// under which a household is on the low-income list (防返贫监测).
    #[arg(long, env = "ANJU_LOW_INCOME_LINE", default_value_t = LOW_INCOME_LINE)]
    pub low_income_line: u32,
    /// The end of working age, men's then women's (`60,55`, as older local
    /// rules have it): past it a person is no labourer, and one who works
    /// is counted apart (超龄务工). Without it the employment status decides.
    #[arg(long, env = "ANJU_WORKING_AGE_LIMIT", value_parser = parse_age_limit)]
    pub working_age_limit: Option<AgeLimit>,
    /// Days a zero-employment household may stay on its follow-up list
    /// before it is overdue (Tongren: cleared within 5).
    #[arg(long, env = "ANJU_DEADLINE_ZERO_EMPLOYMENT", default_value_t = Deadlines::default().zero_employment)]
    pub deadline_zero_employment: u16,
    /// Days for a low-income household.
    #[arg(long, env = "ANJU_DEADLINE_LOW_INCOME", default_value_t = Deadlines::default().low_income)]
    pub deadline_low_income: u16,
    /// Days for a labourer out of work who wants work.
    #[arg(long, env = "ANJU_DEADLINE_SEEKING_WORK", default_value_t = Deadlines::default().seeking_work)]
    pub deadline_seeking_work: u16,
    /// Hours a session may go unused before it ends and its user must log
    /// in again (a week by default: a team's phone may sit in a drawer
    /// between visits, but not for a quarter).
    #[arg(long, env = "ANJU_SESSION_IDLE_HOURS", default_value_t = DEFAULT_SESSION_IDLE_HOURS)]
    pub session_idle_hours: u32,
    /// `text` for people, `json` for log collectors.
    #[arg(long, env = "ANJU_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Settings {
    /// A server on `database` at 127.0.0.1 on a free port, plain HTTP, no
    /// demo, the round by the calendar: what tests and benchmarks start from.
    pub fn local(database: String) -> Settings {
        Settings {
            port: 0,
            host: "127.0.0.1".into(),
            database,
            demo: false,
            demo_underway: false,
            round: None,
            grace_days: DEFAULT_GRACE_DAYS,
            tls_cert: None,
            tls_key: None,
            http_redirect_port: None,
            clock_file: None,
            max_workbook_households: DEFAULT_MAX_WORKBOOK_HOUSEHOLDS,
            low_income_line: LOW_INCOME_LINE,
            working_age_limit: None,
            deadline_zero_employment: Deadlines::default().zero_employment,
            deadline_low_income: Deadlines::default().low_income,
            deadline_seeking_work: Deadlines::default().seeking_work,
            session_idle_hours: DEFAULT_SESSION_IDLE_HOURS,
            log_format: LogFormat::Text,
        }
    }

    /// The follow-up lists' deadlines.
    pub fn deadlines(&self) -> Deadlines {
        Deadlines {
            zero_employment: self.deadline_zero_employment,
            low_income: self.deadline_low_income,
            seeking_work: self.deadline_seeking_work,
        }
    }

    /// The certificate and key files, when HTTPS is on.
    pub fn tls(&self) -> Option<TlsFiles> {
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            }),
            _ => None,
        }
    }
}

/// A certificate chain and its key, as PEM files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

fn parse_age_limit(raw: &str) -> Result<AgeLimit, String> {
    AgeLimit::parse(raw).ok_or_else(|| format!("{raw}: give men's then women's age, like 60,55"))
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
            .field("grace_days", &self.grace_days)
            .field("tls_cert", &self.tls_cert)
            .field("tls_key", &self.tls_key)
            .field("http_redirect_port", &self.http_redirect_port)
            .field("clock_file", &self.clock_file)
            .field("max_workbook_households", &self.max_workbook_households)
            .field("low_income_line", &self.low_income_line)
            .field("working_age_limit", &self.working_age_limit)
            .field("deadlines", &self.deadlines())
            .field("log_format", &self.log_format)
            .finish()
    }
}

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The database a URL names.
    pub fn of_url(url: &str) -> Result<Backend, String> {
        match scheme(url) {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            other => Err(format!(
                "unknown database scheme {other:?}: use sqlite://PATH or postgres://..."
            )),
        }
    }
}

fn scheme(url: &str) -> &str {
    url.split_once(':').map_or("", |(scheme, _)| scheme)
}

impl Settings {
    /// The database the URL names, decided once at start.
    pub fn backend(&self) -> Result<Backend, String> {
        Backend::of_url(&self.database)
    }

    fn backend_name(&self) -> &str {
        scheme(&self.database)
    }
}
