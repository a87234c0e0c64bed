//! The roster's columns: their Chinese headers (the ledger export's, so an
//! export can be edited and imported), the other names cadres give them,
//! and which are required.

use std::collections::BTreeMap;

use shared::codes::{Code, Level};
use shared::extra::{ExtraField, ExtraKey, Target};
use shared::place::Place;
use shared::record::{FieldKey, HouseholdKey};

/// A level of the place tree above a household's grid, as the file's
/// columns give it: each by name, and by code where the file has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    City,
    County,
    Township,
    Area,
    /// 一级网格, above the household's grid.
    Grid1,
    /// 二级网格, between 一级网格 and the household's grid.
    Grid2,
}

impl Tier {
    /// From the top down.
    pub const ALL: [Tier; 6] = [
        Tier::City,
        Tier::County,
        Tier::Township,
        Tier::Area,
        Tier::Grid1,
        Tier::Grid2,
    ];

    pub fn level(self) -> Level {
        match self {
            Tier::City => Level::City,
            Tier::County => Level::County,
            Tier::Township => Level::Township,
            Tier::Area => Level::Area,
            Tier::Grid1 | Tier::Grid2 => Level::Grid,
        }
    }

    /// The places above a grid (`shared::place::above`), each at its tier:
    /// cities to areas by their level, the grids above it from the top.
    pub fn of_chain<'a>(chain: &[&'a Place]) -> BTreeMap<Tier, &'a Place> {
        let mut res = BTreeMap::new();
        let mut grids = [Tier::Grid1, Tier::Grid2].into_iter();
        for &place in chain {
            let tier = match place.level {
                Level::City => Some(Tier::City),
                Level::County => Some(Tier::County),
                Level::Township => Some(Tier::Township),
                Level::Area => Some(Tier::Area),
                Level::Grid => grids.next(),
                Level::Building => None,
            };
            if let Some(tier) = tier {
                res.insert(tier, place);
            }
        }
        res
    }

    /// The tiers a place of this tier lies directly under, nearest first:
    /// the file moves it only under one of these.
    pub fn under(self) -> &'static [Tier] {
        match self {
            Tier::City => &[],
            Tier::County => &[Tier::City],
            Tier::Township => &[Tier::County],
            Tier::Area => &[Tier::Township],
            Tier::Grid1 => &[Tier::Area],
            Tier::Grid2 => &[Tier::Grid1, Tier::Area],
        }
    }

    fn name_header(self) -> &'static str {
        match self {
            Tier::Grid1 => "一级网格",
            Tier::Grid2 => "二级网格",
            tier => tier.level().zh(),
        }
    }

    fn code_header(self) -> &'static str {
        match self {
            Tier::City => "市(州)代码",
            Tier::County => "县(市、区)代码",
            Tier::Township => "乡镇(街道)代码",
            Tier::Area => "安置区代码",
            Tier::Grid1 => "一级网格编号",
            Tier::Grid2 => "二级网格编号",
        }
    }
}

/// A column of the roster file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    Household,
    /// A place above the household's grid, by name.
    Place(Tier),
    /// A place above the household's grid, by code.
    PlaceCode(Tier),
    Grid,
    GridName,
    Building,
    Floor,
    Room,
    HouseholdField(HouseholdKey),
    Person,
    /// 增减员: a member who joined or left in this round's survey, whose row
    /// the import leaves to the survey.
    Membership,
    Field(FieldKey),
    GridBoundary,
    BuildingBoundary,
    /// A column of the export that the import reads past: 季度, 本季已调查, 年龄.
    Derived,
    /// A household field the county added, headed by its Chinese caption.
    HouseholdExtra(ExtraKey),
    /// A member field the county added, headed by its Chinese caption.
    Extra(ExtraKey),
}

/// Every column the import reads, in the template's order.
pub fn columns() -> Vec<Column> {
    let mut res = vec![Column::Household];
    for tier in Tier::ALL {
        res.extend([Column::Place(tier), Column::PlaceCode(tier)]);
    }
    res.extend([
        Column::Grid,
        Column::GridName,
        Column::Building,
        Column::Floor,
        Column::Room,
    ]);
    res.extend(HouseholdKey::ALL.iter().map(|&k| Column::HouseholdField(k)));
    res.push(Column::Person);
    res.extend(FieldKey::ALL.iter().map(|&k| Column::Field(k)));
    res.extend([Column::GridBoundary, Column::BuildingBoundary]);
    res
}

