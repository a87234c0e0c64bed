//! From a sheet's cells to a `RosterFile`: headers to columns, each cell to
//! its type, rows grouped into households, grids and buildings. Every
//! error is collected, by row and column, before any is reported.
//!
//! Household, grid and building columns may be filled on one row of each
//! and left empty on the others (as merged cells read); where several rows
//! fill one in, they must agree. An empty 户编号 continues the household of
//! the row above, for the same reason.

use std::collections::{BTreeMap, BTreeSet};

use shared::extra::{ExtraField, ExtraKey, ExtraValue, ExtraWrite, Target};
use shared::kind::{Input, ValueError, input_text, read_integer};
use shared::place::{GridCode, HouseholdCode, PersonId, PlaceCode};
use shared::record::{
    FieldKey, HouseholdKey, HouseholdRecord, HouseholdWrite, LabourRecord, Record,
};
use shared::resident_id::ResidentId;
use shared::validate::{IssueCode, check_household_write, check_write};

use super::boundary::Boundary;
use super::columns::{Column, REQUIRED, Tier, column_named, header};
use super::issue::{ImportCode, RowCode, RowIssue};
use super::sheet::{Sheet, Value};
use super::{
    BuildingEntry, GridEntry, HouseholdEntry, MAX_ROWS, MemberEntry, MemberKey, Named, RosterFile,
};
use crate::store::HouseholdPlace;

/// The roster in `sheet`, or every error in it.
pub fn roster_file(sheet: &Sheet, fields: &[ExtraField]) -> Result<RosterFile, Vec<RowIssue>> {
    let Some((header_row, data)) = sheet.rows.split_first() else {
        return Err(vec![RowIssue::file(ImportCode::EmptyFile)]);
    };
    let layout = Layout::read(header_row, fields)?;
    let mut acc = Accumulator {
        layout: &layout,
        issues: Vec::new(),
        households: BTreeMap::new(),
        order: Vec::new(),
        grids: BTreeMap::new(),
        buildings: BTreeMap::new(),
        ids: BTreeMap::new(),
        rows: 0,
        last_household: None,
    };
    for (idx, cells) in data.iter().enumerate() {
        if cells.iter().all(|c| *c == Value::Empty) {
            continue;
        }
        acc.rows += 1;
        if acc.rows as usize > MAX_ROWS {
            return Err(vec![RowIssue::file(ImportCode::TooManyRows)]);
        }
        // The header is row 1.
        let row = u32::try_from(idx + 2).unwrap_or(u32::MAX);
        acc.read_row(row, cells);
    }
    if acc.rows == 0 {
        return Err(vec![RowIssue::file(ImportCode::EmptyFile)]);
    }
    acc.finish()
}

/// Which column each cell of a row is.
struct Layout {
    by_index: Vec<Option<Column>>,
    headers: BTreeMap<Column, String>,
    /// The round's added fields that the file has columns for.
    extra: Vec<ExtraField>,
}

impl Layout {
    fn read(cells: &[Value], fields: &[ExtraField]) -> Result<Layout, Vec<RowIssue>> {
        let mut issues = Vec::new();
        let mut by_index = Vec::new();
        let mut headers = BTreeMap::new();
        for cell in cells {
            let Some(text) = cell_text(cell) else {
                by_index.push(None);
                continue;
            };
            match column_named(&text, fields) {
                None => {
                    issues.push(RowIssue::at(1, &text, ImportCode::UnknownColumn));
                    by_index.push(None);
                }
                Some(Column::Derived) => by_index.push(None),
                Some(column) => {
                    if headers.insert(column, text.clone()).is_some() {
                        issues.push(RowIssue::at(1, &text, ImportCode::DuplicateColumn));
                    }
                    by_index.push(Some(column));
                }
            }
        }
        for &column in REQUIRED {
            if !headers.contains_key(&column) {
                issues.push(RowIssue::at(1, header(column), ImportCode::MissingColumn));
            }
        }
        let resident_id = Column::Field(FieldKey::ResidentId);
        if !headers.contains_key(&Column::Person) && !headers.contains_key(&resident_id) {
            issues.push(RowIssue::at(
                1,
                header(resident_id),
                ImportCode::MissingColumn,
            ));
        }
        let extra = fields
            .iter()
            .filter(|f| {
                headers.contains_key(&Column::HouseholdExtra(f.key))
                    || headers.contains_key(&Column::Extra(f.key))
            })
            .cloned()
            .collect();
        if issues.is_empty() {
            Ok(Layout {
                by_index,
                headers,
                extra,
            })
        } else {
            Err(issues)
        }
    }

