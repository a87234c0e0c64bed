//! The definitions file (字段定义表), in the spirit of XLSForm: one row per
//! added field, its columns declared once in `FieldColumn` with their
//! headers and the template's examples. The file is read whole into
//! `ExtraField`s or every error by row and column.

use std::collections::{BTreeMap, BTreeSet};

use shared::extra::{
    Condition, ConditionError, ExtraChoice, ExtraField, ExtraKey, ExtraKeyError, ExtraKind,
    FieldSet, Target,
};
use shared::kind::{Input, read_integer, read_yes_no};
use shared::validate::IssueCode;

use crate::export::Table;
use crate::import::issue::{ImportCode, RowCode, RowIssue};
use crate::import::sheet::{Sheet, Value, cell_in, header_columns};

/// The most fields one file may define.
pub const MAX_FIELDS: usize = 200;

/// The longest caption, in characters: a line on a phone.
const MAX_CAPTION_CHARS: usize = 40;

/// A text field's length when the file gives none, and the most it may give.
const DEFAULT_TEXT_CHARS: u16 = 40;
const MAX_TEXT_CHARS: i64 = 500;

/// A column of the definitions file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FieldColumn {
    Key,
    Target,
    Zh,
    En,
    Kind,
    Choices,
    Min,
    Max,
    Unit,
    MaxLength,
    Required,
    Applies,
}

impl FieldColumn {
    pub const ALL: [FieldColumn; 12] = [
        FieldColumn::Key,
        FieldColumn::Target,
        FieldColumn::Zh,
        FieldColumn::En,
        FieldColumn::Kind,
        FieldColumn::Choices,
        FieldColumn::Min,
        FieldColumn::Max,
        FieldColumn::Unit,
        FieldColumn::MaxLength,
        FieldColumn::Required,
        FieldColumn::Applies,
    ];

    /// The column's header, in the template and in error messages, and the
    /// name XLSForm gives the same column, which is read too.
    pub fn header(self) -> (&'static str, &'static str) {
        match self {
            FieldColumn::Key => ("字段编号", "name"),
            FieldColumn::Target => ("对象", "record"),
            FieldColumn::Zh => ("中文名称", "label::zh"),
            FieldColumn::En => ("英文名称", "label::en"),
            FieldColumn::Kind => ("类型", "type"),
            FieldColumn::Choices => ("选项", "choices"),
            FieldColumn::Min => ("最小值", "min"),
            FieldColumn::Max => ("最大值", "max"),
            FieldColumn::Unit => ("单位", "unit"),
            FieldColumn::MaxLength => ("最大长度", "max_length"),
            FieldColumn::Required => ("必填", "required"),
            FieldColumn::Applies => ("适用条件", "relevant"),
        }
    }

    /// The template's examples: a member's yes/no field asked of labourers,
    /// a member's choice, and a household's number.
    fn examples(self) -> [&'static str; 3] {
        match self {
            FieldColumn::Key => ["pension", "pension_kind", "subsidy"],
            FieldColumn::Target => ["成员", "成员", "户"],
            FieldColumn::Zh => ["参加养老保险", "养老保险类型", "今年领取就业奖补"],
            FieldColumn::En => [
                "Pension insurance",
                "Pension scheme",
                "Employment subsidy this year",
            ],
            FieldColumn::Kind => ["是否", "单选", "数字"],
            FieldColumn::Choices => [
                "",
                "resident=城乡居民养老保险|Resident pension；worker=城镇职工养老保险|Employee pension",
                "",
            ],
            FieldColumn::Min => ["", "", "0"],
            FieldColumn::Max => ["", "", "50000"],
            FieldColumn::Unit => ["", "", "元"],
            FieldColumn::MaxLength => ["", "", ""],
            FieldColumn::Required => ["是", "否", "否"],
            FieldColumn::Applies => [
                "年龄 >= 16 且 劳动能力 = 技能劳动力、普通劳动力、弱劳动力或半劳动力",
                "",
                "",
            ],
        }
    }

    fn named(raw: &str) -> Option<FieldColumn> {
        let raw = raw.trim();
        FieldColumn::ALL.into_iter().find(|c| {
            let (zh, xlsform) = c.header();
            zh == raw || xlsform.eq_ignore_ascii_case(raw)
        })
    }
}

