//! 名册导入: the roster (grids, buildings, households, their members) from
//! a spreadsheet, laid out as cadres keep it and as the ledger export
//! writes it, one row per person with the household's columns repeated.
//!
//! `sheet` reads the file's cells, `parse` turns them into a `RosterFile`
//! (or every error by row and column), `plan` compares that with the
//! roster as stored and says what to write; the store reads and writes in
//! one transaction around `plan`. `template` is the file to fill in.
//!
//! **Invariant:** nothing here does I/O; the store calls `plan` inside its
//! transaction, so it plans from what is stored at that moment.

pub mod boundary;
pub mod columns;
pub mod issue;
pub mod parse;
pub mod places;
pub mod plan;
pub mod sheet;
pub mod template;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use shared::codes::Level;
use shared::extra::ExtraKey;
use shared::merge::HouseholdLedger;
use shared::place::{GridCode, HouseholdCode, PersonId, Place, PlaceCode};
use shared::record::{FieldKey, HouseholdKey, HouseholdRecord, LabourRecord};
use shared::resident_id::ResidentId;
use shared::round::Round;
use time::{Date, OffsetDateTime};

use self::boundary::Boundary;
use self::columns::{Column, Tier};
use crate::store::HouseholdPlace;

/// The most data rows one file may have: a county's roster.
pub const MAX_ROWS: usize = 100_000;

/// A roster file that parsed: every cell well formed, the rows of each
/// household, grid and building agreeing.
#[derive(Clone, Debug)]
pub struct RosterFile {
    /// Data rows read, blank ones not counted.
    pub rows: u32,
    /// Each column the file has, with its header as the file writes it.
    pub headers: BTreeMap<Column, String>,
    pub grids: Vec<GridEntry>,
    pub buildings: Vec<BuildingEntry>,
    pub households: Vec<HouseholdEntry>,
}

impl RosterFile {
    /// The household fields the file has columns for.
    pub fn household_keys(&self) -> Vec<HouseholdKey> {
        HouseholdKey::ALL
            .iter()
            .copied()
            .filter(|&k| self.headers.contains_key(&Column::HouseholdField(k)))
            .collect()
    }

    /// The household's added fields the file has columns for.
    pub fn household_extra_keys(&self) -> Vec<ExtraKey> {
        (self.headers.keys())
            .filter_map(|c| match c {
                Column::HouseholdExtra(key) => Some(*key),
                _ => None,
            })
            .collect()
    }

    /// The members' added fields the file has columns for.
    pub fn extra_keys(&self) -> Vec<ExtraKey> {
        (self.headers.keys())
            .filter_map(|c| match c {
                Column::Extra(key) => Some(*key),
                _ => None,
            })
            .collect()
    }

    /// The member fields the file has columns for.
    pub fn field_keys(&self) -> Vec<FieldKey> {
        FieldKey::ALL
            .iter()
            .copied()
            .filter(|&k| self.headers.contains_key(&Column::Field(k)))
            .collect()
    }

    /// A column's header as the file writes it, else the template's.
    pub fn header(&self, column: Column) -> &str {
        self.headers
            .get(&column)
            .map_or(columns::header(column), String::as_str)
    }
}

/// A grid as the file gives it; `None` where no row filled the column in.
#[derive(Clone, Debug)]
pub struct GridEntry {
    /// The first row of the grid.
    pub row: u32,
    pub code: GridCode,
    pub name: Option<String>,
    /// The places above it that its rows name, from the top down.
    pub upper: BTreeMap<Tier, Named>,
    pub boundary: Option<Boundary>,
}

/// A place above a grid as the file names it: by name, by code, or both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub name: Option<String>,
    pub code: Option<PlaceCode>,
}

/// A building of a grid, as its households name it.
#[derive(Clone, Debug)]
pub struct BuildingEntry {
    pub row: u32,
    pub grid: GridCode,
    pub name: String,
    pub boundary: Option<Boundary>,
}

/// A household and its members as the file gives them.
#[derive(Clone, Debug)]
pub struct HouseholdEntry {
    /// The household's first row.
    pub row: u32,
    pub place: HouseholdPlace,
    /// The household fields, those of the file's columns (`household_keys`).
    pub record: HouseholdRecord,
    pub members: Vec<MemberEntry>,
    /// Members on 增减员 rows: they joined or left in a survey this round,
    /// and the import leaves them as the survey has them.
    pub surveyed: Vec<PersonId>,
}

/// A member's row.
#[derive(Clone, Debug)]
pub struct MemberEntry {
    pub row: u32,
    pub key: MemberKey,
    /// The member fields, those of the file's columns (`field_keys`).
    pub record: LabourRecord,
}

/// How a member's row names the member.
#[derive(Clone, Debug)]
pub enum MemberKey {
    /// By 人员编号.
    Person(PersonId),
    /// By the ID number alone: the member stored with that number, else a
    /// code made from the household's code and the number.
    ResidentId(ResidentId),
}

