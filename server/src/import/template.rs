//! 名册模板: the file to fill in, every column the import reads with one
//! example household of two people. `docs/roster-import.md` describes
//! each column.

use shared::codes::{Code, Education, LabourCapacity, Relation, Sex, WorkPlace};
use shared::resident_id::check_char;
use time::macros::date;

use super::columns::{Column, columns, header};
use crate::export::{Cell, Table};
use shared::codes::{Channel, EmploymentStatus, Training};
use shared::record::{FieldKey, HouseholdKey};

/// The template's table: the headers and the example rows.
pub fn template() -> Table {
    let columns = columns();
    let rows = [Person::Head, Person::Spouse]
        .into_iter()
        .map(|person| columns.iter().map(|&c| example(c, person)).collect())
        .collect();
    Table::new(columns.into_iter().map(header).collect(), rows)
        .expect("every example row has a cell per column")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Person {
    Head,
    Spouse,
}

/// A valid ID number of the example: Beijing's Chaoyang district, born on
/// `birth`, with `seq` as the order code (odd for men).
fn example_id(birth: &str, seq: &str) -> String {
    let mut raw = format!("110105{birth}{seq}").into_bytes();
    raw.push(check_char(&raw));
    String::from_utf8(raw).expect("ASCII digits")
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_owned())
}

fn example(column: Column, person: Person) -> Cell {
    let head = person == Person::Head;
    match column {
        Column::Household => text("SL-1-0301"),
        Column::Grid => text("G9"),
        Column::GridName => text("示例网格"),
        Column::Area => text("示例安置区"),
        Column::Building => text("1号楼"),
        Column::Floor => Cell::Number(3),
        Column::Room => text("301"),
        Column::HouseholdField(key) => match key {
            HouseholdKey::Phone => text("13800001111"),
            HouseholdKey::Address => text("示例安置区 1号楼 301室"),
            HouseholdKey::Monitored => text("否"),
        },
        Column::Person => text(if head { "SL-1-0301-1" } else { "SL-1-0301-2" }),
        Column::Field(key) => match (key, head) {
            (FieldKey::Name, true) => text("张建军"),
            (FieldKey::Name, false) => text("李桂英"),
            (FieldKey::Sex, true) => text(Sex::Male.zh()),
            (FieldKey::Sex, false) => text(Sex::Female.zh()),
            (FieldKey::BirthDate, true) => Cell::Date(date!(1985 - 03 - 12)),
            (FieldKey::BirthDate, false) => Cell::Date(date!(1987 - 07 - 01)),
            (FieldKey::ResidentId, true) => text(&example_id("19850312", "001")),
            (FieldKey::ResidentId, false) => text(&example_id("19870701", "002")),
            (FieldKey::Relation, true) => text(Relation::Head.zh()),
            (FieldKey::Relation, false) => text(Relation::Spouse.zh()),
            (FieldKey::Education, _) => text(Education::Junior.zh()),
            (FieldKey::Capacity, _) => text(LabourCapacity::Ordinary.zh()),
            (FieldKey::Employment, true) => text(EmploymentStatus::Employed.zh()),
            (FieldKey::Employment, false) => text(EmploymentStatus::Unemployed.zh()),
            (FieldKey::Channel, true) => text(Channel::Workshop.zh()),
            (FieldKey::WorkPlace, true) => text(WorkPlace::InCounty.zh()),
            (FieldKey::Employer, true) => text("社区帮扶车间"),
            (FieldKey::MonthsWorked, true) => Cell::Number(10),
            (FieldKey::MonthlyIncome, true) => Cell::Number(2400),
            (FieldKey::Training, true) => text(Training::Skills.zh()),
            (FieldKey::Training, false) => text(Training::None.zh()),
            (FieldKey::Certified, true) => text("是"),
            (FieldKey::Certified, false) => text("否"),
            (FieldKey::WillingToTrain, _) => text("是"),
            (FieldKey::IntendedWork, false) => text("家政服务"),
            (FieldKey::IntendedPlace, false) => text(WorkPlace::InCounty.zh()),
            (FieldKey::Phone, true) => text("13912345678"),
            _ => Cell::Empty,
        },
        Column::GridBoundary if head => text(
            "POLYGON((112.100 38.900, 112.110 38.900, 112.110 38.910, 112.100 38.910, 112.100 38.900))",
        ),
        Column::BuildingBoundary if head => text(
            "POLYGON((112.102 38.902, 112.104 38.902, 112.104 38.903, 112.102 38.903, 112.102 38.902))",
        ),
        Column::GridBoundary | Column::BuildingBoundary | Column::Membership | Column::Derived => {
            Cell::Empty
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Format;
    use crate::import::parse::roster_file;
    use crate::import::sheet::read;

    #[test]
    fn the_template_reads_back_in_both_formats() {
        for format in [Format::Csv, Format::Xlsx] {
            let bytes = format.write(&template()).unwrap();

            let file = roster_file(&read(&bytes).unwrap()).unwrap();

            assert_eq!(file.households.len(), 1);
            assert_eq!(file.households[0].members.len(), 2);
            assert!(file.grids[0].boundary.is_some());
            assert!(file.buildings[0].boundary.is_some());
        }
    }
}