    fn header(&self, column: Column) -> &str {
        self.headers
            .get(&column)
            .map_or(header(column), String::as_str)
    }
}

/// A value that the rows of one household, grid or building share: the
/// first row that fills it in sets it, and a later one must agree.
struct Shared<T> {
    value: Option<T>,
}

impl<T: PartialEq> Shared<T> {
    fn new() -> Shared<T> {
        Shared { value: None }
    }

    /// Whether `value` agrees with what earlier rows gave.
    fn offer(&mut self, value: Option<T>) -> bool {
        match (value, &self.value) {
            (None, _) => true,
            (Some(value), None) => {
                self.value = Some(value);
                true
            }
            (Some(value), Some(earlier)) => value == *earlier,
        }
    }
}

struct HouseholdAcc {
    row: u32,
    /// Every row of the household.
    rows: Vec<u32>,
    code: HouseholdCode,
    grid: Shared<GridCode>,
    building: Shared<String>,
    floor: Shared<i16>,
    room: Shared<String>,
    fields: BTreeMap<HouseholdKey, Shared<HouseholdWrite>>,
    extra: BTreeMap<ExtraKey, Shared<ExtraValue>>,
    members: Vec<MemberEntry>,
    surveyed: Vec<PersonId>,
    persons: BTreeSet<PersonId>,
}

struct GridAcc {
    row: u32,
    name: Shared<String>,
    /// The places above it, by name and by code.
    upper: BTreeMap<Tier, (Shared<String>, Shared<PlaceCode>)>,
    boundary: Shared<Boundary>,
}

struct BuildingAcc {
    row: u32,
    boundary: Shared<Boundary>,
}

struct Accumulator<'a> {
    layout: &'a Layout,
    issues: Vec<RowIssue>,
    households: BTreeMap<HouseholdCode, HouseholdAcc>,
    /// Households in the order of their first row.
    order: Vec<HouseholdCode>,
    grids: BTreeMap<GridCode, GridAcc>,
    buildings: BTreeMap<(GridCode, String), BuildingAcc>,
    /// Each ID number's first row.
    ids: BTreeMap<ResidentId, u32>,
    rows: u32,
    last_household: Option<HouseholdCode>,
}

/// One row's cells by column.
struct Row<'a> {
    number: u32,
    cells: BTreeMap<Column, &'a Value>,
}

impl Row<'_> {
    fn get(&self, column: Column) -> &Value {
        self.cells.get(&column).copied().unwrap_or(&Value::Empty)
    }
}

