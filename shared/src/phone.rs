//! 手机号码: a mainland mobile number.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An 11-digit mainland mobile number starting with 1 and a digit from 3 to 9.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String); // Invariant: matches 1[3-9]\d{9}.

/// Why a string is not a mobile number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a mobile number has 11 digits and starts with 13 to 19")]
pub struct PhoneError;

impl Phone {
    /// Parses a number, ignoring spaces, dashes and a leading +86.
    pub fn parse(raw: &str) -> Result<Phone, PhoneError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits.strip_prefix("+86").unwrap_or(&digits);
        let bytes = digits.as_bytes();
        let ok = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if !ok {
            return Err(PhoneError);
        }
        Ok(Phone(digits.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with the middle four digits hidden, as Chinese apps show it.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Phone::parse(&raw)
    }
}

impl From<Phone> for String {
    fn from(phone: Phone) -> String {
        phone.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_mobile_numbers_in_common_spellings() {
        for raw in ["13912345678", "139 1234 5678", "+86 139-1234-5678"] {
            assert_eq!(Phone::parse(raw).unwrap().as_str(), "13912345678");
        }
    }

    #[test]
    fn rejects_landlines_and_short_numbers() {
        for raw in ["0351-1234567", "1391234567", "12912345678", "1391234567a"] {
            assert_eq!(Phone::parse(raw), Err(PhoneError), "{raw}");
        }
    }

    #[test]
    fn masks_the_middle_digits() {
        assert_eq!(Phone::parse("13912345678").unwrap().masked(), "139****5678");
    }
}
