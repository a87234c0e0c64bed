//! What can be wrong with a roster file, row by row, in Chinese and English.
//!
//! A record's own rules are `shared::validate`'s `IssueCode`s, the same the
//! phone and the intake apply; `ImportCode` adds what only a file can get
//! wrong (a column, a cell's format, rows of one household that disagree).

use serde::Serialize;
use shared::kind::ValueError;
use shared::validate::IssueCode;
use shared::wire::FieldErrorBody;

use crate::http::error::Lang;

macro_rules! import_codes {
    ($($variant:ident = $code:literal, $zh:literal, $en:literal;)+) => {
        /// What a file got wrong that no record rule covers.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
        pub enum ImportCode {
            $($variant,)+
        }

        impl ImportCode {
            pub fn code(self) -> &'static str {
                match self { $(ImportCode::$variant => $code,)+ }
            }

            pub fn zh(self) -> &'static str {
                match self { $(ImportCode::$variant => $zh,)+ }
            }

            pub fn en(self) -> &'static str {
                match self { $(ImportCode::$variant => $en,)+ }
            }
        }
    };
}

import_codes! {
    UnreadableFile = "unreadable_file", "无法读取文件，请上传 .xlsx 工作簿或 CSV 文件", "The file cannot be read; upload an .xlsx workbook or a CSV file";
    OldExcel = "old_excel", "这是旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入", "This is an old .xls file; save it as .xlsx in Excel and import that";
    EmptyFile = "empty_file", "文件中没有数据行", "The file has no rows of data";
    TooManyRows = "too_many_rows", "文件超过 100000 行，请按网格拆分后分别导入", "The file has over 100,000 rows; split it by grid and import each";
    UnknownColumn = "unknown_column", "无法识别的列名，请对照模板修改", "Unknown column; compare the header with the template";
    DuplicateColumn = "duplicate_column", "该列名出现了两次", "This column appears twice";
    MissingColumn = "missing_column", "缺少必需的列", "A required column is missing";
    PersonKeyRequired = "person_key_required", "人员编号和公民身份号码至少填写一项", "Fill in the person code or the resident ID number";
    InvalidCode = "invalid_code", "编号只能由字母、数字、“-”或“_”组成，最长 40 位", "A code has up to 40 letters, digits, '-' or '_'";
    InvalidBoundary = "invalid_boundary", "边界应为 WKT 多边形，如 POLYGON((112.1 38.9, 112.2 38.9, 112.2 39.0, 112.1 38.9))，经纬度有效", "A boundary is a WKT polygon of valid longitudes and latitudes, like POLYGON((112.1 38.9, 112.2 38.9, 112.2 39.0, 112.1 38.9))";
    ConflictingValue = "conflicting_value", "与同一户（或同一网格、同一楼栋）前面各行填写的不一致", "Disagrees with an earlier row of the same household, grid or building";
    DuplicateIdInFile = "duplicate_id_in_file", "该身份证号码在文件中出现了不止一次", "This ID number appears more than once in the file";
    DuplicatePerson = "duplicate_person", "同一户中该人员出现了不止一次", "This person appears more than once in the household";
    GridNameRequired = "grid_name_required", "新网格请填写网格名称", "Give a new grid its name";
    AreaRequired = "area_required", "新网格请填写所属安置区", "Give a new grid its resettlement area";
    PlaceNameRequired = "place_name_required", "新的地方请填写名称（代码之外）", "Give a new place its name as well as its code";
    PlaceCodeTaken = "place_code_taken", "该代码已属于另一层级的地方", "This code belongs to a place of another level";
    PlaceAmbiguous = "place_ambiguous", "有多个同名的地方，请填写上级地方或代码", "Several places have this name; give the places above it or its code";
    PlaceDisagrees = "place_disagrees", "文件中同一地方的名称或上级前后不一致", "The file gives this place two names, or two places above it, or places it under itself";
    OutOfScope = "out_of_scope", "该网格不在您的管理范围内", "This grid is outside your scope";
    InvalidRole = "invalid_role", "角色应为 管理员、督导、驻点工作队 或 网格员", "A role is 管理员, 督导, 驻点工作队 or 网格员";
    RoleNotYours = "role_not_yours", "督导只能导入本辖区的驻点工作队和网格员", "Supervisors import resident work teams and grid members of their own grids only";
    FieldKeyFormat = "field_key_format", "字段编号应以小写字母开头，由小写字母、数字或“_”组成，最长 24 位", "A field key starts with a lowercase letter and has up to 24 lowercase letters, digits or '_'";
    FieldKeyBuiltIn = "field_key_built_in", "与内置字段同名，请换一个字段编号", "A built-in field has this name; choose another key";
    DuplicateFieldKey = "duplicate_field_key", "该字段编号在文件中出现了不止一次", "This field key appears more than once in the file";
    InvalidTarget = "invalid_target", "对象应为“成员”或“户”", "The record is 成员 (member) or 户 (household)";
    InvalidKind = "invalid_kind", "类型应为 是否、单选、数字、文本 或 日期", "The type is 是否, 单选, 数字, 文本 or 日期";
    ChoicesRequired = "choices_required", "单选题请在“选项”中列出选项，如 resident=城乡居民养老保险；worker=城镇职工养老保险", "List a choice field's options, like resident=城乡居民养老保险；worker=城镇职工养老保险";
    DuplicateChoice = "duplicate_choice", "选项的代码重复了", "Two options have the same code";
    InvalidRange = "invalid_range", "最小值不能大于最大值", "The minimum is above the maximum";
    InvalidLength = "invalid_length", "最大长度应在 1 到 500 之间", "The maximum length is between 1 and 500";
    ConditionOperator = "condition_operator", "适用条件缺少比较符号，请写成 就业状态 = 已就业", "The condition has no comparison; write it like 就业状态 = 已就业";
    ConditionField = "condition_field", "适用条件只能用内置字段的列名或“年龄”", "A condition names a built-in field's column or 年龄 (age)";
    ConditionValue = "condition_value", "适用条件中的值不是该字段可选的值", "A value in the condition is not one of the field's";
    ConditionCompare = "condition_compare", "大于、小于只能用于年龄、务工月数和月收入，且只写一个数", "Greater and less than apply to age, months worked and monthly income, with one number";
    KindChanged = "kind_changed", "已有字段的对象和类型不能更改；请换一个字段编号", "An existing field keeps its record and type; choose another key";
    DuplicateUsername = "duplicate_username", "该用户名在文件中出现了不止一次，请填写不同的用户名", "This username appears more than once in the file; give each its own";
}

