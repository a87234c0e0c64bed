//! What a large area's list last showed, its buildings and their
//! progress, kept on the phone beside the roster. Opening the app draws
//! the list from it at once; reading back and decoding the whole roster
//! (half a second for 3,000 households on a phone) follows.

use serde::{Deserialize, Serialize};
use shared::place::GridCode;
use shared::round::Round;

/// A building of a grid: two grids may each have a 1号楼.
pub type BuildingKey = (GridCode, String);

/// One building's line: its households, how many are surveyed (or on
/// their way), and how many visited.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Building {
    pub key: BuildingKey,
    pub households: usize,
    pub surveyed: usize,
    pub visited: usize,
}

/// The buildings as the list last showed them, in the round they were.
#[derive(Clone, Serialize, Deserialize)]
pub struct ListFace {
    pub round: Round,
    pub buildings: Vec<Building>,
}

/// Where a user's list face is kept, beside their roster.
pub fn key(user: &str) -> String {
    format!("face:{user}")
}