/// The definitions template: the headers and three example fields.
pub fn template() -> Table {
    let rows: Vec<Vec<&str>> = (0..3)
        .map(|n| FieldColumn::ALL.iter().map(|c| c.examples()[n]).collect())
        .collect();
    Table::examples(
        FieldColumn::ALL.iter().map(|c| c.header().0).collect(),
        &rows,
    )
}

/// The fields a definitions file defines, in its order, or every error in
/// it. An earlier version's field keeps its record and type: `earlier` are
/// the versions kept.
pub fn fields_file(sheet: &Sheet, earlier: &[FieldSet]) -> Result<Vec<ExtraField>, Vec<RowIssue>> {
    let Some((header_row, data)) = sheet.rows.split_first() else {
        return Err(vec![RowIssue::file(ImportCode::EmptyFile)]);
    };
    let required =
        [FieldColumn::Key, FieldColumn::Zh, FieldColumn::Kind].map(|c| (c, c.header().0));
    let columns = header_columns(header_row, FieldColumn::named, &required)?;
    let mut issues = Vec::new();
    let mut fields = Vec::new();
    let mut keys = BTreeSet::new();
    let known: BTreeMap<ExtraKey, &ExtraField> = earlier
        .iter()
        .flat_map(|set| &set.fields)
        .map(|f| (f.key, f))
        .collect();
    for (idx, cells) in data.iter().enumerate() {
        if cells.iter().all(|c| *c == Value::Empty) {
            continue;
        }
        if fields.len() + issues.len() >= MAX_FIELDS {
            return Err(vec![RowIssue::file(ImportCode::TooManyRows)]);
        }
        let row = u32::try_from(idx + 2).unwrap_or(u32::MAX);
        let cell = |column: FieldColumn| cell_in(&columns, cells, column);
        let before = issues.len();
        let mut at = |column: FieldColumn, code: RowCode| {
            issues.push(RowIssue::at(row, column.header().0, code));
        };
        let Some(field) = read_row(&cell, &mut at) else {
            continue;
        };
        if !keys.insert(field.key) {
            at(FieldColumn::Key, ImportCode::DuplicateFieldKey.into());
        }
        let changed = known.get(&field.key).is_some_and(|old| {
            old.target != field.target
                || std::mem::discriminant(&old.kind) != std::mem::discriminant(&field.kind)
        });
        if changed {
            at(FieldColumn::Kind, ImportCode::KindChanged.into());
        }
        if issues.len() == before {
            fields.push(field);
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(fields)
}

fn read_row(
    cell: &dyn Fn(FieldColumn) -> Option<String>,
    at: &mut dyn FnMut(FieldColumn, RowCode),
) -> Option<ExtraField> {
    let required = |column: FieldColumn, at: &mut dyn FnMut(FieldColumn, RowCode)| {
        let value = cell(column);
        if value.is_none() {
            at(column, IssueCode::Required.into());
        }
        value
    };
    let key = required(FieldColumn::Key, at).and_then(|raw| match ExtraKey::parse(&raw) {
        Ok(key) => Some(key),
        Err(ExtraKeyError::Format) => {
            at(FieldColumn::Key, ImportCode::FieldKeyFormat.into());
            None
        }
        Err(ExtraKeyError::BuiltIn) => {
            at(FieldColumn::Key, ImportCode::FieldKeyBuiltIn.into());
            None
        }
    });
    let target = match cell(FieldColumn::Target).as_deref() {
        None | Some("成员" | "人员" | "member") => Some(Target::Member),
        Some("户" | "household") => Some(Target::Household),
        Some(_) => {
            at(FieldColumn::Target, ImportCode::InvalidTarget.into());
            None
        }
    };
    let zh = required(FieldColumn::Zh, at);
    if zh
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_CAPTION_CHARS)
    {
        at(FieldColumn::Zh, IssueCode::TooLong.into());
    }
    let en = cell(FieldColumn::En);
    if en
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_CAPTION_CHARS * 2)
    {
        at(FieldColumn::En, IssueCode::TooLong.into());
    }
    let kind = required(FieldColumn::Kind, at).and_then(|raw| read_kind(&raw, cell, at));
    let flag = match cell(FieldColumn::Required) {
        None => Some(false),
        Some(raw) => read_yes_no(Input::Text(&raw))
            .map_err(|e| at(FieldColumn::Required, e.into()))
            .ok(),
    };
    let applies = match (cell(FieldColumn::Applies), target) {
        (Some(text), Some(target)) => Condition::parse(&text, target)
            .map_err(|e| at(FieldColumn::Applies, condition_code(&e).into()))
            .ok()?,
        _ => None,
    };
    let zh = zh?;
    Some(ExtraField {
        key: key?,
        target: target?,
        en: en.unwrap_or_else(|| zh.clone()),
        zh,
        kind: kind?,
        required: flag?,
        applies,
    })
}