/// Columns a file must have. A file must also have 人员编号 or 公民身份号码.
pub const REQUIRED: &[Column] = &[
    Column::Household,
    Column::Grid,
    Column::Building,
    Column::Floor,
    Column::Room,
    Column::Field(FieldKey::Name),
];

/// The column's header in the template and the export.
pub fn header(column: Column) -> &'static str {
    match column {
        Column::Household => "户编号",
        Column::Grid => "网格编号",
        Column::GridName => "网格",
        Column::Place(tier) => tier.name_header(),
        Column::PlaceCode(tier) => tier.code_header(),
        Column::Building => "楼栋",
        Column::Floor => "楼层",
        Column::Room => "房号",
        Column::HouseholdField(key) => key.zh(),
        Column::Person => "人员编号",
        Column::Membership => "增减员",
        Column::Field(key) => key.zh(),
        Column::GridBoundary => "网格边界",
        Column::BuildingBoundary => "楼栋边界",
        // Named by the round's definitions, not here.
        Column::Derived | Column::HouseholdExtra(_) | Column::Extra(_) => "",
    }
}

/// Other headers cadres use for a column.
const ALIASES: &[(&str, Column)] = &[
    ("户编码", Column::Household),
    ("户号", Column::Household),
    ("网格编码", Column::Grid),
    ("网格名称", Column::GridName),
    ("市", Column::Place(Tier::City)),
    ("县", Column::Place(Tier::County)),
    ("乡镇", Column::Place(Tier::Township)),
    ("安置区名称", Column::Place(Tier::Area)),
    ("安置点", Column::Place(Tier::Area)),
    ("社区", Column::Place(Tier::Area)),
    ("楼号", Column::Building),
    ("户电话", Column::HouseholdField(HouseholdKey::Phone)),
    ("地址", Column::HouseholdField(HouseholdKey::Address)),
    (
        "防返贫监测",
        Column::HouseholdField(HouseholdKey::Monitored),
    ),
    ("人员编码", Column::Person),
    ("身份证号码", Column::Field(FieldKey::ResidentId)),
    ("身份证号", Column::Field(FieldKey::ResidentId)),
    ("月收入", Column::Field(FieldKey::MonthlyIncome)),
    ("手机号码", Column::Field(FieldKey::Phone)),
    ("季度", Column::Derived),
    ("本季已调查", Column::Derived),
    ("年龄", Column::Derived),
];

/// The column a header names, ignoring spaces and the width of brackets:
/// a built-in one, or one of `fields` (the round's added fields) by its
/// Chinese caption.
pub fn column_named(raw: &str, fields: &[ExtraField]) -> Option<Column> {
    let wanted = normalize(raw);
    if let Some(field) = fields.iter().find(|f| normalize(&f.zh) == wanted) {
        return Some(match field.target {
            Target::Household => Column::HouseholdExtra(field.key),
            Target::Member => Column::Extra(field.key),
        });
    }
    if wanted == normalize(header(Column::Membership)) {
        return Some(Column::Membership);
    }
    columns()
        .into_iter()
        .find(|&c| normalize(header(c)) == wanted)
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| normalize(alias) == wanted)
                .map(|&(_, c)| c)
        })
}

fn normalize(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '（' | '）' | '(' | ')' | '*'))
        .collect()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::export::ledger::ledger_table;

    #[test]
    fn every_export_header_names_a_column() {
        let table = ledger_table(&[], &Default::default(), &[], date!(2026 - 12 - 31));

        for header in table.headers() {
            assert!(column_named(header, &[]).is_some(), "{header}");
        }
    }

    #[test]
    fn headers_are_found_by_name_alias_or_half_width_brackets() {
        assert_eq!(column_named(" 户编号 ", &[]), Some(Column::Household));
        assert_eq!(column_named("户编码", &[]), Some(Column::Household));
        assert_eq!(
            column_named("月收入(元)", &[]),
            Some(Column::Field(FieldKey::MonthlyIncome))
        );
        assert_eq!(
            column_named("身份证号码", &[]),
            Some(Column::Field(FieldKey::ResidentId))
        );
        assert_eq!(
            column_named("*姓名", &[]),
            Some(Column::Field(FieldKey::Name))
        );
        assert_eq!(column_named("备注", &[]), None);
    }
}