/// An import to apply (or, with `dry_run`, only to report on).
#[derive(Clone, Debug)]
pub struct RosterImport {
    pub file: RosterFile,
    /// The round whose roster the file sets.
    pub round: Round,
    /// Ages for the record rules are as of this day.
    pub on: Date,
    pub at: OffsetDateTime,
    /// The user importing, named in the values' provenance and the audit log.
    pub author: String,
    /// Where a supervisor with a place may import; `None` for everywhere.
    pub within: Option<Within>,
    pub dry_run: bool,
    /// The deployment's end of working age, for the households' figures.
    pub age_limit: Option<shared::indicators::AgeLimit>,
}

/// The part of the tree a supervisor's file may touch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Within {
    /// One resettlement area, by name: every grid the file names must be
    /// that area's, as stored and as the file gives it; it may add grids.
    Area(String),
    /// The stored grids under a township, county or city: the file names
    /// only these.
    Grids(BTreeSet<GridCode>),
}

/// A grid as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredGrid {
    pub code: GridCode,
    pub name: String,
    pub area: String,
    /// The place it lies in: its area, or a grid above it.
    pub parent: Option<PlaceCode>,
    pub boundary: Option<Boundary>,
}

impl StoredGrid {
    /// The grid as a place of the tree.
    pub fn place(&self) -> Place {
        grid_place(&self.code, &self.name, self.parent.as_ref())
    }
}

/// A grid that holds households, as a place of the tree.
pub fn grid_place(code: &GridCode, name: &str, parent: Option<&PlaceCode>) -> Place {
    Place {
        code: PlaceCode::from(code.clone()),
        level: Level::Grid,
        name: name.to_owned(),
        parent: parent.cloned(),
    }
}

/// A household as stored, with what the import compares the file with.
#[derive(Clone, Debug)]
pub struct StoredHousehold {
    pub place: HouseholdPlace,
    /// Taken out of the roster by an earlier import.
    pub removed: bool,
    /// What the round's submissions are merged over: the round's roster
    /// baseline if an import set one, else last round's ledger carried.
    pub baseline: HouseholdLedger,
    /// The round's ledger, with this round's submissions.
    pub current: HouseholdLedger,
}

/// What of the roster as stored the file touches, read inside the
/// import's transaction: its grids and their households, its households
/// wherever they are, and the other holders of its ID numbers.
#[derive(Clone, Debug, Default)]
pub struct StoredRoster {
    /// Every place down to the grids, by code.
    pub places: BTreeMap<PlaceCode, Place>,
    pub grids: BTreeMap<GridCode, StoredGrid>,
    pub building_boundaries: BTreeMap<(GridCode, String), Boundary>,
    pub households: BTreeMap<HouseholdCode, StoredHousehold>,
    /// Households of the roster that hold one of the file's ID numbers,
    /// those above among them.
    pub id_holders: Vec<(ResidentId, HouseholdCode)>,
}

/// What an import did (or, in a dry run, would do) to one kind of thing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Taken out of the roster: households of the file's grids that the
    /// file does not list, and their members; members a listed household
    /// no longer lists.
    pub removed: u32,
}

/// The answer to an import: what changed, by kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub round: Round,
    /// Whether this only reports what an import would do; nothing was written.
    pub dry_run: bool,
    /// Data rows read.
    pub rows: u32,
    /// The places above the grids (cities to areas, and grids with grids
    /// under them); never removed by an import.
    pub places: Counts,
    /// Grids are never removed by an import.
    pub grids: Counts,
    /// Buildings by grid and name; updated means a new boundary.
    pub buildings: Counts,
    /// Updated means moved (grid, building, floor or room) or a household
    /// field changed; changes to members are counted under `members`.
    pub households: Counts,
    pub members: Counts,
    /// The households taken out of the roster, by code.
    pub removed_households: Vec<HouseholdCode>,
    /// Values and members that a submission of this round wrote and the
    /// file disagrees with or leaves out: the survey's stand.
    pub surveyed_kept: u32,
}

impl ImportReport {
    /// One line for the audit log: no names, no numbers.
    pub fn summary(&self) -> String {
        let counts = |c: &Counts| {
            format!(
                "+{} ~{} ={} -{}",
                c.added, c.updated, c.unchanged, c.removed
            )
        };
        format!(
            "round={} rows={} dry_run={} places={} grids={} buildings={} households={} members={} surveyed_kept={}",
            self.round,
            self.rows,
            self.dry_run,
            counts(&self.places),
            counts(&self.grids),
            counts(&self.buildings),
            counts(&self.households),
            counts(&self.members),
            self.surveyed_kept,
        )
    }
}

/// What an import came to.
#[derive(Clone, Debug)]
pub enum Imported {
    /// Written, unless a dry run.
    Done(ImportReport),
    /// Refused for these errors; nothing was written.
    Rejected(Vec<issue::RowIssue>),
}
