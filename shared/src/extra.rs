//! Fields a county adds (自定义字段): an administrator defines them in a
//! spreadsheet, and they are asked from the round the administrator names.
//! Their values ride beside the built-in fields in each record (`extra`),
//! and the merge settles them field by field like the built-in ones.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use crate::field_values::Shown;
use crate::kind::{Input, Kind, ValueError, input_text, read_date, read_integer, read_yes_no};
use crate::record::{FieldKey, HouseholdKey, HouseholdRecord, LabourRecord, Record};
use crate::round::Round;

/// The longest key of an added field.
pub const MAX_KEY_LEN: usize = 24;

/// An added field's key, like `pension`: a lowercase letter, then up to 23
/// lowercase letters, digits or `_`. Kept inline, so that it is `Copy`
/// like the built-in fields' keys.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExtraKey {
    len: u8,
    bytes: [u8; MAX_KEY_LEN],
}

/// Why a text is not an added field's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtraKeyError {
    /// Not a lowercase letter followed by letters, digits or `_`, or too long.
    Format,
    /// The name of a built-in field.
    BuiltIn,
}

impl ExtraKey {
    pub fn parse(raw: &str) -> Result<ExtraKey, ExtraKeyError> {
        let bytes = raw.as_bytes();
        let well_formed = (1..=MAX_KEY_LEN).contains(&bytes.len())
            && bytes[0].is_ascii_lowercase()
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_');
        if !well_formed {
            return Err(ExtraKeyError::Format);
        }
        if FieldKey::named(raw).is_some() || HouseholdKey::named(raw).is_some() {
            return Err(ExtraKeyError::BuiltIn);
        }
        let mut key = ExtraKey {
            len: bytes.len() as u8,
            bytes: [0; MAX_KEY_LEN],
        };
        key.bytes[..bytes.len()].copy_from_slice(bytes);
        Ok(key)
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

/// How an added field is named among the built-in ones (in a conflict, an
/// issue's path): `extra.pension`.
pub const EXTRA_PREFIX: &str = "extra.";

impl ExtraKey {
    /// The field's name among the built-in ones: `extra.pension`.
    pub fn field_name(&self) -> String {
        format!("{EXTRA_PREFIX}{}", self.as_str())
    }

    /// The added field `name` names, if it names one.
    pub fn from_field_name(name: &str) -> Option<ExtraKey> {
        name.strip_prefix(EXTRA_PREFIX)
            .and_then(|key| ExtraKey::parse(key).ok())
    }
}

impl fmt::Display for ExtraKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ExtraKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExtraKey({})", self.as_str())
    }
}

