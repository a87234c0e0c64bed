//! Calendar dates on the wire as `YYYY-MM-DD`, read and written by hand:
//! the same text `time`'s own serde gives, without its general-purpose
//! format parser, which would weigh on the phone's download.

use serde::{Deserialize, Deserializer, Serializer};
use time::{Date, Month};

/// Formats `day` as `YYYY-MM-DD`.
pub fn format(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// Parses `YYYY-MM-DD`.
pub fn parse(raw: &str) -> Option<Date> {
    let bytes = raw.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i32 = raw.get(0..4)?.parse().ok()?;
    let month: u8 = raw.get(5..7)?.parse().ok()?;
    let day: u8 = raw.get(8..10)?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// For `#[serde(with = "crate::day")]` on a `Date`.
pub fn serialize<S: Serializer>(day: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(*day))
}

/// For `#[serde(with = "crate::day")]` on a `Date`.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    optional::deserialize(d)?.ok_or_else(|| serde::de::Error::custom("a date is required"))
}

/// For `#[serde(with = "crate::day::optional")]` on `Option<Date>`.
pub mod optional {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(day) => s.serialize_some(&format(*day)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let raw: Option<String> = Option::deserialize(d)?;
        raw.map(|raw| {
            parse(&raw).ok_or_else(|| {
                serde::de::Error::custom(format_args!(
                    "a date is written like 2026-08-15, not {raw}"
                ))
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn dates_read_and_write_as_iso() {
        assert_eq!(format(date!(2026 - 08 - 05)), "2026-08-05");
        assert_eq!(parse("2026-08-05"), Some(date!(2026 - 08 - 05)));
        assert_eq!(parse("2026-02-30"), None);
        assert_eq!(parse("2026-8-5"), None);
        assert_eq!(parse("２０２６-08-05"), None);
    }

    proptest! {
        #[test]
        fn agrees_with_time_itself(days in 0i32..80_000) {
            let day = date!(1900 - 01 - 01) + time::Duration::days(i64::from(days));
            let ours = format(day);
            let theirs = serde_json::to_string(&day).unwrap();
            prop_assert_eq!(format!("\"{ours}\""), theirs);
            prop_assert_eq!(parse(&ours), Some(day));
        }
    }
}
