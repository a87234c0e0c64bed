//! Who was surveyed and visited this round, at every level (area → grid →
//! building), and who was missed: computed from each household's status.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::codes::VisitOutcome;
use crate::place::{GridCode, HouseholdCode};
use crate::round::Round;
use crate::wire::{GridInfo, Position};

/// A household's visit as supervisors follow it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LastVisit {
    #[serde(with = "time::serde::rfc3339")]
    pub visited_at: OffsetDateTime,
    pub outcome: VisitOutcome,
    pub author: String,
    pub position: Position,
}

/// One household's state in a round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdStatus {
    pub code: HouseholdCode,
    pub grid: GridCode,
    pub building: String,
    pub room: String,
    /// A survey of this round was received.
    pub surveyed: bool,
    /// Visits marked this round.
    pub visits: u32,
    /// The latest visit of any round.
    pub last_visit: Option<LastVisit>,
}

/// Households in the roster, surveyed, visited, and missed (neither).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    pub households: u32,
    pub surveyed: u32,
    pub visited: u32,
    pub missed: u32,
}

impl Counts {
    fn sum(&mut self, other: &Counts) {
        self.households += other.households;
        self.surveyed += other.surveyed;
        self.visited += other.visited;
        self.missed += other.missed;
    }

    fn add(&mut self, status: &HouseholdStatus) {
        self.households += 1;
        self.surveyed += u32::from(status.surveyed);
        self.visited += u32::from(status.visits > 0);
        self.missed += u32::from(!status.surveyed && status.visits == 0);
    }
}

/// One building's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BuildingCoverage {
    pub building: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// One grid's counts and its buildings'.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridCoverage {
    pub grid: GridCode,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub area: String,
    #[serde(flatten)]
    pub counts: Counts,
    pub buildings: Vec<BuildingCoverage>,
}

/// One resettlement area's counts: the sum of its grids'.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaCoverage {
    pub area: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// `GET /api/v1/coverage?round=`: the whole scope, its areas, their grids
/// (by area, then code), and the grids' buildings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    pub round: Round,
    pub total: Counts,
    #[serde(default)]
    pub areas: Vec<AreaCoverage>,
    pub grids: Vec<GridCoverage>,
}

/// Counts `households` (ordered by grid, then building) into the grids of
/// `grids` and their areas; a grid with no household counts zero.
pub fn coverage(round: Round, grids: &[GridInfo], households: &[HouseholdStatus]) -> Coverage {
    let mut grids: Vec<&GridInfo> = grids.iter().collect();
    grids.sort_by(|a, b| (&a.area, &a.code).cmp(&(&b.area, &b.code)));
    let mut res = Coverage {
        round,
        total: Counts::default(),
        areas: Vec::new(),
        grids: grids
            .iter()
            .map(|g| GridCoverage {
                grid: g.code.clone(),
                name: g.name.clone(),
                area: g.area.clone(),
                counts: Counts::default(),
                buildings: Vec::new(),
            })
            .collect(),
    };
    for status in households {
        res.total.add(status);
        let Some(grid) = res.grids.iter_mut().find(|g| g.grid == status.grid) else {
            continue;
        };
        grid.counts.add(status);
        match grid
            .buildings
            .iter_mut()
            .find(|b| b.building == status.building)
        {
            Some(building) => building.counts.add(status),
            None => {
                let mut counts = Counts::default();
                counts.add(status);
                grid.buildings.push(BuildingCoverage {
                    building: status.building.clone(),
                    counts,
                });
            }
        }
    }
    for grid in &res.grids {
        match res.areas.last_mut() {
            Some(area) if area.area == grid.area => area.counts.sum(&grid.counts),
            _ => res.areas.push(AreaCoverage {
                area: grid.area.clone(),
                counts: grid.counts,
            }),
        }
    }
    res
}

/// `GET /api/v1/gaps`: the households still to survey and to visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Gaps {
    pub round: Round,
    pub not_surveyed: Vec<HouseholdStatus>,
    pub not_visited: Vec<HouseholdStatus>,
    /// The last grid of this page, where the next starts (`after=`);
    /// absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<GridCode>,
}