impl Serialize for ExtraKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ExtraKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ExtraKey, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = ExtraKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an added field's key")
            }
            fn visit_str<E: de::Error>(self, raw: &str) -> Result<ExtraKey, E> {
                ExtraKey::parse(raw).map_err(|_| E::custom("not an added field's key"))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ExtraKey {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[a-z][a-z0-9_]{0,23}$"))
            .examples(["pension"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ExtraKey {}

/// An added field's value as it crosses the wire and is stored: JSON's
/// `true` or `false` (yes or no), a whole number, or text (a choice's code,
/// a date as `YYYY-MM-DD`, or text). Its field's kind says which.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExtraValue {
    Bool(bool),
    Int(i64),
    Text(String),
}

impl Serialize for ExtraValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ExtraValue::Bool(b) => s.serialize_bool(*b),
            ExtraValue::Int(n) => s.serialize_i64(*n),
            ExtraValue::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for ExtraValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ExtraValue, D::Error> {
        struct ValueVisitor;
        impl Visitor<'_> for ValueVisitor {
            type Value = ExtraValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("true, false, a whole number or text")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<ExtraValue, E> {
                Ok(ExtraValue::Bool(b))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<ExtraValue, E> {
                Ok(ExtraValue::Int(n))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<ExtraValue, E> {
                i64::try_from(n)
                    .map(ExtraValue::Int)
                    .map_err(|_| E::custom("the number is too large"))
            }
            fn visit_str<E: de::Error>(self, t: &str) -> Result<ExtraValue, E> {
                Ok(ExtraValue::Text(t.to_owned()))
            }
        }
        d.deserialize_any(ValueVisitor)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ExtraValue {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{SchemaType, Type};
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([
                Type::Boolean,
                Type::Integer,
                Type::String,
            ]))
            .description(Some(
                "Yes or no as a boolean, a number as an integer, a choice's code, a date (YYYY-MM-DD) or text as a string",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ExtraValue {}

/// One write of one added field; `None` clears it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtraWrite {
    pub key: ExtraKey,
    pub value: Option<ExtraValue>,
}

/// A record's values of added fields, a JSON object by key on the wire.
/// Kept as a list sorted by key rather than a map: a record holds a handful,
/// and a map's code would weigh on the phone's download.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extras(Vec<(ExtraKey, ExtraValue)>); // Invariant: sorted by key, each key once.

impl Extras {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, key: ExtraKey) -> Option<&ExtraValue> {
        let found = self.0.binary_search_by_key(&key, |(k, _)| *k);
        found.ok().map(|i| &self.0[i].1)
    }

    /// Every value, by key.
    pub fn iter(&self) -> impl Iterator<Item = (ExtraKey, &ExtraValue)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    /// The writes that turn `self` into `other`: one per differing field.
    pub fn diff(&self, other: &Extras) -> Vec<ExtraWrite> {
        let mut keys: Vec<ExtraKey> = self.0.iter().chain(&other.0).map(|(k, _)| *k).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter()
            .filter(|&k| self.get(k) != other.get(k))
            .map(|key| ExtraWrite {
                key,
                value: other.get(key).cloned(),
            })
            .collect()
    }
}

impl FromIterator<(ExtraKey, ExtraValue)> for Extras {
    fn from_iter<I: IntoIterator<Item = (ExtraKey, ExtraValue)>>(iter: I) -> Extras {
        let mut res = Extras::default();
        for (key, value) in iter {
            res.apply_write(&ExtraWrite {
                key,
                value: Some(value),
            });
        }
        res
    }
}

impl Serialize for Extras {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de> Deserialize<'de> for Extras {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Extras, D::Error> {
        struct ExtrasVisitor;
        impl<'de> Visitor<'de> for ExtrasVisitor {
            type Value = Extras;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("added fields' values by key")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Extras, A::Error> {
                let mut res = Extras::default();
                while let Some((key, value)) = map.next_entry::<ExtraKey, ExtraValue>()? {
                    res.apply_write(&ExtraWrite {
                        key,
                        value: Some(value),
                    });
                }
                Ok(res)
            }
        }
        d.deserialize_map(ExtrasVisitor)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Extras {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .additional_properties(Some(<ExtraValue as utoipa::PartialSchema>::schema()))
            .description(Some("The added fields' values, by key"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Extras {}

impl Record for Extras {
    type Write = ExtraWrite;
    type Key = ExtraKey;
    fn key_of(write: &ExtraWrite) -> ExtraKey {
        write.key
    }
    fn apply_write(&mut self, write: &ExtraWrite) {
        match (
            self.0.binary_search_by_key(&write.key, |(k, _)| *k),
            &write.value,
        ) {
            (Ok(i), Some(value)) => self.0[i].1 = value.clone(),
            (Ok(i), None) => {
                self.0.remove(i);
            }
            (Err(i), Some(value)) => self.0.insert(i, (write.key, value.clone())),
            (Err(_), None) => {}
        }
    }
}

/// Which record an added field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// 成员: each person's record.
    Member,
    /// 户: the household's own record.
    Household,
}

/// One entry of an added field's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtraChoice {
    /// Stored and exported as the value.
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// What kind of value an added field holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExtraKind {
    YesNo,
    /// One of a list.
    Choice(Vec<ExtraChoice>),
    /// A whole number between `min` and `max`, in `unit` (like 元).
    Number {
        min: i64,
        max: i64,
        unit: String,
    },
    /// Text of at most `max` characters.
    Text {
        max: u16,
    },
    Date,
}

/// How a clause compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// One of the values.
    Eq,
    /// None of the values.
    Ne,
    Ge,
    Gt,
    Le,
    Lt,
}

/// The pseudo-field a clause may test besides the built-in fields.
pub const AGE: &str = "age";

/// One test of a built-in field (or the age): `field op values`, the
/// values as a form's control holds them (a choice's code, 是 or 否, a
/// number, a date).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clause {
    /// A built-in field's name, or `age`.
    pub field: String,
    pub op: Op,
    pub values: Vec<String>,
}

/// When an added field applies: every clause holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    pub clauses: Vec<Clause>,
    /// As the administrator wrote it, to show back.
    pub text: String,
}

/// An added field, as one version of the definitions declares it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtraField {
    pub key: ExtraKey,
    pub target: Target,
    /// The caption and the column header.
    pub zh: String,
    pub en: String,
    pub kind: ExtraKind,
    /// Must be answered wherever it applies.
    pub required: bool,
    /// Asked only where this holds; always without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies: Option<Condition>,
}

/// One version of the added fields: what every form and export of the
/// rounds from `from` asks, until a later version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldSet {
    /// Counts up from 1 with each upload.
    pub version: u32,
    pub from: Round,
    pub fields: Vec<ExtraField>,
}

impl FieldSet {
    /// The fields of `target`, in the order defined.
    pub fn of(&self, target: Target) -> impl Iterator<Item = &ExtraField> {
        self.fields.iter().filter(move |f| f.target == target)
    }

    pub fn field(&self, target: Target, key: ExtraKey) -> Option<&ExtraField> {
        self.of(target).find(|f| f.key == key)
    }
}

/// Of the versions kept, the one in effect for `round`: the latest
/// uploaded whose first round is not after it.
pub fn in_effect(versions: &[FieldSet], round: Round) -> Option<&FieldSet> {
    versions
        .iter()
        .filter(|v| v.from <= round)
        .max_by_key(|v| v.version)
}

impl ExtraField {
    /// What a person wrote, as this field's value; nothing (or blank text)
    /// clears it. Ranges and lengths are rules (`check`), not reading.
    pub fn read(&self, input: Option<Input>) -> Result<Option<ExtraValue>, ValueError> {
        let Some(input) = input.filter(|i| !matches!(i, Input::Text(t) if t.trim().is_empty()))
        else {
            return Ok(None);
        };
        Ok(Some(match &self.kind {
            ExtraKind::YesNo => ExtraValue::Bool(read_yes_no(input)?),
            ExtraKind::Choice(choices) => {
                let text = input_text(input);
                let choice = choices
                    .iter()
                    .find(|c| c.code == text || c.zh == text || c.en.eq_ignore_ascii_case(&text))
                    .ok_or(ValueError::InvalidValue)?;
                ExtraValue::Text(choice.code.clone())
            }
            ExtraKind::Number { .. } => ExtraValue::Int(read_integer(input)?),
            ExtraKind::Text { .. } => ExtraValue::Text(input_text(input)),
            ExtraKind::Date => ExtraValue::Text(crate::day::format(read_date(input)?)),
        }))
    }

    /// What a person wrote, as a value this field allows: `read`, then
    /// `admits`.
    pub fn entry(&self, input: Option<Input>) -> Result<Option<ExtraValue>, ValueError> {
        match self.read(input)? {
            Some(value) if !self.admits(&value) => Err(ValueError::NotAllowed),
            value => Ok(value),
        }
    }

    /// Whether `value` is one this field holds: of its kind, within its
    /// range, list or length.
    pub fn admits(&self, value: &ExtraValue) -> bool {
        match (&self.kind, value) {
            (ExtraKind::YesNo, ExtraValue::Bool(_)) => true,
            (ExtraKind::Choice(choices), ExtraValue::Text(code)) => {
                choices.iter().any(|c| c.code == *code)
            }
            (ExtraKind::Number { min, max, .. }, ExtraValue::Int(n)) => (min..=max).contains(&n),
            (ExtraKind::Text { max }, ExtraValue::Text(text)) => {
                text.chars().count() <= usize::from(*max)
            }
            (ExtraKind::Date, ExtraValue::Text(text)) => crate::day::parse(text).is_some(),
            _ => false,
        }
    }

    /// How `value` reads, in the language `zh` or English.
    pub fn shown(&self, value: &ExtraValue) -> Shown {
        match (&self.kind, value) {
            (_, ExtraValue::Bool(b)) => Shown::YesNo(*b),
            (ExtraKind::Choice(choices), ExtraValue::Text(code)) => {
                match choices.iter().find(|c| c.code == *code) {
                    Some(choice) => Shown::Choice {
                        code: choice.code.clone(),
                        zh: choice.zh.clone(),
                        en: choice.en.clone(),
                    },
                    None => Shown::Text(code.clone()),
                }
            }
            (ExtraKind::Date, ExtraValue::Text(text)) => {
                crate::day::parse(text).map_or_else(|| Shown::Text(text.clone()), Shown::Date)
            }
            (ExtraKind::Number { unit, .. }, ExtraValue::Int(n)) => Shown::Number {
                value: *n,
                unit: unit.clone(),
            },
            (_, ExtraValue::Int(n)) => Shown::Number {
                value: *n,
                unit: String::new(),
            },
            (_, ExtraValue::Text(text)) => Shown::Text(text.clone()),
        }
    }

    /// Whether the survey asks this of a member as of `on`.
    pub fn asks_member(&self, record: &LabourRecord, on: Date) -> bool {
        self.applies.as_ref().is_none_or(|c| {
            c.clauses.iter().all(|clause| {
                let value = if clause.field == AGE {
                    record.age_on(on).map(|a| a.to_string())
                } else {
                    FieldKey::named(&clause.field).and_then(|k| record.get(k).shown().entered())
                };
                clause.holds(value.as_deref())
            })
        })
    }

    /// Whether the survey asks this of a household.
    pub fn asks_household(&self, record: &HouseholdRecord) -> bool {
        self.applies.as_ref().is_none_or(|c| {
            c.clauses.iter().all(|clause| {
                let value = HouseholdKey::named(&clause.field)
                    .and_then(|k| record.get(k).shown().entered());
                clause.holds(value.as_deref())
            })
        })
    }
}

/// Why a condition's text cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConditionError {
    /// A clause without one of `=`, `!=`, `>=`, `>`, `<=`, `<`.
    NoOperator(String),
    /// Not a built-in field of the record (or 年龄, for a member).
    UnknownField(String),
    /// A value that is not one of the field's.
    BadValue(String),
    /// `>`, `<` and their kin need a number field and one number.
    NotComparable(String),
}

/// The operators a clause may use, longest first so that `>=` is not read as `>`.
const OPERATORS: &[(&str, Op)] = &[
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("!=", Op::Ne),
    ("<>", Op::Ne),
    ("==", Op::Eq),
    ("≥", Op::Ge),
    ("≤", Op::Le),
    ("≠", Op::Ne),
    ("=", Op::Eq),
    (">", Op::Gt),
    ("<", Op::Lt),
];

/// The subject of a clause, as read.
enum Subject {
    Age,
    Member(FieldKey),
    Household(HouseholdKey),
}

impl Condition {
    /// Reads a condition as an administrator writes it: clauses joined by
    /// 且 (or `and`), each a built-in field's column header (or name), an
    /// operator and the values, several separated by 、 or `/` meaning any
    /// of them: `年龄 >= 16 且 就业状态 = 已就业`. An empty text is no condition.
    pub fn parse(text: &str, target: Target) -> Result<Option<Condition>, ConditionError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let clauses = text
            .split("并且")
            .flat_map(|part| part.split('且'))
            .flat_map(|part| part.split(" and "))
            .map(|clause| Clause::parse(clause.trim(), target))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Condition {
            clauses,
            text: text.to_owned(),
        }))
    }
}

