//! The ledger as a table: one row per person, the household's columns
//! first and repeated on each of its people's rows, then the person's.
//!
//! The record columns follow `HouseholdKey::ALL` and `FieldKey::ALL`, so a
//! field added to `shared::record` is exported once it has a header here
//! (the `match`es below do not compile without one).

use std::borrow::Cow;
use std::collections::BTreeMap;

use shared::codes::Code;
use shared::extra::{ExtraField, Extras, Target};
use shared::field_values::Shown;
use shared::merge::MemberLedger;
use shared::place::{GridCode, Place, PlaceCode, above};
use shared::privacy::MaskedIds;
use shared::record::{FieldKey, FieldWrite, HouseholdKey, HouseholdWrite};
use shared::wire::LedgerView;
use time::Date;

use super::{Cell, Table};
use crate::import::columns::{self as import, Tier};
use crate::store::HouseholdPlace;

/// A household as exported: where it sits, and its ledger as the caller
/// may see it (numbers already taken out and masked, or in full).
#[derive(Clone, Debug)]
pub struct PlacedLedger {
    pub place: HouseholdPlace,
    pub view: LedgerView,
}

/// The table of `households`, with the names of the places they lie in
/// (`tree`: the places by code, down to the grids) and ages as of `on`. A household
/// without members still has its row, with the person's columns empty.
pub fn ledger_table(
    households: &[PlacedLedger],
    tree: &BTreeMap<PlaceCode, Place>,
    fields: &[ExtraField],
    on: Date,
) -> Table {
    let columns = columns(fields);
    let mut grids: BTreeMap<GridCode, GridColumns> = BTreeMap::new();
    let mut rows = Vec::new();
    for household in households {
        let grid = (grids.entry(household.place.grid.clone()))
            .or_insert_with_key(|code| GridColumns::of(tree, code));
        let line = |member| Line {
            household,
            grid,
            member,
        };
        let members = &household.view.ledger.members;
        let lines: Vec<Line> = if members.is_empty() {
            vec![line(None)]
        } else {
            members.iter().map(|m| line(Some(m))).collect()
        };
        for line in lines {
            rows.push(
                columns
                    .iter()
                    .map(|&c| cell(c, &line, fields, on))
                    .collect(),
            );
        }
    }
    let headers = columns.into_iter().map(|c| header(c, fields)).collect();
    Table::with_headers(headers, rows).expect("every row has a cell per column")
}

/// What a household's row says of its grid: its name and the names of the
/// places above it.
struct GridColumns {
    name: String,
    above: BTreeMap<Tier, String>,
}

impl GridColumns {
    fn of(tree: &BTreeMap<PlaceCode, Place>, grid: &GridCode) -> GridColumns {
        let code = PlaceCode::from(grid.clone());
        let chain = above(tree, &code);
        GridColumns {
            name: tree.get(&code).map(|p| p.name.clone()).unwrap_or_default(),
            above: (Tier::of_chain(&chain).into_iter())
                .map(|(tier, place)| (tier, place.name.clone()))
                .collect(),
        }
    }
}

/// One row's subject: a person of a household, or the household alone.
struct Line<'a> {
    household: &'a PlacedLedger,
    grid: &'a GridColumns,
    member: Option<&'a MemberLedger>,
}

#[derive(Clone, Copy, Debug)]
enum Column {
    Round,
    Household,
    /// The name of a place above the household's grid.
    Place(Tier),
    Grid,
    GridName,
    Building,
    Floor,
    Room,
    Surveyed,
    HouseholdField(HouseholdKey),
    Person,
    Membership,
    Field(FieldKey),
    Age,
    /// The household's added field at this index of the round's fields.
    HouseholdExtra(usize),
    /// A member's added field at this index of the round's fields.
    Extra(usize),
}

/// The columns: the built-in ones, then the household's added fields and
/// the members'.
fn columns(fields: &[ExtraField]) -> Vec<Column> {
    let mut res = vec![Column::Round, Column::Household];
    res.extend(Tier::ALL.map(Column::Place));
    res.extend([
        Column::Grid,
        Column::GridName,
        Column::Building,
        Column::Floor,
        Column::Room,
        Column::Surveyed,
    ]);
    res.extend(HouseholdKey::ALL.iter().map(|&k| Column::HouseholdField(k)));
    res.extend([Column::Person, Column::Membership]);
    for &key in FieldKey::ALL {
        res.push(Column::Field(key));
        // Derived from the birth date, and read beside it.
        if key == FieldKey::BirthDate {
            res.push(Column::Age);
        }
    }
    let of = |target: Target| {
        let fields = fields.iter().enumerate();
        fields
            .filter(move |(_, f)| f.target == target)
            .map(|(i, _)| i)
    };
    res.extend(of(Target::Household).map(Column::HouseholdExtra));
    res.extend(of(Target::Member).map(Column::Extra));
    res
}

