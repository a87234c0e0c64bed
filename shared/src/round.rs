//! A survey round: one calendar quarter.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// China Standard Time (UTC+8): a round, like a visit's day, is China's.
pub const CHINA: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// The first instant of `day` in China.
pub fn start_of_day(day: Date) -> OffsetDateTime {
    time::PrimitiveDateTime::new(day, time::Time::MIDNIGHT).assume_offset(CHINA)
}

/// Whether a round takes surveys on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intake {
    /// The round in progress, or the last one within its grace period.
    Open,
    /// A round that has not begun.
    NotYet,
    /// A round whose grace period is over.
    Closed,
}

/// A survey round (季度), written `2026Q4`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Round {
    year: u16,   // Invariant: 2000..=2999.
    quarter: u8, // Invariant: 1..=4.
}

/// Why a string is not a round.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a round is written like 2026Q4")]
pub struct RoundError;

impl Round {
    /// Parses `YYYYQn`.
    pub fn parse(raw: &str) -> Result<Round, RoundError> {
        let (year, quarter) = raw.trim().split_once(['Q', 'q']).ok_or(RoundError)?;
        let year: u16 = year.parse().map_err(|_| RoundError)?;
        let quarter: u8 = quarter.parse().map_err(|_| RoundError)?;
        if !(2000..=2999).contains(&year) || !(1..=4).contains(&quarter) || raw.len() != 6 {
            return Err(RoundError);
        }
        Ok(Round { year, quarter })
    }

    /// The round that contains `day`.
    pub fn containing(day: Date) -> Round {
        Round {
            year: day.year().clamp(2000, 2999) as u16,
            quarter: (day.month() as u8 - 1) / 3 + 1,
        }
    }

    /// The round in progress at `at`, by China's calendar.
    pub fn in_china(at: OffsetDateTime) -> Round {
        Round::containing(at.to_offset(CHINA).date())
    }

    /// Whether this round takes surveys on `today` (China's date), when
    /// `current` is in progress: the current round does, and so does the
    /// one before it for `grace_days` after its last day, for phones that
    /// were offline when the quarter ended.
    pub fn intake(self, current: Round, today: Date, grace_days: u16) -> Intake {
        if self > current {
            return Intake::NotYet;
        }
        if self == current {
            return Intake::Open;
        }
        let grace_ends = self.last_day() + Duration::days(i64::from(grace_days));
        if self == current.previous() && today <= grace_ends {
            Intake::Open
        } else {
            Intake::Closed
        }
    }

    /// The round after this one.
    pub fn next(self) -> Round {
        if self.quarter == 4 {
            Round {
                year: self.year + 1,
                quarter: 1,
            }
        } else {
            Round {
                year: self.year,
                quarter: self.quarter + 1,
            }
        }
    }

    /// The round before this one.
    pub fn previous(self) -> Round {
        if self.quarter == 1 {
            Round {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Round {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }

    /// The day the round's ledgers are read as of (ages, for one): its
    /// last day, or `today` while it is still running.
    pub fn as_of(self, today: Date) -> Date {
        self.last_day().min(today)
    }

    /// The first day of the quarter.
    pub fn first_day(self) -> Date {
        let month =
            time::Month::try_from((self.quarter - 1) * 3 + 1).expect("quarters have months");
        Date::from_calendar_date(i32::from(self.year), month, 1).expect("quarters begin")
    }

    /// The last day of the quarter.
    pub fn last_day(self) -> Date {
        let (month, day) = match self.quarter {
            1 => (time::Month::March, 31),
            2 => (time::Month::June, 30),
            3 => (time::Month::September, 30),
            _ => (time::Month::December, 31),
        };
        Date::from_calendar_date(i32::from(self.year), month, day).expect("quarter ends exist")
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn quarter(self) -> u8 {
        self.quarter
    }
}

impl fmt::Display for Round {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.quarter)
    }
}

impl fmt::Debug for Round {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Round({self})")
    }
}

// On the wire a round is a string like `2026Q4`, not the struct's fields.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Round {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[0-9]{4}Q[1-4]$"))
            .examples(["2026Q4"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Round {}

impl TryFrom<String> for Round {
    type Error = RoundError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Round::parse(&raw)
    }
}

impl From<Round> for String {
    fn from(round: Round) -> String {
        round.to_string()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn parses_and_prints() {
        let round = Round::parse("2026Q4").unwrap();
        assert_eq!(round.to_string(), "2026Q4");
        assert_eq!(round.previous().to_string(), "2026Q3");
        assert_eq!(
            Round::parse("2027Q1").unwrap().previous().to_string(),
            "2026Q4"
        );
        assert_eq!(Round::parse("2026Q4").unwrap().next().to_string(), "2027Q1");
        assert_eq!(Round::parse("2027Q1").unwrap().next().to_string(), "2027Q2");
    }

    #[test]
    fn rejects_malformed_rounds() {
        for raw in ["2026Q5", "2026Q0", "26Q1", "2026-4", "", "2026Q44"] {
            assert_eq!(Round::parse(raw), Err(RoundError), "{raw}");
        }
    }

    #[test]
    fn a_round_ends_on_its_quarters_last_day() {
        assert_eq!(
            Round::parse("2026Q4").unwrap().last_day(),
            date!(2026 - 12 - 31)
        );
        assert_eq!(
            Round::parse("2026Q2").unwrap().last_day(),
            date!(2026 - 06 - 30)
        );
    }

    #[test]
    fn the_round_changes_at_midnight_in_china() {
        use time::macros::datetime;
        // 15:59:59 UTC on 31 December is 23:59:59 in China.
        assert_eq!(
            Round::in_china(datetime!(2026-12-31 15:59:59 UTC)).to_string(),
            "2026Q4"
        );
        assert_eq!(
            Round::in_china(datetime!(2026-12-31 16:00:00 UTC)).to_string(),
            "2027Q1"
        );
    }

    #[track_caller]
    fn check_intake(round: &str, current: &str, today: Date, expected: Intake) {
        let round = Round::parse(round).unwrap();
        let current = Round::parse(current).unwrap();
        assert_eq!(round.intake(current, today, 15), expected);
    }

    #[test]
    fn the_last_round_takes_surveys_through_its_grace_period() {
        check_intake("2026Q4", "2027Q1", date!(2027 - 01 - 15), Intake::Open);
        check_intake("2026Q4", "2027Q1", date!(2027 - 01 - 16), Intake::Closed);
        check_intake("2027Q1", "2027Q1", date!(2027 - 01 - 16), Intake::Open);
    }

    #[test]
    fn older_and_future_rounds_take_no_surveys() {
        check_intake("2026Q3", "2027Q1", date!(2027 - 01 - 02), Intake::Closed);
        check_intake("2027Q2", "2027Q1", date!(2027 - 01 - 02), Intake::NotYet);
    }

    #[test]
    fn the_round_of_a_day() {
        assert_eq!(
            Round::containing(date!(2026 - 11 - 23)).to_string(),
            "2026Q4"
        );
        assert_eq!(
            Round::containing(date!(2026 - 03 - 31)).to_string(),
            "2026Q1"
        );
    }
}