impl Clause {
    fn parse(text: &str, target: Target) -> Result<Clause, ConditionError> {
        let (at, symbol, op) = (0..text.len())
            .filter(|i| text.is_char_boundary(*i))
            .find_map(|i| {
                OPERATORS
                    .iter()
                    .find(|(symbol, _)| text[i..].starts_with(symbol))
                    .map(|&(symbol, op)| (i, symbol, op))
            })
            .ok_or_else(|| ConditionError::NoOperator(text.to_owned()))?;
        let name = text[..at].trim();
        let unknown = || ConditionError::UnknownField(name.to_owned());
        let subject = match target {
            _ if name == "年龄" || name.eq_ignore_ascii_case(AGE) => {
                if target == Target::Household {
                    return Err(unknown());
                }
                Subject::Age
            }
            Target::Member => FieldKey::ALL
                .iter()
                .find(|k| k.zh() == name || k.name() == name || k.en().eq_ignore_ascii_case(name))
                .map(|&k| Subject::Member(k))
                .ok_or_else(unknown)?,
            Target::Household => HouseholdKey::ALL
                .iter()
                .find(|k| k.zh() == name || k.name() == name || k.en().eq_ignore_ascii_case(name))
                .map(|&k| Subject::Household(k))
                .ok_or_else(unknown)?,
        };
        let raw: Vec<&str> = text[at + symbol.len()..]
            .split(['、', '/', '|', '，', ','])
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        let bad = |v: &str| ConditionError::BadValue(v.to_owned());
        let values = raw
            .iter()
            .map(|&v| {
                let write = match subject {
                    Subject::Age => {
                        return v.parse::<u8>().map(|n| n.to_string()).map_err(|_| bad(v));
                    }
                    Subject::Member(key) => key.read(Some(Input::Text(v))).map(|w| w.shown()),
                    Subject::Household(key) => key.read(Some(Input::Text(v))).map(|w| w.shown()),
                };
                write
                    .ok()
                    .and_then(|shown| shown.entered())
                    .ok_or_else(|| bad(v))
            })
            .collect::<Result<Vec<String>, _>>()?;
        if values.is_empty() {
            return Err(bad(""));
        }
        let ordered = !matches!(op, Op::Eq | Op::Ne);
        let numeric = match subject {
            Subject::Age => true,
            Subject::Member(key) => matches!(key.kind(), Kind::Months | Kind::Yuan),
            Subject::Household(_) => false,
        };
        if ordered && (!numeric || values.len() != 1) {
            return Err(ConditionError::NotComparable(text.to_owned()));
        }
        let field = match subject {
            Subject::Age => AGE.to_owned(),
            Subject::Member(key) => key.name().to_owned(),
            Subject::Household(key) => key.name().to_owned(),
        };
        Ok(Clause { field, op, values })
    }

