//! The places above the file's grids, and each grid's place in the tree.
//!
//! A place the file names is found among those stored by its code; else,
//! by its name, under the place the file puts above it; else, by its name
//! alone, as one the file does not place (the only one of that level and
//! name); else it is new, with a code made from its parent's code and its
//! name, the same at every import. A place first imported without its
//! upper levels keeps its code when a later file gives them.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use shared::codes::{Code, Level};
use shared::place::{GridCode, Place, PlaceCode};

use super::columns::{Column, Tier};
use super::issue::{ImportCode, RowIssue};
use super::{Counts, GridEntry, Named, RosterFile};

/// The places to write, what the file did to the places above its grids,
/// and where each grid of the file now lies.
#[derive(Clone, Debug, Default)]
pub struct PlacePlan {
    /// Places above the grids to add or update, parents first.
    pub places: Vec<Place>,
    pub counts: Counts,
    /// Each grid's parent and area name, where the file gives them.
    pub grids: BTreeMap<GridCode, Placed>,
}

/// Where a grid of the file lies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placed {
    pub parent: Option<PlaceCode>,
    pub area: Option<String>,
}

/// The code of a place the file names without one.
pub fn made_code(level: Level, parent: Option<&PlaceCode>, name: &str) -> PlaceCode {
    let mut hash = Sha256::new();
    hash.update(parent.map_or("", PlaceCode::as_str));
    hash.update("/");
    hash.update(name);
    let hex = hex::encode(&hash.finalize()[..6]);
    PlaceCode::parse(&format!("{}-{hex}", level.code())).expect("a level's code and hex digits")
}

struct Resolver<'a> {
    stored: &'a BTreeMap<PlaceCode, Place>,
    /// Stored places by level and name.
    named: BTreeMap<(Level, &'a str), Vec<&'a Place>>,
    /// Every place the file placed, as the file has it.
    placed: BTreeMap<PlaceCode, Place>,
    plan: PlacePlan,
}

/// Resolves the places of `file` against `stored` (every place down to
/// the households' grids, by code), or says what is wrong by row and column.
pub fn plan_places(
    file: &RosterFile,
    stored: &BTreeMap<PlaceCode, Place>,
) -> Result<PlacePlan, Vec<RowIssue>> {
    let mut named: BTreeMap<(Level, &str), Vec<&Place>> = BTreeMap::new();
    for place in stored.values() {
        named
            .entry((place.level, place.name.as_str()))
            .or_default()
            .push(place);
    }
    let mut resolver = Resolver {
        stored,
        named,
        placed: BTreeMap::new(),
        plan: PlacePlan::default(),
    };
    let mut issues = Vec::new();
    for grid in &file.grids {
        if let Err((column, code)) = resolver.grid(grid) {
            issues.push(RowIssue::at(grid.row, file.header(column), code));
        }
    }
    if issues.is_empty() {
        Ok(resolver.plan)
    } else {
        Err(issues)
    }
}

type Refusal = (Column, ImportCode);

impl Resolver<'_> {
    fn grid(&mut self, grid: &GridEntry) -> Result<(), Refusal> {
        let mut resolved: BTreeMap<Tier, PlaceCode> = BTreeMap::new();
        for (&tier, named) in &grid.upper {
            let parent = tier.under().iter().find_map(|t| resolved.get(t)).cloned();
            let code = self.place(tier, named, parent.as_ref())?;
            if code.as_str() == grid.code.as_str() {
                return Err((Column::PlaceCode(tier), ImportCode::PlaceDisagrees));
            }
            resolved.insert(tier, code);
        }
        // A grid lies under the nearest grid above it the file names, else its area.
        let parent = [Tier::Grid2, Tier::Grid1, Tier::Area]
            .iter()
            .find_map(|t| resolved.get(t))
            .cloned();
        let area = (resolved.get(&Tier::Area))
            .and_then(|code| self.known(code))
            .map(|area| area.name.clone());
        self.plan
            .grids
            .insert(grid.code.clone(), Placed { parent, area });
        Ok(())
    }

    /// A place as the file has placed it so far, else as stored.
    fn known(&self, code: &PlaceCode) -> Option<&Place> {
        self.placed.get(code).or_else(|| self.stored.get(code))
    }

    /// The place `named` at `tier`, under `parent` if the file gives one.
    fn place(
        &mut self,
        tier: Tier,
        named: &Named,
        parent: Option<&PlaceCode>,
    ) -> Result<PlaceCode, Refusal> {
        let level = tier.level();
        let found = match (&named.code, &named.name) {
            (Some(code), _) => self.known(code),
            (_, Some(name)) => self
                .by_name(level, name, parent)
                .map_err(|code| (Column::Place(tier), code))?,
            (None, None) => None,
        };
        let place = match found {
            Some(place) if place.level != level => {
                return Err((Column::PlaceCode(tier), ImportCode::PlaceCodeTaken));
            }
            Some(place) => Place {
                code: place.code.clone(),
                level,
                name: named.name.clone().unwrap_or_else(|| place.name.clone()),
                parent: parent.cloned().or_else(|| place.parent.clone()),
            },
            None => {
                let Some(name) = named.name.clone() else {
                    return Err((Column::Place(tier), ImportCode::PlaceNameRequired));
                };
                let code = (named.code.clone()).unwrap_or_else(|| made_code(level, parent, &name));
                Place {
                    code,
                    level,
                    name,
                    parent: parent.cloned(),
                }
            }
        };
        let code = place.code.clone();
        if let Some(earlier) = self.placed.get(&code) {
            return if *earlier == place {
                Ok(code)
            } else {
                Err((Column::Place(tier), ImportCode::PlaceDisagrees))
            };
        }
        if self.above(parent, &code) {
            return Err((Column::Place(tier), ImportCode::PlaceDisagrees));
        }
        match self.stored.get(&code) {
            Some(stored) if *stored == place => self.plan.counts.unchanged += 1,
            Some(_) => {
                self.plan.counts.updated += 1;
                self.plan.places.push(place.clone());
            }
            None => {
                self.plan.counts.added += 1;
                self.plan.places.push(place.clone());
            }
        }
        self.placed.insert(code.clone(), place);
        Ok(code)
    }

    /// A stored place of `level` named `name`: the one under `parent`,
    /// else the only one not yet placed; none if there is neither.
    fn by_name(
        &self,
        level: Level,
        name: &str,
        parent: Option<&PlaceCode>,
    ) -> Result<Option<&Place>, ImportCode> {
        let all = self
            .named
            .get(&(level, name))
            .map_or(&[][..], Vec::as_slice);
        if let Some(under) = parent.and_then(|p| all.iter().find(|c| c.parent.as_ref() == Some(p)))
        {
            return Ok(Some(under));
        }
        let open: Vec<&Place> = all
            .iter()
            .copied()
            .filter(|c| parent.is_none() || c.parent.is_none())
            .collect();
        match open.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            _ => Err(ImportCode::PlaceAmbiguous),
        }
    }

    /// Whether `code` is `from` or lies above it: putting `code` under
    /// `from` would close a loop.
    fn above(&self, from: Option<&PlaceCode>, code: &PlaceCode) -> bool {
        let mut at = from.cloned();
        // The tree is at most a handful of levels deep; the bound stops a
        // loop already stored from stopping this one.
        for _ in 0..16 {
            match at {
                Some(ref place) if place == code => return true,
                Some(place) => at = self.known(&place).and_then(|p| p.parent.clone()),
                None => return false,
            }
        }
        false
    }
}