fn header(column: Column, fields: &[ExtraField]) -> Cow<'static, str> {
    Cow::Borrowed(match column {
        Column::HouseholdExtra(i) | Column::Extra(i) => return Cow::Owned(fields[i].zh.clone()),
        Column::Round => "季度",
        Column::Household => import::header(import::Column::Household),
        Column::Place(tier) => import::header(import::Column::Place(tier)),
        Column::Grid => import::header(import::Column::Grid),
        Column::GridName => import::header(import::Column::GridName),
        Column::Building => import::header(import::Column::Building),
        Column::Floor => import::header(import::Column::Floor),
        Column::Room => import::header(import::Column::Room),
        Column::Surveyed => "本季已调查",
        Column::HouseholdField(key) => key.zh(),
        Column::Person => import::header(import::Column::Person),
        Column::Membership => import::header(import::Column::Membership),
        Column::Field(key) => key.zh(),
        Column::Age => "年龄",
    })
}

fn cell(column: Column, line: &Line, fields: &[ExtraField], on: Date) -> Cell {
    let place = &line.household.place;
    let view = &line.household.view;
    match column {
        Column::Round => Cell::Text(view.ledger.round.to_string()),
        Column::Household => Cell::Text(place.code.to_string()),
        Column::Grid => Cell::Text(place.grid.to_string()),
        Column::Place(tier) => text(line.grid.above.get(&tier).cloned()),
        Column::GridName => text(Some(line.grid.name.clone())),
        Column::Building => text(Some(place.building.clone())),
        Column::Floor => Cell::Number(place.floor.into()),
        Column::Room => text(Some(place.room.clone())),
        Column::Surveyed => yes_no(Some(view.ledger.is_surveyed())),
        Column::HouseholdField(key) => {
            household_cell(view.ledger.record.get(key), view.masked_phone.as_deref())
        }
        Column::Person => match line.member {
            Some(member) => Cell::Text(member.person.to_string()),
            None => Cell::Empty,
        },
        Column::Membership => match line.member {
            Some(member) => membership_cell(member),
            None => Cell::Empty,
        },
        Column::Field(key) => match line.member {
            Some(member) => member_cell(member.record.get(key), view.masked.get(&member.person)),
            None => Cell::Empty,
        },
        Column::Age => match line.member.and_then(|m| m.record.age_on(on)) {
            Some(age) => Cell::Number(age.into()),
            None => Cell::Empty,
        },
        Column::HouseholdExtra(i) => extra_cell(&fields[i], &view.ledger.record.extra),
        Column::Extra(i) => match line.member {
            Some(member) => extra_cell(&fields[i], &member.record.extra),
            None => Cell::Empty,
        },
    }
}

fn household_cell(write: HouseholdWrite, masked_phone: Option<&str>) -> Cell {
    match write {
        HouseholdWrite::Phone(None) => text(masked_phone.map(str::to_owned)),
        write => shown_cell(write.shown()),
    }
}

/// A member's field; the numbers taken out for the caller's role show masked.
fn member_cell(write: FieldWrite, masked: Option<&MaskedIds>) -> Cell {
    match write {
        FieldWrite::ResidentId(None) => text(masked.and_then(|m| m.resident_id.clone())),
        FieldWrite::Phone(None) => text(masked.and_then(|m| m.phone.clone())),
        write => shown_cell(write.shown()),
    }
}

/// A value as a cell: closed lists by their Chinese labels, counts as numbers.
pub fn shown_cell(shown: Shown) -> Cell {
    match shown {
        Shown::Unset => Cell::Empty,
        Shown::Text(text) => Cell::Text(text),
        Shown::Label { zh, .. } => Cell::Text(zh.to_owned()),
        Shown::Choice { zh, .. } => Cell::Text(zh),
        Shown::Number { value, .. } => Cell::Number(value),
        Shown::Date(date) => Cell::Date(date),
        Shown::Months(n) => Cell::Number(n.into()),
        Shown::Yuan(n) => Cell::Number(n.into()),
        Shown::YesNo(flag) => yes_no(Some(flag)),
    }
}

/// An added field's value, as the export writes a built-in one of its kind.
fn extra_cell(field: &ExtraField, extras: &Extras) -> Cell {
    extras
        .get(field.key)
        .map_or(Cell::Empty, |value| shown_cell(field.shown(value)))
}

/// 增员 or 减员 with the reason; a member who left shows as having left.
fn membership_cell(member: &MemberLedger) -> Cell {
    match (member.left, member.joined) {
        (Some(reason), _) => Cell::Text(format!("减员：{}", reason.zh())),
        (None, Some(reason)) => Cell::Text(format!("增员：{}", reason.zh())),
        (None, None) => Cell::Empty,
    }
}

fn text(value: Option<String>) -> Cell {
    match value {
        Some(text) if !text.is_empty() => Cell::Text(text),
        _ => Cell::Empty,
    }
}

fn yes_no(value: Option<bool>) -> Cell {
    match value {
        Some(true) => Cell::Text("是".to_owned()),
        Some(false) => Cell::Text("否".to_owned()),
        None => Cell::Empty,
    }
}