    /// Whether `value` (as a form's control holds it; `None` when unset)
    /// passes. An unset value passes only "none of".
    fn holds(&self, value: Option<&str>) -> bool {
        let Some(value) = value else {
            return self.op == Op::Ne;
        };
        let number = |v: &str| v.parse::<i64>().ok();
        let compare = |pass: fn(i64, i64) -> bool| match (number(value), self.values.first()) {
            (Some(v), Some(bound)) => number(bound).is_some_and(|b| pass(v, b)),
            _ => false,
        };
        match self.op {
            Op::Eq => self.values.iter().any(|v| v == value),
            Op::Ne => self.values.iter().all(|v| v != value),
            Op::Ge => compare(|v, b| v >= b),
            Op::Gt => compare(|v, b| v > b),
            Op::Le => compare(|v, b| v <= b),
            Op::Lt => compare(|v, b| v < b),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::codes::{EmploymentStatus, LabourCapacity};

    fn key(raw: &str) -> ExtraKey {
        ExtraKey::parse(raw).unwrap()
    }

    fn pension(applies: Option<Condition>) -> ExtraField {
        ExtraField {
            key: key("pension"),
            target: Target::Member,
            zh: "参加养老保险".into(),
            en: "Pension insurance".into(),
            kind: ExtraKind::YesNo,
            required: true,
            applies,
        }
    }

    #[test]
    fn a_key_is_short_lowercase_and_not_a_built_in_field() {
        assert_eq!(key("pension_2027").as_str(), "pension_2027");
        assert_eq!(ExtraKey::parse("Pension"), Err(ExtraKeyError::Format));
        assert_eq!(ExtraKey::parse("2pension"), Err(ExtraKeyError::Format));
        assert_eq!(ExtraKey::parse(""), Err(ExtraKeyError::Format));
        assert_eq!(
            ExtraKey::parse(&"a".repeat(MAX_KEY_LEN + 1)),
            Err(ExtraKeyError::Format)
        );
        assert_eq!(ExtraKey::parse("employment"), Err(ExtraKeyError::BuiltIn));
        assert_eq!(ExtraKey::parse("address"), Err(ExtraKeyError::BuiltIn));
        let json = serde_json::to_string(&key("pension")).unwrap();
        assert_eq!(json, "\"pension\"");
        assert!(serde_json::from_str::<ExtraKey>("\"Bad Key\"").is_err());
    }

    #[test]
    fn values_cross_the_wire_as_plain_json() {
        let write = ExtraWrite {
            key: key("pension"),
            value: Some(ExtraValue::Bool(true)),
        };
        let json = serde_json::to_string(&write).unwrap();
        assert_eq!(json, r#"{"key":"pension","value":true}"#);
        assert_eq!(serde_json::from_str::<ExtraWrite>(&json).unwrap(), write);
        for (json, value) in [
            ("12", ExtraValue::Int(12)),
            ("-3", ExtraValue::Int(-3)),
            ("\"2027-01-05\"", ExtraValue::Text("2027-01-05".into())),
        ] {
            assert_eq!(serde_json::from_str::<ExtraValue>(json).unwrap(), value);
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
        }
        assert!(serde_json::from_str::<ExtraValue>("1.5").is_err());
        assert!(serde_json::from_str::<ExtraValue>("[1]").is_err());
    }

    #[test]
    fn each_kind_reads_what_people_write_and_admits_only_its_values() {
        let yes_no = pension(None);
        assert_eq!(
            yes_no.read(Some(Input::Text("是"))),
            Ok(Some(ExtraValue::Bool(true)))
        );
        assert_eq!(yes_no.read(Some(Input::Text(" "))), Ok(None));
        assert_eq!(
            yes_no.read(Some(Input::Text("也许"))),
            Err(ValueError::InvalidYesNo)
        );
        let choice = ExtraField {
            kind: ExtraKind::Choice(vec![ExtraChoice {
                code: "resident".into(),
                zh: "城乡居民养老保险".into(),
                en: "Resident pension".into(),
            }]),
            ..pension(None)
        };
        let resident = ExtraValue::Text("resident".into());
        assert_eq!(
            choice.read(Some(Input::Text("城乡居民养老保险"))),
            Ok(Some(resident.clone()))
        );
        assert_eq!(
            choice.read(Some(Input::Text("职工"))),
            Err(ValueError::InvalidValue)
        );
        assert!(choice.admits(&resident));
        assert!(!choice.admits(&ExtraValue::Text("worker".into())));
        assert!(!choice.admits(&ExtraValue::Bool(true)));
        let number = ExtraField {
            kind: ExtraKind::Number {
                min: 0,
                max: 50_000,
                unit: "元".into(),
            },
            ..pension(None)
        };
        assert_eq!(
            number.read(Some(Input::Text("3,000"))),
            Ok(Some(ExtraValue::Int(3000)))
        );
        assert!(number.admits(&ExtraValue::Int(50_000)));
        assert!(!number.admits(&ExtraValue::Int(50_001)));
        let date = ExtraField {
            kind: ExtraKind::Date,
            ..pension(None)
        };
        assert_eq!(
            date.read(Some(Input::Text("2027年1月5日"))),
            Ok(Some(ExtraValue::Text("2027-01-05".into())))
        );
        assert!(!date.admits(&ExtraValue::Text("2027-02-30".into())));
        let text = ExtraField {
            kind: ExtraKind::Text { max: 4 },
            ..pension(None)
        };
        assert!(text.admits(&ExtraValue::Text("四个汉字".into())));
        assert!(!text.admits(&ExtraValue::Text("五个汉字了".into())));
    }

    #[test]
    fn a_condition_asks_a_field_only_of_those_it_holds_for() {
        let labourers = Condition {
            clauses: vec![
                Clause {
                    field: AGE.into(),
                    op: Op::Ge,
                    values: vec!["16".into()],
                },
                Clause {
                    field: "capacity".into(),
                    op: Op::Eq,
                    values: vec!["skilled".into(), "ordinary".into(), "weak".into()],
                },
            ],
            text: "年龄 >= 16 且 劳动能力 = 技能劳动力、普通劳动力、弱劳动力或半劳动力".into(),
        };
        let field = pension(Some(labourers));
        let on = date!(2027 - 02 - 01);
        let adult = LabourRecord {
            birth_date: Some(date!(1980 - 05 - 01)),
            capacity: Some(LabourCapacity::Ordinary),
            employment: Some(EmploymentStatus::Employed),
            ..LabourRecord::default()
        };
        assert!(field.asks_member(&adult, on));
        let child = LabourRecord {
            birth_date: Some(date!(2015 - 05 - 01)),
            ..adult.clone()
        };
        assert!(!field.asks_member(&child, on));
        let unable = LabourRecord {
            capacity: Some(LabourCapacity::Lost),
            ..adult.clone()
        };
        assert!(!field.asks_member(&unable, on));
        let unknown_age = LabourRecord {
            birth_date: None,
            ..adult
        };
        assert!(
            !field.asks_member(&unknown_age, on),
            "an unknown age is not 16 or more"
        );
        assert!(pension(None).asks_member(&LabourRecord::default(), on));
    }

    #[test]
    fn a_condition_reads_as_administrators_write_it() {
        let condition = Condition::parse(
            "年龄 >= 16 且 劳动能力 = 技能劳动力、普通劳动力 并且 就业状态 != 在校学生",
            Target::Member,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            condition.clauses,
            [
                Clause {
                    field: AGE.into(),
                    op: Op::Ge,
                    values: vec!["16".into()]
                },
                Clause {
                    field: "capacity".into(),
                    op: Op::Eq,
                    values: vec!["skilled".into(), "ordinary".into()]
                },
                Clause {
                    field: "employment".into(),
                    op: Op::Ne,
                    values: vec!["student".into()]
                },
            ]
        );
        let monitored = Condition::parse("防返贫监测对象 = 是", Target::Household)
            .unwrap()
            .unwrap();
        assert_eq!(monitored.clauses[0].values, ["是"]);
        assert_eq!(Condition::parse("  ", Target::Member), Ok(None));
        assert_eq!(
            Condition::parse("就业状态 已就业", Target::Member),
            Err(ConditionError::NoOperator("就业状态 已就业".into()))
        );
        assert_eq!(
            Condition::parse("工龄 >= 3", Target::Member),
            Err(ConditionError::UnknownField("工龄".into()))
        );
        assert_eq!(
            Condition::parse("就业状态 = 在家", Target::Member),
            Err(ConditionError::BadValue("在家".into()))
        );
        assert_eq!(
            Condition::parse("就业状态 > 已就业", Target::Member),
            Err(ConditionError::NotComparable("就业状态 > 已就业".into()))
        );
        assert_eq!(
            Condition::parse("年龄 >= 16", Target::Household),
            Err(ConditionError::UnknownField("年龄".into()))
        );
        let income = Condition::parse("月收入（元） < 2000", Target::Member)
            .unwrap()
            .unwrap();
        assert_eq!(income.clauses[0].field, "monthly_income");
    }

    #[test]
    fn extras_diff_and_apply_like_a_record() {
        let before = Extras::from_iter([(key("pension"), ExtraValue::Bool(false))]);
        let after = Extras::from_iter([(key("subsidy"), ExtraValue::Int(800))]);
        let json = serde_json::to_string(&before).unwrap();
        assert_eq!(json, r#"{"pension":false}"#);
        assert_eq!(serde_json::from_str::<Extras>(&json).unwrap(), before);
        let writes = before.diff(&after);
        assert_eq!(writes.len(), 2);
        let mut res = before.clone();
        for write in &writes {
            res.apply_write(write);
        }
        assert_eq!(res, after);
    }

    #[test]
    fn the_version_in_effect_is_the_latest_uploaded_not_after_the_round() {
        let round = |raw: &str| Round::parse(raw).unwrap();
        let set = |version, from: &str| FieldSet {
            version,
            from: round(from),
            fields: Vec::new(),
        };
        let versions = [set(1, "2026Q4"), set(2, "2027Q1"), set(3, "2026Q4")];
        assert_eq!(in_effect(&versions, round("2026Q3")), None);
        assert_eq!(in_effect(&versions, round("2026Q4")).unwrap().version, 3);
        assert_eq!(in_effect(&versions, round("2027Q2")).unwrap().version, 3);
        assert_eq!(
            in_effect(&versions[..2], round("2027Q2")).unwrap().version,
            2
        );
        assert_eq!(
            in_effect(&versions[..2], round("2026Q4")).unwrap().version,
            1
        );
    }
}
