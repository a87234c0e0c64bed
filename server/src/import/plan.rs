//! What an import changes: the file compared with the roster as stored.
//!
//! The roster of a round is each household's *baseline*: the ledger that
//! the round's submissions are merged over (`shared::merge`), last round's
//! carried until an import sets one. The import writes the file's values
//! into the baseline, so a value a submission wrote this round still stands
//! over it, and the next merge keeps both. Each value the import changes
//! gets a `Provenance` without a submission, naming the importer.
//!
//! The file is the whole roster of every grid it names: a stored household
//! of such a grid that the file leaves out is taken out of the roster
//! (its ledgers stay, as history). Households of other grids are not touched.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};
use shared::codes::Level;
use shared::extra::ExtraWrite;
use shared::merge::{HouseholdLedger, MemberLedger, Provenance, merge_household};
use shared::place::{GridCode, HouseholdCode, PersonId, Place, PlaceCode};
use shared::record::{FieldKey, Record};
use shared::resident_id::ResidentId;
use shared::validate::{IssueCode, check_record, duplicate_ids};

use super::boundary::Boundary;
use super::columns::{Column, Tier};
use super::issue::{ImportCode, RowIssue};
use super::places::{PlacePlan, plan_places};
use super::{
    Counts, HouseholdEntry, ImportReport, MemberKey, RosterImport, StoredGrid, StoredRoster, Within,
};
use crate::store::HouseholdPlace;

/// What to write for an import, and its report.
#[derive(Clone, Debug)]
pub struct Plan {
    pub report: ImportReport,
    /// Places above the grids to add or update, parents first.
    pub places: Vec<Place>,
    /// Grids to add or update, as they are to be stored.
    pub grids: Vec<StoredGrid>,
    /// Building boundaries to add or replace.
    pub building_boundaries: Vec<(GridCode, String, Boundary)>,
    /// Households added, restored, moved or with a new baseline.
    pub households: Vec<HouseholdChange>,
    /// Households to take out of the roster, where they were.
    pub removals: Vec<HouseholdPlace>,
}

/// One household to write: where it is now and its new baseline.
#[derive(Clone, Debug)]
pub struct HouseholdChange {
    pub place: HouseholdPlace,
    pub baseline: HouseholdLedger,
    /// The grid it left, whose phones must drop it.
    pub moved_from: Option<GridCode>,
}

/// The rules of `check_record` that the survey asks for and a roster need
/// not have yet: the form asks for them at the next visit.
const SURVEY_ONLY: &[IssueCode] = &[
    IssueCode::ChannelRequired,
    IssueCode::WorkPlaceRequired,
    IssueCode::MonthsRequired,
    IssueCode::IncomeRequired,
    IssueCode::WillingnessRequired,
    IssueCode::IntentionRequired,
];