impl Accumulator<'_> {
    fn issue(&mut self, row: u32, column: Column, code: impl Into<RowCode>) {
        let issue = RowIssue::at(row, self.layout.header(column), code);
        self.issues.push(issue);
    }

    /// The cell of `column` as `parse` reads it; an error is noted and read as empty.
    fn read<T, E: Into<RowCode>>(
        &mut self,
        row: &Row,
        column: Column,
        parse: impl FnOnce(&Value) -> Result<Option<T>, E>,
    ) -> Option<T> {
        match parse(row.get(column)) {
            Ok(value) => value,
            Err(code) => {
                self.issue(row.number, column, code);
                None
            }
        }
    }

    /// The row's values of the added fields of `target` the file has
    /// columns for; a cell that is not one of its field's is noted.
    fn read_extra(&mut self, row: &Row, target: Target) -> Vec<(ExtraKey, Option<ExtraValue>)> {
        let fields: Vec<ExtraField> = (self.layout.extra.iter())
            .filter(|f| f.target == target)
            .cloned()
            .collect();
        fields
            .into_iter()
            .map(|field| {
                let column = match target {
                    Target::Household => Column::HouseholdExtra(field.key),
                    Target::Member => Column::Extra(field.key),
                };
                (field.key, self.read(row, column, |v| field.entry(input(v))))
            })
            .collect()
    }

    fn read_row(&mut self, number: u32, cells: &[Value]) {
        let row = Row {
            number,
            cells: self
                .layout
                .by_index
                .iter()
                .zip(cells)
                .filter_map(|(column, cell)| column.map(|c| (c, cell)))
                .collect(),
        };
        let code = match cell_text(row.get(Column::Household)) {
            Some(raw) => match HouseholdCode::parse(&raw) {
                Ok(code) => code,
                Err(_) => {
                    self.issue(number, Column::Household, ImportCode::InvalidCode);
                    return;
                }
            },
            None => match &self.last_household {
                Some(code) => code.clone(),
                None => {
                    let issue = RowIssue::at(
                        number,
                        self.layout.header(Column::Household),
                        IssueCode::Required,
                    );
                    self.issues.push(issue);
                    return;
                }
            },
        };
        self.last_household = Some(code.clone());
        self.read_household(&row, &code);
        self.read_member(&row, &code);
    }

    fn read_household(&mut self, row: &Row, code: &HouseholdCode) {
        let grid = self.read(row, Column::Grid, |v| code_of(v, GridCode::parse));
        let building = self.read(row, Column::Building, text);
        let floor = self.read(row, Column::Floor, |v| {
            input(v)
                .map(|v| i16::try_from(read_integer(v)?).map_err(|_| ValueError::InvalidNumber))
                .transpose()
        });
        let room = self.read(row, Column::Room, text);
        let mut fields = Vec::new();
        for &key in HouseholdKey::ALL {
            let column = Column::HouseholdField(key);
            if !self.layout.headers.contains_key(&column) {
                continue;
            }
            if let Some(write) = self.read(row, column, |v| key.read(input(v)).map(Some)) {
                if let Some(code) = check_household_write(&write) {
                    let issue = RowIssue::at(row.number, self.layout.header(column), code);
                    self.issues.push(issue);
                }
                fields.push((key, write));
            }
        }
        let extra = self.read_extra(row, Target::Household);
        let household = self
            .households
            .entry(code.clone())
            .or_insert_with(|| HouseholdAcc {
                row: row.number,
                rows: Vec::new(),
                code: code.clone(),
                grid: Shared::new(),
                building: Shared::new(),
                floor: Shared::new(),
                room: Shared::new(),
                fields: BTreeMap::new(),
                extra: BTreeMap::new(),
                members: Vec::new(),
                surveyed: Vec::new(),
                persons: BTreeSet::new(),
            });
        if household.row == row.number {
            self.order.push(code.clone());
        }
        household.rows.push(row.number);
        let mut conflicts = Vec::new();
        if !household.grid.offer(grid.clone()) {
            conflicts.push(Column::Grid);
        }
        if !household.building.offer(building.clone()) {
            conflicts.push(Column::Building);
        }
        if !household.floor.offer(floor) {
            conflicts.push(Column::Floor);
        }
        if !household.room.offer(room) {
            conflicts.push(Column::Room);
        }
        for (key, write) in fields {
            // An empty cell is not a value here: the household's other rows may hold it.
            let is_empty = write == HouseholdRecord::default().get(key);
            let offered = if is_empty { None } else { Some(write) };
            if !household
                .fields
                .entry(key)
                .or_insert_with(Shared::new)
                .offer(offered)
            {
                conflicts.push(Column::HouseholdField(key));
            }
        }
        for (key, value) in extra {
            if !household
                .extra
                .entry(key)
                .or_insert_with(Shared::new)
                .offer(value)
            {
                conflicts.push(Column::HouseholdExtra(key));
            }
        }
        for column in conflicts {
            self.issue(row.number, column, ImportCode::ConflictingValue);
        }
        // Grid and building columns belong to the grid (and building) the
        // household's rows name.
        let Some(grid) = grid.or_else(|| self.households[code].grid.value.clone()) else {
            return;
        };
        let name = self.read(row, Column::GridName, text);
        let upper: Vec<(Tier, Option<String>, Option<PlaceCode>)> = Tier::ALL
            .into_iter()
            .map(|tier| {
                let name = self.read(row, Column::Place(tier), text);
                let code = self.read(row, Column::PlaceCode(tier), |v| {
                    code_of(v, PlaceCode::parse)
                });
                (tier, name, code)
            })
            .collect();
        let grid_boundary = self.read(row, Column::GridBoundary, boundary);
        let entry = self.grids.entry(grid.clone()).or_insert_with(|| GridAcc {
            row: row.number,
            name: Shared::new(),
            upper: BTreeMap::new(),
            boundary: Shared::new(),
        });
        let mut conflicts = Vec::new();
        if !entry.name.offer(name) {
            conflicts.push(Column::GridName);
        }
        for (tier, name, code) in upper {
            let (names, codes) = entry
                .upper
                .entry(tier)
                .or_insert_with(|| (Shared::new(), Shared::new()));
            if !names.offer(name) {
                conflicts.push(Column::Place(tier));
            }
            if !codes.offer(code) {
                conflicts.push(Column::PlaceCode(tier));
            }
        }
        if !entry.boundary.offer(grid_boundary) {
            conflicts.push(Column::GridBoundary);
        }
        let Some(building) = building.or_else(|| self.households[code].building.value.clone())
        else {
            for column in conflicts {
                self.issue(row.number, column, ImportCode::ConflictingValue);
            }
            return;
        };
        let building_boundary = self.read(row, Column::BuildingBoundary, boundary);
        let entry = self
            .buildings
            .entry((grid, building))
            .or_insert_with(|| BuildingAcc {
                row: row.number,
                boundary: Shared::new(),
            });
        if !entry.boundary.offer(building_boundary) {
            conflicts.push(Column::BuildingBoundary);
        }
        for column in conflicts {
            self.issue(row.number, column, ImportCode::ConflictingValue);
        }
    }

    fn read_member(&mut self, row: &Row, code: &HouseholdCode) {
        let person = self.read(row, Column::Person, |v| code_of(v, PersonId::parse));
        if cell_text(row.get(Column::Membership)).is_some() {
            // Joined or left in this round's survey: the survey's to keep.
            if let Some(person) = person {
                let household = self.households.get_mut(code).expect("read above");
                household.surveyed.push(person);
            }
            return;
        }
        let person_columns =
            std::iter::once(Column::Person).chain(FieldKey::ALL.iter().map(|&k| Column::Field(k)));
        let is_household_only = person_columns
            .into_iter()
            .all(|c| *row.get(c) == Value::Empty);
        if is_household_only {
            return;
        }
        let mut record = LabourRecord::default();
        for &key in FieldKey::ALL {
            let column = Column::Field(key);
            if !self.layout.headers.contains_key(&column) {
                continue;
            }
            if let Some(write) = self.read(row, column, |v| key.read(input(v)).map(Some)) {
                record.apply(&write);
            }
        }
        for (key, value) in self.read_extra(row, Target::Member) {
            record.extra.apply_write(&ExtraWrite { key, value });
        }
        let key = match (&person, &record.resident_id) {
            (Some(person), _) => MemberKey::Person(person.clone()),
            (None, Some(id)) => MemberKey::ResidentId(id.clone()),
            (None, None) => {
                let column = if self.layout.headers.contains_key(&Column::Person) {
                    Column::Person
                } else {
                    Column::Field(FieldKey::ResidentId)
                };
                // Unless the ID number is there but broken, which is reported already.
                if *row.get(Column::Field(FieldKey::ResidentId)) == Value::Empty {
                    self.issue(row.number, column, ImportCode::PersonKeyRequired);
                }
                return;
            }
        };
        // The rules of one value; those that tie fields together are
        // checked with the stored record, in `plan`.
        for &key in FieldKey::ALL {
            let column = Column::Field(key);
            if !self.layout.headers.contains_key(&column) {
                continue;
            }
            if let Some(code) = check_write(&record.get(key)) {
                let issue = RowIssue::at(row.number, self.layout.header(column), code);
                self.issues.push(issue);
            }
        }
        let id_seen = (record.resident_id.as_ref())
            .is_some_and(|id| self.ids.insert(id.clone(), row.number).is_some());
        if id_seen {
            let column = Column::Field(FieldKey::ResidentId);
            self.issue(row.number, column, ImportCode::DuplicateIdInFile);
        }
        let household = self.households.get_mut(code).expect("read above");
        let repeated = (person.as_ref()).is_some_and(|p| !household.persons.insert(p.clone()));
        if repeated {
            self.issue(row.number, Column::Person, ImportCode::DuplicatePerson);
            return;
        }
        household.members.push(MemberEntry {
            row: row.number,
            key,
            record,
        });
    }

    fn finish(mut self) -> Result<RosterFile, Vec<RowIssue>> {
        let mut households = Vec::new();
        for code in std::mem::take(&mut self.order) {
            let household = self.households.remove(&code).expect("listed in order");
            let required = [
                (household.grid.value.is_none(), Column::Grid),
                (household.building.value.is_none(), Column::Building),
                (household.floor.value.is_none(), Column::Floor),
                (household.room.value.is_none(), Column::Room),
            ];
            let mut complete = true;
            for (missing, column) in required {
                if missing {
                    complete = false;
                    // A cell that did not parse is reported already.
                    let header = self.layout.header(column);
                    let reported = self.issues.iter().any(|i| {
                        i.column.as_deref() == Some(header)
                            && i.row.is_some_and(|r| household.rows.contains(&r))
                    });
                    if reported {
                        continue;
                    }
                    let issue = RowIssue::at(
                        household.row,
                        self.layout.header(column),
                        IssueCode::Required,
                    );
                    self.issues.push(issue);
                }
            }
            let (Some(grid), Some(building), Some(floor), Some(room)) = (
                household.grid.value,
                household.building.value,
                household.floor.value,
                household.room.value,
            ) else {
                continue;
            };
            if !complete {
                continue;
            }
            let mut record = HouseholdRecord::default();
            for (_, shared) in household.fields {
                if let Some(write) = shared.value {
                    record.apply(&write);
                }
            }
            for (key, shared) in household.extra {
                let write = ExtraWrite {
                    key,
                    value: shared.value,
                };
                record.extra.apply_write(&write);
            }
            households.push(HouseholdEntry {
                row: household.row,
                place: HouseholdPlace {
                    code: household.code,
                    grid,
                    building,
                    floor,
                    room,
                },
                record,
                members: household.members,
                surveyed: household.surveyed,
            });
        }
        if !self.issues.is_empty() {
            return Err(self.issues);
        }
        let grids = self
            .grids
            .into_iter()
            .map(|(code, grid)| GridEntry {
                row: grid.row,
                code,
                name: grid.name.value,
                upper: (grid.upper.into_iter())
                    .filter_map(|(tier, (name, code))| {
                        let named = Named {
                            name: name.value,
                            code: code.value,
                        };
                        (named.name.is_some() || named.code.is_some()).then_some((tier, named))
                    })
                    .collect(),
                boundary: grid.boundary.value,
            })
            .collect();
        let buildings = self
            .buildings
            .into_iter()
            .map(|((grid, name), building)| BuildingEntry {
                row: building.row,
                grid,
                name,
                boundary: building.boundary.value,
            })
            .collect();
        Ok(RosterFile {
            rows: self.rows,
            headers: self.layout.headers.clone(),
            grids,
            buildings,
            households,
        })
    }
}

