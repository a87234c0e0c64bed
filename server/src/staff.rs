//! 人员名单: staff accounts from a spreadsheet, laid out by `StaffColumn`:
//! name, mobile number, role, the place they work in, and a username made
//! from the name and number where the file leaves it empty. The file is
//! read whole into `StaffRow`s or every error by row and column.

use std::collections::BTreeMap;

use pinyin::ToPinyin;
use shared::codes::{Code, Role};
use shared::kind::ValueError;
use shared::phone::Phone;

use crate::export::Table;
use crate::import::issue::{ImportCode, RowCode, RowIssue};
use crate::import::sheet::{Sheet, Value, cell_in, header_columns};

/// The most rows a staff file may have: a province's teams and grid members.
pub const MAX_STAFF_ROWS: usize = 20_000;

/// A column of the staff file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StaffColumn {
    Name,
    Phone,
    Role,
    Place,
    Building,
    Username,
}

impl StaffColumn {
    pub const ALL: [StaffColumn; 6] = [
        StaffColumn::Name,
        StaffColumn::Phone,
        StaffColumn::Role,
        StaffColumn::Place,
        StaffColumn::Building,
        StaffColumn::Username,
    ];

    /// Whether a file may leave the column out.
    fn optional(self) -> bool {
        matches!(self, StaffColumn::Building | StaffColumn::Username)
    }

    /// The column's header, in the template and in error messages.
    pub fn header(self) -> &'static str {
        match self {
            StaffColumn::Name => "姓名",
            StaffColumn::Phone => "手机号码",
            StaffColumn::Role => "角色",
            StaffColumn::Place => "工作地点",
            StaffColumn::Building => "楼栋",
            StaffColumn::Username => "用户名",
        }
    }

    /// The template's two example rows.
    fn examples(self) -> [&'static str; 2] {
        match self {
            StaffColumn::Name => ["王丽", "刘建国"],
            StaffColumn::Phone => ["13800001111", "13900002222"],
            StaffColumn::Role => ["驻点工作队", "楼栋长"],
            StaffColumn::Place => ["城关安置区", "G9"],
            StaffColumn::Building => ["", "1号楼"],
            StaffColumn::Username => ["", "liujg"],
        }
    }

    fn named(raw: &str) -> Option<StaffColumn> {
        StaffColumn::ALL
            .into_iter()
            .find(|c| c.header() == raw.trim())
    }
}

/// The staff template: the headers and two example people.
pub fn template() -> Table {
    let rows: Vec<Vec<&str>> = (0..2)
        .map(|n| StaffColumn::ALL.iter().map(|c| c.examples()[n]).collect())
        .collect();
    Table::examples(StaffColumn::ALL.iter().map(|c| c.header()).collect(), &rows)
}

/// One person of the file, read and checked on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffRow {
    /// The spreadsheet's row number; the header is row 1.
    pub row: u32,
    pub display_name: String,
    pub phone: Phone,
    pub role: Role,
    /// 工作地点 as written: a place's code or name.
    pub place: Option<String>,
    /// 楼栋: a building head's building.
    pub building: Option<String>,
    pub username: String,
}

/// A username from a name and a mobile number: the name in pinyin without
/// tones, then the number's last four digits (王丽, 13800001111 → wangli1111).
pub fn username_for(name: &str, phone: &Phone) -> String {
    let mut res: String = name
        .chars()
        .flat_map(|c| match c.to_pinyin() {
            Some(pinyin) => pinyin.plain().chars().collect::<Vec<_>>(),
            None if c.is_ascii_alphanumeric() => vec![c.to_ascii_lowercase()],
            None => Vec::new(),
        })
        .take(24)
        .collect();
    let digits = phone.as_str();
    res.push_str(&digits[digits.len().saturating_sub(4)..]);
    res
}

/// A staff file as read: the people whose rows are sound, and what is
/// wrong with the others, so that the import can check the sound ones
/// further and report every error at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaffFile {
    pub rows: Vec<StaffRow>,
    pub issues: Vec<RowIssue>,
}

/// The rows of a staff file; `Err` when the file as a whole cannot be read
/// (its header, no rows, too many).
pub fn staff_file(sheet: &Sheet) -> Result<StaffFile, Vec<RowIssue>> {
    let Some((header_row, data)) = sheet.rows.split_first() else {
        return Err(vec![RowIssue::file(ImportCode::EmptyFile)]);
    };
    let required: Vec<(StaffColumn, &str)> = StaffColumn::ALL
        .into_iter()
        .filter(|c| !c.optional())
        .map(|c| (c, c.header()))
        .collect();
    let columns = header_columns(header_row, StaffColumn::named, &required)?;
    let mut issues = Vec::new();
    let mut rows = Vec::new();
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut n_rows = 0;
    for (idx, cells) in data.iter().enumerate() {
        if cells.iter().all(|c| *c == Value::Empty) {
            continue;
        }
        n_rows += 1;
        if n_rows > MAX_STAFF_ROWS {
            return Err(vec![RowIssue::file(ImportCode::TooManyRows)]);
        }
        let row = u32::try_from(idx + 2).unwrap_or(u32::MAX);
        let text = |column: StaffColumn| cell_in(&columns, cells, column);
        if let Some(person) = read_row(row, &text, &mut issues) {
            if seen.insert(person.username.clone(), row).is_some() {
                issues.push(RowIssue::at(
                    row,
                    StaffColumn::Username.header(),
                    ImportCode::DuplicateUsername,
                ));
            }
            rows.push(person);
        }
    }
    if rows.is_empty() && issues.is_empty() {
        return Err(vec![RowIssue::file(ImportCode::EmptyFile)]);
    }
    Ok(StaffFile { rows, issues })
}