/// The kind a 类型 cell names, with what its columns say of it.
fn read_kind(
    raw: &str,
    cell: &dyn Fn(FieldColumn) -> Option<String>,
    at: &mut dyn FnMut(FieldColumn, RowCode),
) -> Option<ExtraKind> {
    let mut integer = |column: FieldColumn, default: i64| match cell(column) {
        None => Some(default),
        Some(raw) => read_integer(Input::Text(&raw))
            .map_err(|e| at(column, e.into()))
            .ok(),
    };
    Some(match raw.to_ascii_lowercase().as_str() {
        "是否" | "yes_no" | "acknowledge" => ExtraKind::YesNo,
        "日期" | "date" => ExtraKind::Date,
        "数字" | "整数" | "number" | "integer" => {
            let min = integer(FieldColumn::Min, 0);
            let max = integer(FieldColumn::Max, 999_999_999);
            let (min, max) = (min?, max?);
            if min > max {
                at(FieldColumn::Max, ImportCode::InvalidRange.into());
                return None;
            }
            let unit = cell(FieldColumn::Unit).unwrap_or_default();
            ExtraKind::Number { min, max, unit }
        }
        "文本" | "text" => {
            let max = integer(FieldColumn::MaxLength, i64::from(DEFAULT_TEXT_CHARS))?;
            match u16::try_from(max) {
                Ok(max) if (1..=MAX_TEXT_CHARS).contains(&i64::from(max)) => {
                    ExtraKind::Text { max }
                }
                _ => {
                    at(FieldColumn::MaxLength, ImportCode::InvalidLength.into());
                    return None;
                }
            }
        }
        "单选" | "choice" | "select_one" => {
            let Some(raw) = cell(FieldColumn::Choices) else {
                at(FieldColumn::Choices, ImportCode::ChoicesRequired.into());
                return None;
            };
            let choices = read_choices(&raw);
            let codes: BTreeSet<&str> = choices.iter().map(|c| c.code.as_str()).collect();
            if choices.is_empty() {
                at(FieldColumn::Choices, ImportCode::ChoicesRequired.into());
                return None;
            }
            if codes.len() != choices.len() {
                at(FieldColumn::Choices, ImportCode::DuplicateChoice.into());
                return None;
            }
            ExtraKind::Choice(choices)
        }
        _ => {
            at(FieldColumn::Kind, ImportCode::InvalidKind.into());
            return None;
        }
    })
}

/// `resident=城乡居民养老保险|Resident pension；worker=城镇职工养老保险`: entries
/// separated by ；, ; or a line break, each a code, `=`, the Chinese label
/// and optionally `|` and the English one. An entry without `=` is its own
/// code.
fn read_choices(raw: &str) -> Vec<ExtraChoice> {
    raw.split(['；', ';', '\n'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (code, labels) = entry.split_once('=').unwrap_or((entry, entry));
            let (zh, en) = labels.split_once('|').unwrap_or((labels, labels));
            ExtraChoice {
                code: code.trim().to_owned(),
                zh: zh.trim().to_owned(),
                en: en.trim().to_owned(),
            }
        })
        .collect()
}

fn condition_code(err: &ConditionError) -> ImportCode {
    match err {
        ConditionError::NoOperator(_) => ImportCode::ConditionOperator,
        ConditionError::UnknownField(_) => ImportCode::ConditionField,
        ConditionError::BadValue(_) => ImportCode::ConditionValue,
        ConditionError::NotComparable(_) => ImportCode::ConditionCompare,
    }
}

#[cfg(test)]
mod tests {
    use shared::round::Round;

    use super::*;
    use crate::export::Format;
    use crate::import::sheet::read;

    fn sheet(csv: &str) -> Sheet {
        read(csv.as_bytes()).unwrap()
    }

    #[track_caller]
    fn errors(csv: &str, earlier: &[FieldSet]) -> Vec<(Option<u32>, String, &'static str)> {
        let issues = fields_file(&sheet(csv), earlier).unwrap_err();
        issues
            .into_iter()
            .map(|i| (i.row, i.column.unwrap_or_default(), i.code.code()))
            .collect()
    }