/// The gaps among `households`, optionally of one building.
pub fn gaps(round: Round, households: &[HouseholdStatus], building: Option<&str>) -> Gaps {
    let chosen = || {
        households
            .iter()
            .filter(move |h| building.is_none_or(|b| h.building == b))
    };
    Gaps {
        round,
        not_surveyed: chosen().filter(|h| !h.surveyed).cloned().collect(),
        not_visited: chosen().filter(|h| h.visits == 0).cloned().collect(),
        next: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(
        code: &str,
        grid: &str,
        building: &str,
        surveyed: bool,
        visits: u32,
    ) -> HouseholdStatus {
        HouseholdStatus {
            code: HouseholdCode::parse(code).unwrap(),
            grid: GridCode::parse(grid).unwrap(),
            building: building.into(),
            room: "101".into(),
            surveyed,
            visits,
            last_visit: None,
        }
    }

    fn grid(code: &str) -> GridInfo {
        GridInfo {
            code: GridCode::parse(code).unwrap(),
            name: code.into(),
            area: String::new(),
            outline: None,
            buildings: vec![],
        }
    }

    #[test]
    fn counts_every_level_and_the_missed() {
        let households = [
            status("H1", "G1", "1号楼", true, 0),
            status("H2", "G1", "1号楼", false, 2),
            status("H3", "G1", "2号楼", false, 0),
            status("H4", "G2", "4号楼", true, 1),
        ];
        let res = coverage(
            Round::parse("2026Q4").unwrap(),
            &[grid("G1"), grid("G2"), grid("G3")],
            &households,
        );

        assert_eq!(
            res.total,
            Counts {
                households: 4,
                surveyed: 2,
                visited: 2,
                missed: 1
            }
        );
        assert_eq!(
            res.grids[0].counts,
            Counts {
                households: 3,
                surveyed: 1,
                visited: 1,
                missed: 1
            }
        );
        assert_eq!(res.grids[0].buildings.len(), 2);
        assert_eq!(res.grids[0].buildings[1].counts.missed, 1);
        assert_eq!(res.grids[2].counts, Counts::default());
    }

    #[test]
    fn each_area_sums_its_grids_and_lists_them_together() {
        let in_area = |code: &str, area: &str| GridInfo {
            area: area.into(),
            ..grid(code)
        };
        let households = [
            status("H1", "G1", "1号楼", true, 0),
            status("H2", "G2", "4号楼", false, 1),
            status("H3", "G3", "7号楼", false, 0),
        ];
        let res = coverage(
            Round::parse("2026Q4").unwrap(),
            &[
                in_area("G1", "东区"),
                in_area("G2", "西区"),
                in_area("G3", "东区"),
            ],
            &households,
        );

        let grids: Vec<&str> = res.grids.iter().map(|g| g.grid.as_str()).collect();
        assert_eq!(grids, ["G1", "G3", "G2"], "grids under their area");
        let areas: Vec<(&str, u32, u32)> = res
            .areas
            .iter()
            .map(|a| (a.area.as_str(), a.counts.households, a.counts.surveyed))
            .collect();
        assert_eq!(areas, [("东区", 2, 1), ("西区", 1, 0)]);
        let mut sum = Counts::default();
        for area in &res.areas {
            sum.sum(&area.counts);
        }
        assert_eq!(sum, res.total);
    }

    #[test]
    fn lists_who_is_left_to_survey_and_to_visit() {
        let households = [
            status("H1", "G1", "1号楼", true, 0),
            status("H2", "G1", "1号楼", false, 2),
            status("H3", "G1", "2号楼", false, 0),
        ];
        let round = Round::parse("2026Q4").unwrap();
        let all = gaps(round, &households, None);
        let codes =
            |list: &[HouseholdStatus]| list.iter().map(|h| h.code.to_string()).collect::<Vec<_>>();
        assert_eq!(codes(&all.not_surveyed), ["H2", "H3"]);
        assert_eq!(codes(&all.not_visited), ["H1", "H3"]);
        let one = gaps(round, &households, Some("1号楼"));
        assert_eq!(codes(&one.not_surveyed), ["H2"]);
    }
}