/// A cell as what a person wrote, `None` when empty.
pub(crate) fn input(value: &Value) -> Option<Input<'_>> {
    match value {
        Value::Empty => None,
        Value::Text(text) => Some(Input::Text(text)),
        Value::Number(n) => Some(Input::Number(*n)),
        Value::Date(date) => Some(Input::Date(*date)),
        Value::Bool(b) => Some(Input::Bool(*b)),
    }
}

/// A cell as text: numbers without a trailing `.0` (a room, a code or a
/// phone number typed as a number), dates in ISO 8601.
pub(crate) fn cell_text(value: &Value) -> Option<String> {
    input(value).map(input_text)
}

fn text(value: &Value) -> Result<Option<String>, ImportCode> {
    Ok(cell_text(value))
}

fn code_of<T, E>(
    value: &Value,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<Option<T>, ImportCode> {
    cell_text(value)
        .map(|raw| parse(&raw).map_err(|_| ImportCode::InvalidCode))
        .transpose()
}

fn boundary(value: &Value) -> Result<Option<Boundary>, ImportCode> {
    cell_text(value)
        .map(|raw| Boundary::parse(&raw).ok_or(ImportCode::InvalidBoundary))
        .transpose()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use shared::codes::{EmploymentStatus, Relation};
    use shared::record::FieldWrite;

    use super::*;

    /// A file of this round without added fields.
    fn roster_file(sheet: &Sheet) -> Result<RosterFile, Vec<RowIssue>> {
        super::roster_file(sheet, &[])
    }

    #[test]
    fn added_fields_are_read_by_their_caption() {
        let fields = [
            ExtraField {
                key: ExtraKey::parse("pension").unwrap(),
                target: Target::Member,
                zh: "参保".into(),
                en: "Pension".into(),
                kind: shared::extra::ExtraKind::YesNo,
                required: false,
                applies: None,
            },
            ExtraField {
                key: ExtraKey::parse("subsidy").unwrap(),
                target: Target::Household,
                zh: "就业奖补".into(),
                en: "Subsidy".into(),
                kind: shared::extra::ExtraKind::Number {
                    min: 0,
                    max: 5000,
                    unit: "元".into(),
                },
                required: false,
                applies: None,
            },
        ];
        let csv = format!(
            "{HEADER},参保,就业奖补\n\
             H1,G9,九网格,示例安置区,1号楼,3,301,P1,张三,,户主,是,800\n\
             ,,,,,,,P2,李四,,配偶,否,\n"
        );
        let file = super::roster_file(&sheet(&csv), &fields).unwrap();
        let household = &file.households[0];
        assert_eq!(
            household.record.extra.get(fields[1].key),
            Some(&ExtraValue::Int(800))
        );
        assert_eq!(
            household.members[1].record.extra.get(fields[0].key),
            Some(&ExtraValue::Bool(false))
        );
        assert_eq!(file.extra_keys(), [fields[0].key]);

        let bad = format!(
            "{HEADER},参保,就业奖补\nH1,G9,九网格,示例安置区,1号楼,3,301,P1,张三,,户主,也许,9000\n"
        );
        let issues = super::roster_file(&sheet(&bad), &fields).unwrap_err();
        let codes: Vec<(&str, &str)> = issues
            .iter()
            .map(|i| (i.column.as_deref().unwrap_or(""), i.code.code()))
            .collect();
        assert_eq!(
            codes,
            [
                ("就业奖补", "value_not_allowed"),
                ("参保", "invalid_yes_no")
            ]
        );
        assert!(
            super::roster_file(&sheet(&bad), &[]).is_err(),
            "unknown columns without the fields"
        );
    }

    const HEADER: &str =
        "户编号,网格编号,网格,安置区,楼栋,楼层,房号,人员编号,姓名,公民身份号码,与户主关系";

    fn sheet(csv: &str) -> Sheet {
        crate::import::sheet::read(csv.as_bytes()).unwrap()
    }

    /// The errors of `csv` as (row, column, code).
    #[track_caller]
    fn check_errors(csv: &str, expected: &[(Option<u32>, &str, &str)]) {
        let issues = roster_file(&sheet(csv)).expect_err("errors");
        let mut actual: Vec<(Option<u32>, String, String)> = issues
            .iter()
            .map(|i| {
                (
                    i.row,
                    i.column.clone().unwrap_or_default(),
                    i.code.code().to_owned(),
                )
            })
            .collect();
        actual.sort();
        let mut expected: Vec<(Option<u32>, String, String)> = expected
            .iter()
            .map(|(r, c, code)| (*r, (*c).to_owned(), (*code).to_owned()))
            .collect();
        expected.sort();
        assert_eq!(actual, expected);
    }

    #[test]
    fn rows_of_one_household_make_one_household_and_fill_down_merged_cells() {
        let file = roster_file(&sheet(&format!(
            "{HEADER}\n\
             H1,G9,九网格,示例安置区,1号楼,3,301,,张三,11010519491231002X,户主\n\
             ,,,,,,,P2,李四,,配偶\n\
             H2,G9,,,1号楼,3,302,,,,\n"
        )))
        .unwrap();

        assert_eq!(file.rows, 3);
        assert_eq!(file.households.len(), 2);
        let h1 = &file.households[0];
        assert_eq!(h1.place.room, "301");
        assert_eq!(h1.members.len(), 2);
        assert!(matches!(&h1.members[1].key, MemberKey::Person(p) if p.as_str() == "P2"));
        assert_eq!(h1.members[1].record.relation, Some(Relation::Spouse));
        assert!(
            file.households[1].members.is_empty(),
            "a household-only row"
        );
        assert_eq!(file.grids.len(), 1);
        assert_eq!(file.grids[0].name.as_deref(), Some("九网格"));
        assert_eq!(file.buildings.len(), 1);
    }

    #[test]
    fn every_bad_cell_is_reported_by_row_and_column() {
        check_errors(
            &format!(
                "{HEADER},出生日期,防返贫监测对象\n\
                 H1,G9,,,1号楼,3,301,,张三,110105194912310021,户主,1949-13-01,也许\n\
                 H1,G9,,,2号楼,3,301,,李四,11010519491231002X,妻子,,\n\
                 H2,G 9,,,1号楼,三,302,,,,,,\n\
                 H3,G9,,,1号楼,3,303,P1,王五,11010519491231002X,户主,,\n"
            ),
            &[
                (Some(2), "公民身份号码", "id_check"),
                (Some(2), "出生日期", "invalid_date"),
                (Some(2), "防返贫监测对象", "invalid_yes_no"),
                (Some(3), "楼栋", "conflicting_value"),
                (Some(3), "与户主关系", "invalid_value"),
                (Some(4), "网格编号", "invalid_code"),
                // Not also `required`: the cell is reported once.
                (Some(4), "楼层", "invalid_number"),
                (Some(5), "公民身份号码", "duplicate_id_in_file"),
            ],
        );
    }

    #[test]
    fn headers_must_be_known_unique_and_complete() {
        check_errors(
            "户编号,网格编号,楼栋,楼栋,备注,姓名\nH1,G1,1号楼,1号楼,,张三\n",
            &[
                (Some(1), "楼栋", "duplicate_column"),
                (Some(1), "备注", "unknown_column"),
                (Some(1), "楼层", "missing_column"),
                (Some(1), "房号", "missing_column"),
                (Some(1), "公民身份号码", "missing_column"),
            ],
        );
    }

    #[test]
    fn a_person_needs_a_code_or_an_id_number_and_appears_once() {
        check_errors(
            &format!(
                "{HEADER}\n\
                 H1,G9,,,1号楼,3,301,,张三,,户主\n\
                 H1,,,,,,,P1,李四,,配偶\n\
                 H1,,,,,,,P1,李四,,配偶\n"
            ),
            &[
                (Some(2), "人员编号", "person_key_required"),
                (Some(4), "人员编号", "duplicate_person"),
            ],
        );
    }

    #[test]
    fn an_empty_file_or_a_first_row_without_a_household_is_refused() {
        check_errors("", &[(None, "", "empty_file")]);
        check_errors(&format!("{HEADER}\n,,,,,,,\n"), &[(None, "", "empty_file")]);
        check_errors(
            &format!("{HEADER}\n,G9,,,1号楼,3,301,P1,张三,,户主\n"),
            &[(Some(2), "户编号", "required")],
        );
    }

    #[test]
    fn rows_that_joined_or_left_in_the_survey_are_left_to_it() {
        let file = roster_file(&sheet(&format!(
            "{HEADER},增减员\n\
             H1,G9,,,1号楼,3,301,P1,张三,,户主,\n\
             H1,G9,,,1号楼,3,301,P2,李四,,配偶,减员：迁出\n"
        )))
        .unwrap();

        let household = &file.households[0];
        assert_eq!(household.members.len(), 1);
        assert_eq!(household.surveyed, [PersonId::parse("P2").unwrap()]);
    }

    #[test]
    fn cells_read_as_people_write_them() {
        let read = |key: FieldKey, cell: Value| key.read(input(&cell));
        assert_eq!(
            read(FieldKey::BirthDate, Value::Number(19850312.0)),
            Ok(FieldWrite::BirthDate(Some(date!(1985 - 03 - 12))))
        );
        assert_eq!(
            read(FieldKey::BirthDate, Value::Text("去年".into())),
            Err(ValueError::InvalidDate)
        );
        assert_eq!(
            read(FieldKey::Employment, Value::Text("employed".into())),
            Ok(FieldWrite::Employment(Some(EmploymentStatus::Employed)))
        );
        assert_eq!(
            read(FieldKey::ResidentId, Value::Number(110105194912310020.0)),
            Err(ValueError::IdStoredAsNumber)
        );
        assert_eq!(
            read(FieldKey::Certified, Value::Bool(true)),
            Ok(FieldWrite::Certified(Some(true)))
        );
        assert_eq!(
            read(FieldKey::Name, Value::Empty),
            Ok(FieldWrite::Name(None))
        );
        assert_eq!(
            cell_text(&Value::Number(13800001111.0)).as_deref(),
            Some("13800001111")
        );
        assert_eq!(RowCode::from(IssueCode::Required).code(), "required");
    }
}
