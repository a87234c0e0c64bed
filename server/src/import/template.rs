//! 名册模板: the file to fill in, every column the import reads with one
//! example household of two people. `docs/roster-import.md` describes
//! each column.

use shared::field_values::Shown;
use shared::kind::{Input, ValueError};

use super::columns::{Column, Tier, columns, header};
use crate::export::ledger::shown_cell;
use crate::export::{Cell, Table};

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

fn text(value: &str) -> Cell {
    Cell::Text(value.to_owned())
}

fn optional(value: &str) -> Cell {
    if value.is_empty() {
        Cell::Empty
    } else {
        text(value)
    }
}

/// The example's place above its grid: name and code, with the codes of
/// 统计用区划代码 where they are known. The grid is a second-level one.
fn place_example(tier: Tier) -> (&'static str, &'static str) {
    match tier {
        Tier::City => ("示例市", "141100000000"),
        Tier::County => ("示例县", "141126000000"),
        Tier::Township => ("示例镇", "141126100000"),
        Tier::Area => ("示例安置区", ""),
        Tier::Grid1 => ("示例一级网格", "G9-0"),
        Tier::Grid2 => ("", ""),
    }
}

/// A field's declared example as the export writes its value (every
/// example reads: `shared::record`'s tests check them).
fn declared(shown: Result<Shown, ValueError>) -> Cell {
    shown.map_or(Cell::Empty, shown_cell)
}

fn example(column: Column, person: Person) -> Cell {
    let head = person == Person::Head;
    match column {
        Column::Household => text("SL-1-0301"),
        Column::Place(tier) => optional(place_example(tier).0),
        Column::PlaceCode(tier) => optional(place_example(tier).1),
        Column::Grid => text("G9"),
        Column::GridName => text("示例网格"),
        Column::Building => text("1号楼"),
        Column::Floor => Cell::Number(3),
        Column::Room => text("301"),
        Column::HouseholdField(key) => declared(
            key.read(Some(Input::Text(key.examples()[0])))
                .map(|w| w.shown()),
        ),
        Column::Person => text(if head { "SL-1-0301-1" } else { "SL-1-0301-2" }),
        Column::Field(key) => {
            let example = key.examples()[usize::from(!head)];
            declared(key.read(Some(Input::Text(example))).map(|w| w.shown()))
        }
        Column::GridBoundary if head => text(
            "POLYGON((112.100 38.900, 112.110 38.900, 112.110 38.910, 112.100 38.910, 112.100 38.900))",
        ),
        Column::BuildingBoundary if head => text(
            "POLYGON((112.102 38.902, 112.104 38.902, 112.104 38.903, 112.102 38.903, 112.102 38.902))",
        ),
        Column::GridBoundary
        | Column::BuildingBoundary
        | Column::Membership
        | Column::Derived
        | Column::HouseholdExtra(_)
        | Column::Extra(_) => Cell::Empty,
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

            let file = roster_file(&read(&bytes).unwrap(), &[]).unwrap();

            assert_eq!(file.households.len(), 1);
            assert_eq!(file.households[0].members.len(), 2);
            assert!(file.grids[0].boundary.is_some());
            assert!(file.buildings[0].boundary.is_some());
        }
    }
}