    #[test]
    fn the_template_reads_back_in_both_formats() {
        for format in [Format::Csv, Format::Xlsx] {
            let bytes = format.write(&template()).unwrap();
            let fields = fields_file(&read(&bytes).unwrap(), &[]).unwrap();
            assert_eq!(fields.len(), 3);
            assert_eq!(fields[0].kind, ExtraKind::YesNo);
            assert!(fields[0].required);
            assert_eq!(fields[0].applies.as_ref().unwrap().clauses.len(), 2);
            let ExtraKind::Choice(choices) = &fields[1].kind else {
                panic!("a choice");
            };
            assert_eq!(choices[1].code, "worker");
            assert_eq!(choices[1].en, "Employee pension");
            assert_eq!(fields[2].target, Target::Household);
            assert_eq!(
                fields[2].kind,
                ExtraKind::Number {
                    min: 0,
                    max: 50_000,
                    unit: "元".into()
                }
            );
        }
    }

    #[test]
    fn xlsform_headers_read_too() {
        let fields = fields_file(
            &sheet("name,label::zh,type,choices\nreturned,是否返乡,select_one,是；否\n"),
            &[],
        )
        .unwrap();
        let ExtraKind::Choice(choices) = &fields[0].kind else {
            panic!("a choice");
        };
        assert_eq!(choices[0].code, "是");
        assert_eq!(fields[0].en, "是否返乡");
    }

    #[test]
    fn every_bad_cell_is_named_by_row_and_column() {
        let csv = "字段编号,对象,中文名称,类型,选项,最小值,最大值,最大长度,必填,适用条件\n\
                   Bad,成员,甲,是否,,,,,,\n\
                   employment,成员,乙,是否,,,,,,\n\
                   ok_one,楼,丙,是否,,,,,也许,\n\
                   ok_two,成员,,颜色,,,,,,\n\
                   ok_three,成员,丁,单选,,,,,,\n\
                   ok_four,成员,戊,数字,,10,1,,,\n\
                   ok_five,成员,己,文本,,,,900,,\n\
                   ok_six,成员,庚,是否,,,,,,工龄 > 3\n\
                   ok_six,成员,辛,单选,a=甲；a=乙,,,,,就业状态 = 在家\n";
        assert_eq!(
            errors(csv, &[]),
            [
                (Some(2), "字段编号".into(), "field_key_format"),
                (Some(3), "字段编号".into(), "field_key_built_in"),
                (Some(4), "对象".into(), "invalid_target"),
                (Some(4), "必填".into(), "invalid_yes_no"),
                (Some(5), "中文名称".into(), "required"),
                (Some(5), "类型".into(), "invalid_kind"),
                (Some(6), "选项".into(), "choices_required"),
                (Some(7), "最大值".into(), "invalid_range"),
                (Some(8), "最大长度".into(), "invalid_length"),
                (Some(9), "适用条件".into(), "condition_field"),
                (Some(10), "选项".into(), "duplicate_choice"),
                (Some(10), "适用条件".into(), "condition_value"),
            ]
        );
        assert_eq!(
            errors("字段编号,类型\nx,是否\n", &[]),
            [(Some(1), "中文名称".into(), "missing_column")]
        );
        assert_eq!(
            errors(
                "字段编号,中文名称,类型\npension,甲,是否\npension,乙,是否\n",
                &[]
            ),
            [(Some(3), "字段编号".into(), "duplicate_field_key")]
        );
    }

    #[test]
    fn a_field_kept_from_an_earlier_version_keeps_its_record_and_type() {
        let earlier =
            fields_file(&sheet("字段编号,中文名称,类型\npension,参保,是否\n"), &[]).unwrap();
        let set = FieldSet {
            version: 1,
            from: Round::parse("2026Q4").unwrap(),
            fields: earlier,
        };
        assert_eq!(
            errors(
                "字段编号,中文名称,类型\npension,参保,数字\n",
                std::slice::from_ref(&set)
            ),
            [(Some(2), "类型".into(), "kind_changed")]
        );
        let relabelled = fields_file(
            &sheet("字段编号,中文名称,类型\npension,参加养老保险,是否\n"),
            &[set],
        )
        .unwrap();
        assert_eq!(relabelled[0].zh, "参加养老保险");
    }
}
