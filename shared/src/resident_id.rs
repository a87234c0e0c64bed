//! 公民身份号码: the 18-character resident ID number.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::codes::Sex;

/// An 18-character resident ID number (公民身份号码). Holding one means the
/// region code, the birth date and the ISO 7064 MOD 11-2 check character
/// were verified.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct ResidentId(String); // Invariant: 17 ASCII digits, then a digit or 'X'; valid date.

/// Why a string is not a resident ID number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResidentIdError {
    #[error("a resident ID number has 18 characters (or 15 for an old one), not {0}")]
    WrongLength(usize),
    #[error("character {0} of the resident ID number must be a digit")]
    NotADigit(usize),
    #[error("the resident ID number does not start with a known province code")]
    UnknownRegion,
    #[error("the birth date in the resident ID number does not exist")]
    BadBirthDate,
    #[error("the resident ID number's check character is wrong")]
    CheckMismatch,
}

const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Province-level codes (the first two digits), per GB/T 2260.
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// The MOD 11-2 check character of the first 17 digits.
pub fn check_char(first17: &[u8]) -> u8 {
    // Weight of position i is 2^(17 - i) mod 11.
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl ResidentId {
    /// Parses an 18-character number, or upgrades a 15-digit legacy one.
    pub fn parse(raw: &str) -> Result<ResidentId, ResidentIdError> {
        let raw = raw.trim().to_ascii_uppercase();
        let bytes = raw.as_bytes();
        let full: Vec<u8> = match bytes.len() {
            18 => bytes.to_vec(),
            15 => {
                if let Some(idx) = bytes.iter().position(|b| !b.is_ascii_digit()) {
                    return Err(ResidentIdError::NotADigit(idx));
                }
                // Legacy numbers were issued to people born in the 1900s.
                let mut res = Vec::with_capacity(18);
                res.extend_from_slice(&bytes[..6]);
                res.extend_from_slice(b"19");
                res.extend_from_slice(&bytes[6..]);
                res.push(check_char(&res));
                res
            }
            n => return Err(ResidentIdError::WrongLength(n)),
        };
        if let Some(idx) = full[..17].iter().position(|b| !b.is_ascii_digit()) {
            return Err(ResidentIdError::NotADigit(idx));
        }
        if !full[17].is_ascii_digit() && full[17] != b'X' {
            return Err(ResidentIdError::NotADigit(17));
        }
        let province = (full[0] - b'0') * 10 + (full[1] - b'0');
        if !PROVINCES.contains(&province) {
            return Err(ResidentIdError::UnknownRegion);
        }
        birth_date_of(&full).ok_or(ResidentIdError::BadBirthDate)?;
        if full[17] != check_char(&full[..17]) {
            return Err(ResidentIdError::CheckMismatch);
        }
        Ok(ResidentId(
            String::from_utf8(full).expect("ASCII checked above"),
        ))
    }

    /// The number as stored: 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date encoded in characters 7 to 14.
    pub fn birth_date(&self) -> Date {
        birth_date_of(self.0.as_bytes()).expect("checked in parse")
    }

    /// The sex encoded in character 17: odd for men, even for women.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Age in whole years on `on`.
    pub fn age_on(&self, on: Date) -> u32 {
        age_on(self.birth_date(), on)
    }

    /// The number with all but the first six and last four characters hidden.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// Age in whole years on `on` of someone born on `birth`.
pub fn age_on(birth: Date, on: Date) -> u32 {
    let mut age = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

fn birth_date_of(full: &[u8]) -> Option<Date> {
    let num = |range: std::ops::Range<usize>| -> u32 {
        full[range]
            .iter()
            .fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
    };
    let year = num(6..10) as i32;
    if !(1900..=2100).contains(&year) {
        return None;
    }
    let month = Month::try_from(num(10..12) as u8).ok()?;
    Date::from_calendar_date(year, month, num(12..14) as u8).ok()
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl TryFrom<String> for ResidentId {
    type Error = ResidentIdError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        ResidentId::parse(&raw)
    }
}

impl From<ResidentId> for String {
    fn from(id: ResidentId) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    #[track_caller]
    fn check(raw: &str, expected: Result<&str, ResidentIdError>) {
        assert_eq!(
            ResidentId::parse(raw).as_ref().map(ResidentId::as_str),
            expected.as_ref().map(|s| *s)
        );
    }

    #[test]
    fn accepts_the_standard_example() {
        // The example number of GB 11643-1999.
        check("11010519491231002X", Ok("11010519491231002X"));
    }

    #[test]
    fn accepts_lowercase_check_character() {
        check("11010519491231002x", Ok("11010519491231002X"));
    }

    #[test]
    fn accepts_numeric_check_character() {
        check("142223198503120018", Ok("142223198503120018"));
    }

    #[test]
    fn rejects_wrong_check_character() {
        check("110105194912310021", Err(ResidentIdError::CheckMismatch));
    }

    #[test]
    fn rejects_impossible_birth_date() {
        // 30 February; the check character is made right so only the date fails.
        let mut raw = b"11010519490230002".to_vec();
        raw.push(check_char(&raw));
        check(
            std::str::from_utf8(&raw).unwrap(),
            Err(ResidentIdError::BadBirthDate),
        );
    }

    #[test]
    fn rejects_unknown_province() {
        check("99010519491231002X", Err(ResidentIdError::UnknownRegion));
    }

    #[test]
    fn rejects_wrong_lengths_and_letters() {
        check("1101051949", Err(ResidentIdError::WrongLength(10)));
        check("1101051949123100AX", Err(ResidentIdError::NotADigit(16)));
    }

    #[test]
    fn upgrades_a_legacy_fifteen_digit_number() {
        check("110105491231002", Ok("11010519491231002X"));
    }

    #[test]
    fn yields_birth_date_sex_and_age() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), date!(1949 - 12 - 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.age_on(date!(2026 - 11 - 23)), 76);
        assert_eq!(id.age_on(date!(2026 - 12 - 31)), 77);
        let man = ResidentId::parse("142223198503120018").unwrap();
        assert_eq!(man.sex(), Sex::Male);
    }

    #[test]
    fn debug_and_display_mask_the_number() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(format!("{id}"), "110105********002X");
        assert!(!format!("{id:?}").contains("19491231"));
    }

    #[test]
    fn json_cannot_carry_an_invalid_number() {
        let bad: Result<ResidentId, _> = serde_json::from_str("\"110105194912310021\"");
        assert!(bad.is_err());
        let good: ResidentId = serde_json::from_str("\"11010519491231002X\"").unwrap();
        assert_eq!(
            serde_json::to_string(&good).unwrap(),
            "\"11010519491231002X\""
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(raw in "\\PC{0,24}") {
            let _ = ResidentId::parse(&raw);
        }

        #[test]
        fn any_seventeen_digits_with_their_check_char_parse(
            region in prop::sample::select(PROVINCES),
            days in 0i64..(365 * 120),
            seq in 0u32..1000,
        ) {
            let birth = date!(1900 - 01 - 01) + time::Duration::days(days);
            let mut raw = format!(
                "{region:02}0102{:04}{:02}{:02}{seq:03}",
                birth.year(), birth.month() as u8, birth.day()
            ).into_bytes();
            raw.push(check_char(&raw));
            let id = ResidentId::parse(std::str::from_utf8(&raw).unwrap()).unwrap();
            prop_assert_eq!(id.birth_date(), birth);
        }
    }
}