#[cfg(test)]
mod tests {
    use shared::codes::{Channel, EmploymentStatus, LeaveReason, Level, Relation};
    use shared::merge::merge_household;
    use shared::phone::Phone;
    use shared::place::{HouseholdCode, PersonId};
    use shared::privacy::mask_ledger;
    use shared::record::LabourRecord;
    use shared::resident_id::ResidentId;
    use shared::round::Round;
    use time::macros::date;

    use super::*;

    fn household(members: Vec<MemberLedger>) -> PlacedLedger {
        let code = HouseholdCode::parse("XF-1-0101").unwrap();
        let mut ledger = merge_household(&code, Round::parse("2026Q4").unwrap(), None, &[]);
        ledger.record.phone = Some(Phone::parse("13800001111").unwrap());
        ledger.members = members;
        PlacedLedger {
            place: HouseholdPlace {
                code,
                grid: GridCode::parse("G1").unwrap(),
                building: "1号楼".into(),
                floor: 1,
                room: "101".into(),
            },
            view: LedgerView {
                ledger,
                masked: Default::default(),
                masked_phone: None,
            },
        }
    }

    fn worker() -> MemberLedger {
        MemberLedger {
            record: LabourRecord {
                name: Some("李四".into()),
                relation: Some(Relation::Head),
                resident_id: Some(ResidentId::parse("142223198503120018").unwrap()),
                employment: Some(EmploymentStatus::Employed),
                channel: Some(Channel::Workshop),
                monthly_income: Some(2400),
                phone: Some(Phone::parse("13912345678").unwrap()),
                ..LabourRecord::default()
            },
            ..MemberLedger::new(PersonId::parse("P1").unwrap())
        }
    }

    /// The table's rows as maps from header to text.
    #[track_caller]
    fn check(households: &[PlacedLedger], expected: &[&[(&str, &str)]]) {
        let places = [
            Place {
                code: PlaceCode::parse("A1").unwrap(),
                level: Level::Area,
                name: "幸福家园".into(),
                parent: None,
            },
            Place {
                code: PlaceCode::parse("G1").unwrap(),
                level: Level::Grid,
                name: "第一网格".into(),
                parent: Some(PlaceCode::parse("A1").unwrap()),
            },
        ];
        let tree = places.into_iter().map(|p| (p.code.clone(), p)).collect();
        let table = ledger_table(households, &tree, &[], date!(2026 - 12 - 31));
        assert_eq!(table.rows().len(), expected.len(), "rows");
        for (row, expected) in table.rows().iter().zip(expected) {
            assert_eq!(row.len(), table.headers().len());
            for (header, value) in *expected {
                let idx = table
                    .headers()
                    .iter()
                    .position(|h| h == header)
                    .unwrap_or_else(|| panic!("no column {header}"));
                assert_eq!(row[idx].to_text(), *value, "{header}");
            }
        }
    }

    #[test]
    fn every_record_field_has_a_column() {
        let table = ledger_table(&[], &BTreeMap::new(), &[], date!(2026 - 12 - 31));

        let n_fixed = 8 + Tier::ALL.len() + 2 + 1;
        assert_eq!(
            table.headers().len(),
            n_fixed + HouseholdKey::ALL.len() + FieldKey::ALL.len()
        );
        let mut unique = table.headers().to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), table.headers().len(), "headers are distinct");
    }

    #[test]
    fn a_person_row_repeats_the_household_and_speaks_chinese() {
        check(
            &[household(vec![worker()])],
            &[&[
                ("户编号", "XF-1-0101"),
                ("网格", "第一网格"),
                ("安置区", "幸福家园"),
                ("乡镇(街道)", ""),
                ("楼层", "1"),
                ("户联系电话", "13800001111"),
                ("本季已调查", "否"),
                ("姓名", "李四"),
                ("与户主关系", "户主"),
                ("出生日期", ""),
                ("年龄", "41"),
                ("公民身份号码", "142223198503120018"),
                ("就业状态", "已就业"),
                ("就业渠道", "帮扶车间"),
                ("月收入（元）", "2400"),
                ("联系电话", "13912345678"),
            ]],
        );
    }

    #[test]
    fn masked_numbers_show_in_their_masked_form() {
        let mut household = household(vec![worker()]);
        let (masked, masked_phone) = mask_ledger(&mut household.view.ledger);
        household.view.masked = masked;
        household.view.masked_phone = masked_phone;

        check(
            &[household],
            &[&[
                ("户联系电话", "138****1111"),
                ("公民身份号码", "142223********0018"),
                ("联系电话", "139****5678"),
            ]],
        );
    }

    #[test]
    fn a_household_without_members_keeps_its_row_and_leavers_are_marked() {
        let leaver = MemberLedger {
            left: Some(LeaveReason::MovedOut),
            ..worker()
        };

        check(
            &[household(vec![]), household(vec![leaver])],
            &[
                &[("户编号", "XF-1-0101"), ("人员编号", ""), ("姓名", "")],
                &[("增减员", "减员：迁出"), ("姓名", "李四")],
            ],
        );
    }
}