fn read_row(
    row: u32,
    text: &dyn Fn(StaffColumn) -> Option<String>,
    issues: &mut Vec<RowIssue>,
) -> Option<StaffRow> {
    let before = issues.len();
    let at = |column: StaffColumn, code: RowCode| RowIssue::at(row, column.header(), code);
    let required = |column: StaffColumn, issues: &mut Vec<RowIssue>| {
        let value = text(column);
        if value.is_none() {
            issues.push(RowIssue::at(
                row,
                column.header(),
                shared::validate::IssueCode::Required,
            ));
        }
        value
    };
    let display_name = required(StaffColumn::Name, issues);
    let phone = required(StaffColumn::Phone, issues).and_then(|raw| match Phone::parse(&raw) {
        Ok(phone) => Some(phone),
        Err(_) => {
            issues.push(at(StaffColumn::Phone, ValueError::InvalidPhone.into()));
            None
        }
    });
    let role = required(StaffColumn::Role, issues).and_then(|raw| {
        let role = Role::ALL
            .iter()
            .copied()
            .find(|r| r.zh() == raw || r.code() == raw || r.en().eq_ignore_ascii_case(&raw));
        if role.is_none() {
            issues.push(at(StaffColumn::Role, ImportCode::InvalidRole.into()));
        }
        role
    });
    let place = text(StaffColumn::Place);
    let building = text(StaffColumn::Building);
    let (Some(display_name), Some(phone), Some(role)) = (display_name, phone, role) else {
        return None;
    };
    let username = text(StaffColumn::Username)
        .map(|u| u.to_ascii_lowercase())
        .unwrap_or_else(|| username_for(&display_name, &phone));
    if issues.len() > before {
        return None;
    }
    Some(StaffRow {
        row,
        display_name,
        phone,
        role,
        place,
        building,
        username,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            rows: rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| match *c {
                            "" => Value::Empty,
                            text => Value::Text(text.to_owned()),
                        })
                        .collect()
                })
                .collect(),
        }
    }

    const HEADER: &[&str] = &["姓名", "手机号码", "角色", "工作地点", "用户名"];

    #[test]
    fn a_username_is_the_names_pinyin_and_the_numbers_last_four_digits() {
        let phone = Phone::parse("13800001111").unwrap();
        assert_eq!(username_for("王丽", &phone), "wangli1111");
        assert_eq!(username_for("Li Na", &phone), "lina1111");
    }

    #[test]
    fn reads_people_and_makes_missing_usernames() {
        let file = staff_file(&sheet(&[
            HEADER,
            &["王丽", "13800001111", "驻点工作队", "G1", ""],
            &["刘建国", "139 0000 2222", "grid_member", "G2", "LiuJG"],
            &["陈主任", "13700003333", "督导", "", ""],
        ]))
        .unwrap();
        let rows = file.rows;
        assert_eq!(file.issues, []);

        let names: Vec<(&str, Role, Option<&str>)> = rows
            .iter()
            .map(|r| (r.username.as_str(), r.role, r.place.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("wangli1111", Role::Surveyor, Some("G1")),
                ("liujg", Role::GridMember, Some("G2")),
                ("chenzhuren3333", Role::Supervisor, None),
            ]
        );
    }

    #[test]
    fn every_error_is_given_by_row_and_column() {
        let issues = staff_file(&sheet(&[
            HEADER,
            &["", "12345", "队长", "G1", ""],
            &["王丽", "13800001111", "驻点工作队", "G1", "wl"],
            &["王力", "13800001111", "网格员", "G1", "wl"],
        ]))
        .unwrap()
        .issues;

        let found: Vec<(Option<u32>, Option<&str>, &str)> = issues
            .iter()
            .map(|i| (i.row, i.column.as_deref(), i.code.code()))
            .collect();
        assert_eq!(
            found,
            [
                (Some(2), Some("姓名"), "required"),
                (Some(2), Some("手机号码"), "invalid_phone"),
                (Some(2), Some("角色"), "invalid_role"),
                (Some(4), Some("用户名"), "duplicate_username"),
            ]
        );
    }

    #[test]
    fn a_missing_column_refuses_the_file() {
        let issues = staff_file(&sheet(&[&["姓名", "角色"], &["王丽", "网格员"]])).unwrap_err();
        let missing: Vec<&str> = issues.iter().filter_map(|i| i.column.as_deref()).collect();
        assert_eq!(missing, ["手机号码", "工作地点"]);
    }
}
