//! A place's figures over the last rounds, and what changed since the
//! last one: the screen's small line charts and the list under them.

use serde::{Deserialize, Serialize};

use crate::place::Place;
use crate::round::Round;
use crate::tally::Tally;

/// How many rounds the charts show, the one in progress included.
pub const TREND_ROUNDS: usize = 8;

/// `GET /api/v1/trends`: a place's figures round by round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trends {
    /// The place; `None` for everything the caller sees.
    pub place: Option<Place>,
    /// Oldest first, the round in progress last; only rounds the ledger
    /// holds.
    pub rounds: Vec<RoundFigures>,
    pub changes: Changes,
}

/// One round's figures of the place, as they stood at its end (or stand
/// now, for the round in progress).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundFigures {
    pub round: Round,
    pub tally: Tally,
}

/// What changed in the round in progress, since the last round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Changes {
    /// Households that became zero-employment, and those cleared.
    pub newly_zero_employment: u32,
    pub cleared_zero_employment: u32,
    /// People who found work, and who lost it, since the last round: the
    /// households' kept figures (`Tally::found_work`, `lost_work`).
    pub found_work: u32,
    pub lost_work: u32,
}

/// Who found and who lost work between `before` and `now` (the same
/// household's ledgers of two rounds): people present in both.
pub fn work_changes(
    before: &crate::merge::HouseholdLedger,
    now: &crate::merge::HouseholdLedger,
) -> (u32, u32) {
    let (mut found, mut lost) = (0, 0);
    for member in now.present_members() {
        let Some(was) = before.present_members().find(|m| m.person == member.person) else {
            continue;
        };
        match (was.record.is_employed(), member.record.is_employed()) {
            (false, true) => found += 1,
            (true, false) => lost += 1,
            _ => {}
        }
    }
    (found, lost)
}
