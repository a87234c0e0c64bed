//! The places a ledger is kept for: area → grid → building → household → person.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! code_newtype {
    ($(#[$meta:meta])* $name:ident, $err:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String); // Invariant: 1 to 40 of [A-Za-z0-9_-].

        #[doc = concat!("Why a string is not a ", $what, ".")]
        #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
        #[error("a {} has 1 to 40 letters, digits, '-' or '_'", $what)]
        pub struct $err;

        impl $name {
            pub fn parse(raw: &str) -> Result<$name, $err> {
                let ok = (1..=40).contains(&raw.len())
                    && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if ok { Ok($name(raw.to_owned())) } else { Err($err) }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $err;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                $name::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> String {
                code.0
            }
        }
    };
}

code_newtype!(
    /// 户编号: a household's stable code, the key of its ledger.
    HouseholdCode,
    HouseholdCodeError,
    "household code"
);
code_newtype!(
    /// A person's stable identifier within the ledger, kept across rounds.
    PersonId,
    PersonIdError,
    "person id"
);
code_newtype!(
    /// 网格编号: a grid's code.
    GridCode,
    GridCodeError,
    "grid code"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_and_plain() {
        assert!(HouseholdCode::parse("XF-01-03-0502").is_ok());
        assert_eq!(HouseholdCode::parse(""), Err(HouseholdCodeError));
        assert_eq!(HouseholdCode::parse("a b"), Err(HouseholdCodeError));
        assert_eq!(PersonId::parse(&"x".repeat(41)), Err(PersonIdError));
    }
}
