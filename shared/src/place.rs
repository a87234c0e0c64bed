//! The places a ledger is kept for, a tree: city → county → township →
//! resettlement area → grids in one to three levels → building → household
//! → person. Every place down to the grid has a `PlaceCode` and a name.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::Level;

macro_rules! code_newtype {
    ($(#[$meta:meta])* $name:ident, $err:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[A-Za-z0-9_-]{1,40}$"))]
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

code_newtype!(
    /// A place's stable code: a national division code (统计用区划代码) where
    /// the roster gives one, a grid's 网格编号, or one made for it.
    PlaceCode,
    PlaceCodeError,
    "place code"
);

/// A place's code read as a grid's: for a place of level grid, whose
/// code is the grid's.
impl From<PlaceCode> for GridCode {
    fn from(place: PlaceCode) -> GridCode {
        GridCode(place.0)
    }
}

impl From<GridCode> for PlaceCode {
    fn from(grid: GridCode) -> PlaceCode {
        PlaceCode(grid.0)
    }
}

/// A place of the tree above the households: a city, county, township,
/// resettlement area or grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Place {
    pub code: PlaceCode,
    pub level: Level,
    pub name: String,
    /// The place it lies in; `None` at the top of what is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<PlaceCode>,
}

/// Whether the place `code` is `at` or lies under it.
pub fn is_within(places: &BTreeMap<PlaceCode, Place>, code: &PlaceCode, at: &PlaceCode) -> bool {
    code == at || above(places, code).iter().any(|p| p.code == *at)
}

/// The places above `code`, from the top down; `places` by code.
pub fn above<'a>(places: &'a BTreeMap<PlaceCode, Place>, code: &PlaceCode) -> Vec<&'a Place> {
    let mut res: Vec<&Place> = Vec::new();
    let mut at = places.get(code).and_then(|p| p.parent.as_ref());
    while let Some(parent) = at {
        let Some(place) = places.get(parent) else {
            break;
        };
        // A loop in bad data ends at the first place met again.
        if res.iter().any(|p| p.code == place.code) {
            break;
        }
        res.push(place);
        at = place.parent.as_ref();
    }
    res.reverse();
    res
}

/// Of `places`, those that hold any of `within`: each of them and every
/// place above, in `places`' order.
pub fn holding(places: &[Place], within: &[PlaceCode]) -> Vec<Place> {
    let by_code: BTreeMap<&PlaceCode, &Place> = places.iter().map(|p| (&p.code, p)).collect();
    let mut kept: BTreeSet<&PlaceCode> = BTreeSet::new();
    for code in within {
        let mut at = by_code.get(code).copied();
        // Each step goes up a level; a loop in bad data ends at a place kept.
        while let Some(place) = at {
            if !kept.insert(&place.code) {
                break;
            }
            at = place.parent.as_ref().and_then(|p| by_code.get(p).copied());
        }
    }
    (places.iter())
        .filter(|p| kept.contains(&p.code))
        .cloned()
        .collect()
}

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

    fn place(code: &str, level: Level, parent: Option<&str>) -> Place {
        Place {
            code: PlaceCode::parse(code).unwrap(),
            level,
            name: code.to_owned(),
            parent: parent.map(|p| PlaceCode::parse(p).unwrap()),
        }
    }

    #[test]
    fn a_grid_is_held_by_every_place_above_it_and_no_other() {
        let places = [
            place("C", Level::County, None),
            place("T1", Level::Township, Some("C")),
            place("T2", Level::Township, Some("C")),
            place("A1", Level::Area, Some("T1")),
            place("A2", Level::Area, Some("T2")),
            place("G1", Level::Grid, Some("A1")),
            place("G1a", Level::Grid, Some("G1")),
            place("G2", Level::Grid, Some("A2")),
        ];

        let held = holding(&places, &[PlaceCode::parse("G1a").unwrap()]);

        let codes: Vec<&str> = held.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["C", "T1", "A1", "G1", "G1a"]);
        assert_eq!(holding(&places, &[]), []);
        let by_code: BTreeMap<PlaceCode, Place> =
            places.iter().map(|p| (p.code.clone(), p.clone())).collect();
        let up: Vec<&str> = above(&by_code, &PlaceCode::parse("G1a").unwrap())
            .iter()
            .map(|p| p.code.as_str())
            .collect();
        assert_eq!(up, ["C", "T1", "A1", "G1"]);
        let code = |c: &str| PlaceCode::parse(c).unwrap();
        assert!(is_within(&by_code, &code("G1a"), &code("T1")));
        assert!(is_within(&by_code, &code("G1a"), &code("G1a")));
        assert!(!is_within(&by_code, &code("G1a"), &code("T2")));
        assert!(!is_within(&by_code, &code("G1"), &code("G1a")));
    }
}