/// Which rule a cell broke: a record rule, a value not of its field's
/// kind, or a file rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowCode {
    Rule(IssueCode),
    Value(ValueError),
    Import(ImportCode),
}

impl RowCode {
    pub fn code(self) -> &'static str {
        match self {
            RowCode::Rule(code) => code.code(),
            RowCode::Value(code) => code.code(),
            RowCode::Import(code) => code.code(),
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RowCode::Rule(code), Lang::Zh) => code.zh(),
            (RowCode::Rule(code), Lang::En) => code.en(),
            (RowCode::Value(code), Lang::Zh) => code.zh(),
            (RowCode::Value(code), Lang::En) => code.en(),
            (RowCode::Import(code), Lang::Zh) => code.zh(),
            (RowCode::Import(code), Lang::En) => code.en(),
        }
    }
}

impl From<ImportCode> for RowCode {
    fn from(code: ImportCode) -> RowCode {
        RowCode::Import(code)
    }
}

impl From<ValueError> for RowCode {
    fn from(code: ValueError) -> RowCode {
        RowCode::Value(code)
    }
}

impl From<IssueCode> for RowCode {
    fn from(code: IssueCode) -> RowCode {
        RowCode::Rule(code)
    }
}

/// One broken rule at one cell of the file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowIssue {
    /// The row as the spreadsheet numbers it: the header is row 1. `None`
    /// for the file as a whole.
    pub row: Option<u32>,
    /// The column's header as the file has it. `None` for a whole row or file.
    pub column: Option<String>,
    pub code: RowCode,
}

impl RowIssue {
    pub fn at(row: u32, column: &str, code: impl Into<RowCode>) -> RowIssue {
        RowIssue {
            row: Some(row),
            column: Some(column.to_owned()),
            code: code.into(),
        }
    }

    pub fn file(code: ImportCode) -> RowIssue {
        RowIssue {
            row: None,
            column: None,
            code: code.into(),
        }
    }
}

/// One error of a refused import, as the client reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The spreadsheet's row number (the header is row 1); absent for the file as a whole.
    pub row: Option<u32>,
    /// The column's header as the file has it, like 公民身份号码.
    pub column: Option<String>,
    /// Stable, for the app to translate.
    pub code: String,
    pub message: String,
}

/// The 422 answer of an import: the usual `ErrorBody` (`code`, `message`,
/// `fields`), and, when the file itself had errors, every error by row and
/// column. Nothing of the file was stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RosterRejected {
    /// `invalid_roster` for a file with errors; else `ErrorBody`'s code (a
    /// malformed query, say).
    pub code: String,
    pub message: String,
    /// The errors as field errors, with paths like `rows[3].公民身份号码`.
    pub fields: Vec<FieldErrorBody>,
    /// The errors by row and column, in the file's order; only for a file
    /// with errors.
    #[schema(required = false)]
    pub errors: Vec<RowError>,
}

impl RosterRejected {
    pub fn new(issues: &[RowIssue], lang: Lang) -> RosterRejected {
        let mut issues = issues.to_vec();
        issues.sort();
        issues.dedup();
        let message = match lang {
            Lang::Zh => format!(
                "文件中有 {} 处错误，未导入任何内容；请按提示修改后重新导入",
                issues.len()
            ),
            Lang::En => format!(
                "The file has {} errors; nothing was imported. Correct them and import again",
                issues.len()
            ),
        };
        let errors: Vec<RowError> = issues
            .iter()
            .map(|issue| RowError {
                row: issue.row,
                column: issue.column.clone(),
                code: issue.code.code().to_owned(),
                message: issue.code.message(lang).to_owned(),
            })
            .collect();
        let fields = errors
            .iter()
            .map(|error| FieldErrorBody {
                path: match (error.row, &error.column) {
                    (Some(row), Some(column)) => format!("rows[{row}].{column}"),
                    (Some(row), None) => format!("rows[{row}]"),
                    (None, _) => "file".to_owned(),
                },
                code: error.code.clone(),
                message: error.message.clone(),
            })
            .collect();
        RosterRejected {
            code: "invalid_roster".to_owned(),
            message,
            fields,
            errors,
        }
    }
}