/// What `import` changes in `stored`, or every error that stops it.
pub fn plan(import: &RosterImport, stored: &StoredRoster) -> Result<Plan, Vec<RowIssue>> {
    let file = &import.file;
    let provenance = Provenance {
        captured_at: import.at,
        submission: None,
        author: import.author.clone(),
    };
    let mut issues = Vec::new();
    let mut report = ImportReport {
        round: import.round,
        dry_run: import.dry_run,
        rows: file.rows,
        places: Counts::default(),
        grids: Counts::default(),
        buildings: Counts::default(),
        households: Counts::default(),
        members: Counts::default(),
        removed_households: Vec::new(),
        surveyed_kept: 0,
    };
    let mut res = Plan {
        report: report.clone(),
        places: Vec::new(),
        grids: Vec::new(),
        building_boundaries: Vec::new(),
        households: Vec::new(),
        removals: Vec::new(),
    };

    let places = match plan_places(file, &stored.places) {
        Ok(places) => places,
        Err(found) => {
            issues.extend(found);
            PlacePlan::default()
        }
    };
    report.places = places.counts;
    res.places = places.places;
    for entry in &file.grids {
        let placed = places.grids.get(&entry.code).cloned().unwrap_or_default();
        let place = stored.places.get(&PlaceCode::from(entry.code.clone()));
        if place.is_some_and(|p| p.level != Level::Grid) {
            let column = file.header(Column::Grid);
            issues.push(RowIssue::at(entry.row, column, ImportCode::PlaceCodeTaken));
        }
        if let Some(Within::Grids(grids)) = &import.within
            && !grids.contains(&entry.code)
        {
            let column = file.header(Column::Grid);
            issues.push(RowIssue::at(entry.row, column, ImportCode::OutOfScope));
        }
        if let Some(Within::Area(area)) = &import.within {
            let stored_area = stored.grids.get(&entry.code).map(|grid| &grid.area);
            if stored_area.is_some_and(|stored| stored != area) {
                let column = file.header(Column::Grid);
                issues.push(RowIssue::at(entry.row, column, ImportCode::OutOfScope));
            } else if placed.area.as_ref().is_some_and(|given| given != area) {
                let column = file.header(Column::Place(Tier::Area));
                issues.push(RowIssue::at(entry.row, column, ImportCode::OutOfScope));
            }
        }
        match stored.grids.get(&entry.code) {
            Some(grid) => {
                let updated = StoredGrid {
                    code: entry.code.clone(),
                    name: entry.name.clone().unwrap_or_else(|| grid.name.clone()),
                    area: placed.area.unwrap_or_else(|| grid.area.clone()),
                    parent: placed.parent.or_else(|| grid.parent.clone()),
                    boundary: entry.boundary.clone().or_else(|| grid.boundary.clone()),
                };
                if updated == *grid {
                    report.grids.unchanged += 1;
                } else {
                    report.grids.updated += 1;
                    res.grids.push(updated);
                }
            }
            None => {
                if entry.name.is_none() {
                    let column = file.header(Column::GridName);
                    issues.push(RowIssue::at(
                        entry.row,
                        column,
                        ImportCode::GridNameRequired,
                    ));
                }
                // An area the file names but that did not resolve has its own error.
                if placed.area.is_none() && !entry.upper.contains_key(&Tier::Area) {
                    let column = file.header(Column::Place(Tier::Area));
                    issues.push(RowIssue::at(entry.row, column, ImportCode::AreaRequired));
                }
                report.grids.added += 1;
                res.grids.push(StoredGrid {
                    code: entry.code.clone(),
                    name: entry.name.clone().unwrap_or_default(),
                    area: placed.area.unwrap_or_default(),
                    parent: placed.parent,
                    boundary: entry.boundary.clone(),
                });
            }
        }
    }

    let listed: BTreeSet<&HouseholdCode> = file.households.iter().map(|h| &h.place.code).collect();
    let covered: BTreeSet<&GridCode> = file.grids.iter().map(|g| &g.code).collect();
    // The households' rosters after the import, for the ID numbers' check.
    let mut after: Vec<HouseholdLedger> = Vec::new();
    // Each listed member's row, to report a shared ID number at.
    let mut member_rows: BTreeMap<(HouseholdCode, PersonId), u32> = BTreeMap::new();
    for entry in &file.households {
        let household = household_plan(import, stored, entry, &provenance, &mut report);
        for (person, row) in &household.rows {
            member_rows.insert((entry.place.code.clone(), person.clone()), *row);
        }
        issues.extend(household.issues);
        if let Some(change) = household.change {
            res.households.push(change);
        }
        after.push(household.baseline);
    }

    for (code, household) in &stored.households {
        if household.removed || listed.contains(code) {
            continue;
        }
        if covered.contains(&household.place.grid) {
            report.households.removed += 1;
            report.members.removed += household.current.present_members().count() as u32;
            report.removed_households.push(code.clone());
            res.removals.push(household.place.clone());
        } else {
            after.push(household.current.clone());
        }
    }

    let in_roster: BTreeSet<(&GridCode, &str)> = stored
        .households
        .values()
        .filter(|h| !h.removed)
        .map(|h| (&h.place.grid, h.place.building.as_str()))
        .collect();
    let in_file: BTreeSet<(&GridCode, &str)> = file
        .households
        .iter()
        .map(|h| (&h.place.grid, h.place.building.as_str()))
        .collect();
    for building in &file.buildings {
        let key = (building.grid.clone(), building.name.clone());
        let stored_boundary = stored.building_boundaries.get(&key);
        let new_boundary = building
            .boundary
            .as_ref()
            .filter(|b| Some(*b) != stored_boundary);
        if let Some(boundary) = new_boundary {
            res.building_boundaries
                .push((key.0, key.1, boundary.clone()));
        }
        if !in_roster.contains(&(&building.grid, building.name.as_str())) {
            report.buildings.added += 1;
        } else if new_boundary.is_some() {
            report.buildings.updated += 1;
        } else {
            report.buildings.unchanged += 1;
        }
    }
    report.buildings.removed = in_roster
        .iter()
        .filter(|(grid, building)| covered.contains(grid) && !in_file.contains(&(grid, building)))
        .count() as u32;

    let id_column = file.header(Column::Field(FieldKey::ResidentId));
    // Households read above count as the import leaves them; the others
    // that hold one of the file's numbers, as they are.
    let ids = (after.iter())
        .flat_map(|l| l.present_ids().map(move |id| (id, &l.household)))
        .chain(
            (stored.id_holders.iter())
                .filter(|(_, household)| !stored.households.contains_key(household))
                .map(|(id, household)| (id, household)),
        );
    for duplicate in duplicate_ids(ids) {
        for household in &duplicate.households {
            let Some(ledger) = after.iter().find(|l| &l.household == household) else {
                continue;
            };
            for member in ledger.present_members() {
                if member.record.resident_id.as_ref() != Some(&duplicate.resident_id) {
                    continue;
                }
                if let Some(row) = member_rows.get(&(household.clone(), member.person.clone())) {
                    issues.push(RowIssue::at(*row, id_column, IssueCode::DuplicateId));
                }
            }
        }
    }

    if !issues.is_empty() {
        issues.sort();
        issues.dedup();
        return Err(issues);
    }
    res.report = report;
    Ok(res)
}

