//! What time and round it is, read at each request by China's calendar, so
//! a server that runs for a year moves from quarter to quarter by itself.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use shared::round::{CHINA, Intake, Round};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

/// Where the time comes from: the system clock, or a test's own.
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// The round in progress and which rounds still take surveys.
#[derive(Clone)]
pub struct Calendar {
    clock: Clock,
    /// A round fixed by `--round`, for tests and demos.
    fixed: Option<Round>,
    grace_days: u16,
}

impl Calendar {
    pub fn new(clock: Clock, fixed: Option<Round>, grace_days: u16) -> Calendar {
        Calendar {
            clock,
            fixed,
            grace_days,
        }
    }

    /// The system clock.
    pub fn system_clock() -> Clock {
        Arc::new(OffsetDateTime::now_utc)
    }

    /// The time written in `file` (RFC 3339) when read, or the system's
    /// when it cannot be: for tests that move a running server's clock.
    pub fn file_clock(file: PathBuf) -> Clock {
        Arc::new(move || {
            std::fs::read_to_string(&file)
                .ok()
                .and_then(|text| OffsetDateTime::parse(text.trim(), &Rfc3339).ok())
                .unwrap_or_else(OffsetDateTime::now_utc)
        })
    }

    /// Now, in UTC.
    pub fn now(&self) -> OffsetDateTime {
        (self.clock)()
    }

    /// Today's date in China.
    pub fn today(&self) -> Date {
        self.now().to_offset(CHINA).date()
    }

    /// The round in progress: the quarter of today's date in China.
    pub fn round(&self) -> Round {
        self.fixed.unwrap_or_else(|| Round::in_china(self.now()))
    }

    /// The day a round's ledger is read as of (ages, for one): its last
    /// day, or today in China while it is still running.
    pub fn as_of(&self, round: Round) -> Date {
        round.as_of(self.now().to_offset(CHINA).date())
    }

    /// Whether `round` takes surveys now.
    pub fn intake(&self, round: Round) -> Intake {
        round.intake(self.round(), self.today(), self.grace_days)
    }
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("fixed", &self.fixed)
            .field("grace_days", &self.grace_days)
            .finish_non_exhaustive()
    }
}