/// One listed household's outcome.
struct HouseholdPlan {
    /// Its roster after the import.
    baseline: HouseholdLedger,
    change: Option<HouseholdChange>,
    /// Each listed member's row.
    rows: Vec<(PersonId, u32)>,
    issues: Vec<RowIssue>,
}

fn household_plan(
    import: &RosterImport,
    stored: &StoredRoster,
    entry: &HouseholdEntry,
    provenance: &Provenance,
    report: &mut ImportReport,
) -> HouseholdPlan {
    let file = &import.file;
    let code = &entry.place.code;
    let known = stored.households.get(code);
    let empty = || merge_household(code, import.round, None, &[]);
    let mut baseline = known.map_or_else(empty, |h| h.baseline.clone());
    let current = known.map_or_else(empty, |h| h.current.clone());
    // A value stands from this round's survey if a submission merged into
    // the round's ledger wrote it.
    let surveyed = |source: Option<&Provenance>| {
        source
            .and_then(|p| p.submission)
            .is_some_and(|id| current.submissions.contains(&id))
    };

    let mut household_changed = false;
    for key in file.household_keys() {
        let value = entry.record.get(key);
        if surveyed(current.sources.get(&key)) {
            if value != current.record.get(key) {
                report.surveyed_kept += 1;
            }
            continue;
        }
        if value != baseline.record.get(key) {
            baseline.record.apply(&value);
            baseline.sources.insert(key, provenance.clone());
            household_changed = true;
        }
    }
    for key in file.household_extra_keys() {
        let value = entry.record.extra.get(key);
        if surveyed(current.extra_sources.get(&key)) {
            if value != current.record.extra.get(key) {
                report.surveyed_kept += 1;
            }
            continue;
        }
        if value != baseline.record.extra.get(key) {
            let write = ExtraWrite {
                key,
                value: value.cloned(),
            };
            baseline.record.extra.apply_write(&write);
            baseline.extra_sources.insert(key, provenance.clone());
            household_changed = true;
        }
    }

    let mut issues = Vec::new();
    let mut rows = Vec::new();
    let mut members: BTreeMap<PersonId, MemberLedger> = baseline
        .members
        .iter()
        .filter(|m| m.is_present())
        .map(|m| (m.person.clone(), m.clone()))
        .collect();
    let mut listed: BTreeSet<PersonId> = entry.surveyed.iter().cloned().collect();
    let mut members_changed = false;
    for member in &entry.members {
        let person = match &member.key {
            MemberKey::Person(person) => person.clone(),
            MemberKey::ResidentId(id) => person_for(&members, code, id),
        };
        if !listed.insert(person.clone()) {
            let column = file.header(Column::Person);
            issues.push(RowIssue::at(
                member.row,
                column,
                ImportCode::DuplicatePerson,
            ));
            continue;
        }
        rows.push((person.clone(), member.row));
        let now = current.members.iter().find(|m| m.person == person);
        let stored_member = members.get(&person);
        let mut record = stored_member.map(|m| m.record.clone()).unwrap_or_default();
        for key in file.field_keys() {
            let value = member.record.get(key);
            if stored_member.is_some() && surveyed(now.and_then(|m| m.sources.get(&key))) {
                if Some(&value) != now.map(|m| m.record.get(key)).as_ref() {
                    report.surveyed_kept += 1;
                }
                continue;
            }
            record.apply(&value);
        }
        for key in file.extra_keys() {
            let value = member.record.extra.get(key);
            let source = now.and_then(|m| m.extra_sources.get(&key));
            if stored_member.is_some() && surveyed(source) {
                if value != now.and_then(|m| m.record.extra.get(key)) {
                    report.surveyed_kept += 1;
                }
                continue;
            }
            let write = ExtraWrite {
                key,
                value: value.cloned(),
            };
            record.extra.apply_write(&write);
        }
        if let Some(id) = record.resident_id.clone() {
            record.birth_date.get_or_insert(id.birth_date());
            record.sex.get_or_insert(id.sex());
        }
        for (key, code) in check_record(&record, import.on) {
            if !SURVEY_ONLY.contains(&code) {
                let column = file.header(Column::Field(key));
                issues.push(RowIssue::at(member.row, column, code));
            }
        }
        match members.get_mut(&person) {
            Some(stored_member) => {
                let writes = stored_member.record.diff(&record);
                let extra = stored_member.record.extra.diff(&record.extra);
                if writes.is_empty() && extra.is_empty() {
                    report.members.unchanged += 1;
                    continue;
                }
                for write in &writes {
                    stored_member
                        .sources
                        .insert(write.key(), provenance.clone());
                }
                for write in &extra {
                    (stored_member.extra_sources).insert(write.key, provenance.clone());
                }
                stored_member.record = record;
                report.members.updated += 1;
            }
            None => {
                let mut added = MemberLedger::new(person.clone());
                for write in added.record.diff(&record) {
                    added.sources.insert(write.key(), provenance.clone());
                }
                for write in added.record.extra.diff(&record.extra) {
                    added.extra_sources.insert(write.key, provenance.clone());
                }
                added.record = record;
                members.insert(person, added);
                report.members.added += 1;
            }
        }
        members_changed = true;
    }
    members.retain(|person, _| {
        if listed.contains(person) {
            return true;
        }
        let reported = current
            .members
            .iter()
            .any(|m| &m.person == person && m.surveyed_by.is_some());
        if reported {
            // This round's survey reported on them: it keeps them until a
            // survey records them leaving.
            report.surveyed_kept += 1;
            return true;
        }
        report.members.removed += 1;
        members_changed = true;
        false
    });
    baseline.members = members.into_values().collect();

    let restored = known.is_some_and(|h| h.removed);
    let moved = known.is_some_and(|h| !same_place(&h.place, &entry.place));
    match known {
        None => report.households.added += 1,
        Some(_) if restored => report.households.added += 1,
        Some(_) if moved || household_changed => report.households.updated += 1,
        Some(_) => report.households.unchanged += 1,
    }
    let changed = known.is_none() || restored || moved || household_changed || members_changed;
    let change = changed.then(|| HouseholdChange {
        place: entry.place.clone(),
        baseline: baseline.clone(),
        moved_from: known
            .filter(|h| !h.removed && h.place.grid != entry.place.grid)
            .map(|h| h.place.grid.clone()),
    });
    HouseholdPlan {
        baseline,
        change,
        rows,
        issues,
    }
}

fn same_place(a: &HouseholdPlace, b: &HouseholdPlace) -> bool {
    (&a.grid, &a.building, a.floor, &a.room) == (&b.grid, &b.building, b.floor, &b.room)
}

/// The member of `members` with the ID number `id`, or a code made from
/// the household's code and the number, the same at every import.
fn person_for(
    members: &BTreeMap<PersonId, MemberLedger>,
    household: &HouseholdCode,
    id: &ResidentId,
) -> PersonId {
    if let Some(member) = members
        .values()
        .find(|m| m.record.resident_id.as_ref() == Some(id))
    {
        return member.person.clone();
    }
    let digest = Sha256::digest(format!("{household}:{}", id.as_str()));
    PersonId::parse(&format!("P{}", &hex::encode(digest)[..16]))
        .expect("P and hex digits make a person code")
}
