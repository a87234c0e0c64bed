//! A field's kind of value: how what a person writes (a spreadsheet cell,
//! a form's input) becomes the value, how the value reads (`Shown`), and
//! which control the form gives it. `record.rs` names each field's kind
//! beside its type, and the compiler checks that they go together.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::codes::Code;
use crate::field_values::Shown;
use crate::phone::Phone;
use crate::resident_id::{ResidentId, ResidentIdError};

/// One entry of a closed list, as the form and the template show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// What kind of value a built-in field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A line of text.
    Text,
    /// One of a closed list.
    Choice(&'static [Choice]),
    YesNo,
    Date,
    /// Whole months, 0 to 12.
    Months,
    /// Whole yuan.
    Yuan,
    ResidentId,
    Phone,
}

/// A value as a person wrote it, before it is read as a field's kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Input<'a> {
    Text(&'a str),
    Number(f64),
    Date(Date),
    Bool(bool),
}

macro_rules! value_errors {
    ($($variant:ident = $code:literal, $zh:literal, $en:literal;)+) => {
        /// Why what was written is not a value of the field's kind.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ValueError {
            $($variant,)+
        }

        impl ValueError {
            /// The stable code, as the API reports it.
            pub fn code(self) -> &'static str {
                match self { $(ValueError::$variant => $code,)+ }
            }

            pub fn zh(self) -> &'static str {
                match self { $(ValueError::$variant => $zh,)+ }
            }

            pub fn en(self) -> &'static str {
                match self { $(ValueError::$variant => $en,)+ }
            }
        }
    };
}

value_errors! {
    IdLength = "id_length", "身份证号码应为 18 位", "A resident ID number has 18 characters";
    IdDigit = "id_digit", "身份证号码前 17 位只能是数字，末位是数字或 X", "A resident ID number is 17 digits and a digit or X";
    IdRegion = "id_region", "身份证号码前两位不是有效的省份代码", "The resident ID number does not start with a province code";
    IdBirthDate = "id_birth_date", "身份证号码中的出生日期不存在", "The birth date in the resident ID number does not exist";
    IdCheck = "id_check", "身份证号码校验位不正确，请核对", "The resident ID number's check character is wrong; please check it";
    IdStoredAsNumber = "id_stored_as_number", "身份证号码被表格存成了数字，末几位已丢失；请把该列设为文本后重新录入", "The spreadsheet stored the ID number as a number and lost its last digits; make the column text and enter it again";
    InvalidPhone = "invalid_phone", "手机号码应为 11 位数字，以 13 至 19 开头", "A mobile number has 11 digits and starts with 13 to 19";
    InvalidDate = "invalid_date", "日期格式不正确，请写成 1985-03-12", "Write the date like 1985-03-12";
    InvalidNumber = "invalid_number", "请填写整数", "Enter a whole number";
    InvalidValue = "invalid_value", "不是可选的值，请填写导入说明中列出的值", "Not one of the allowed values; use a value listed in the import guide";
    InvalidYesNo = "invalid_yes_no", "请填写“是”或“否”", "Enter 是 (yes) or 否 (no)";
    NotAllowed = "value_not_allowed", "不是该项允许的值（超出范围或过长），请核对", "Not a value this field allows (out of range or too long); please check";
}

impl From<ResidentIdError> for ValueError {
    fn from(err: ResidentIdError) -> ValueError {
        match err {
            ResidentIdError::WrongLength(_) => ValueError::IdLength,
            ResidentIdError::NotADigit(_) => ValueError::IdDigit,
            ResidentIdError::UnknownRegion => ValueError::IdRegion,
            ResidentIdError::BadBirthDate => ValueError::IdBirthDate,
            ResidentIdError::CheckMismatch => ValueError::IdCheck,
        }
    }
}

/// A kind whose values are `T`: `record.rs` writes `months_worked: u8 as Months`.
pub trait KindOf<T> {
    const KIND: Kind;
    fn shown(value: &T) -> Shown;
    /// Reads what a person wrote; empty text is handled before this.
    fn read(input: Input) -> Result<T, ValueError>;
}

/// The markers `record.rs` names kinds by.
pub mod of {
    pub struct Text;
    pub struct Choice;
    pub struct YesNo;
    pub struct Date;
    pub struct Months;
    pub struct Yuan;
    pub struct ResidentId;
    pub struct Phone;
}

/// What a person wrote, as text: numbers without a trailing `.0` (a code or
/// a phone number typed as a number), dates in ISO 8601, yes as 是.
pub fn input_text(input: Input) -> String {
    match input {
        Input::Text(text) => text.trim().to_owned(),
        Input::Number(n) => number_text(n),
        Input::Date(date) => crate::day::format(date),
        Input::Bool(b) => if b { "是" } else { "否" }.to_owned(),
    }
}

/// A number as a spreadsheet shows it: whole numbers as integers, others to
/// at most six decimals. Written without `f64`'s formatter, which the phone
/// would otherwise download for a branch it never takes.
fn number_text(n: f64) -> String {
    const MICRO: i64 = 1_000_000;
    if n.fract() == 0.0 && n.abs() < 9e18 {
        return (n as i64).to_string();
    }
    let micro = (n.abs() * 1e6).round() as i64;
    let sign = if n < 0.0 { "-" } else { "" };
    let mut text = format!("{sign}{}.{:06}", micro / MICRO, micro % MICRO);
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    text
}

impl KindOf<String> for of::Text {
    const KIND: Kind = Kind::Text;
    fn shown(value: &String) -> Shown {
        if value.is_empty() {
            Shown::Unset
        } else {
            Shown::Text(value.clone())
        }
    }
    fn read(input: Input) -> Result<String, ValueError> {
        Ok(input_text(input))
    }
}

impl<C: Code> KindOf<C> for of::Choice {
    const KIND: Kind = Kind::Choice(C::CHOICES);
    fn shown(value: &C) -> Shown {
        Shown::Label {
            code: value.code(),
            zh: value.zh(),
            en: value.en(),
        }
    }
    /// By its Chinese label or its code.
    fn read(input: Input) -> Result<C, ValueError> {
        let text = input_text(input);
        C::ALL
            .iter()
            .copied()
            .find(|v| v.zh() == text || v.code().eq_ignore_ascii_case(&text))
            .ok_or(ValueError::InvalidValue)
    }
}

impl KindOf<bool> for of::YesNo {
    const KIND: Kind = Kind::YesNo;
    fn shown(value: &bool) -> Shown {
        Shown::YesNo(*value)
    }
    fn read(input: Input) -> Result<bool, ValueError> {
        read_yes_no(input)
    }
}

/// 是 or 否, yes or no, true or false, 1 or 0.
pub fn read_yes_no(input: Input) -> Result<bool, ValueError> {
    if let Input::Bool(b) = input {
        return Ok(b);
    }
    match input_text(input).to_ascii_lowercase().as_str() {
        "是" | "yes" | "true" | "y" | "1" => Ok(true),
        "否" | "no" | "false" | "n" | "0" => Ok(false),
        _ => Err(ValueError::InvalidYesNo),
    }
}

impl KindOf<Date> for of::Date {
    const KIND: Kind = Kind::Date;
    fn shown(value: &Date) -> Shown {
        Shown::Date(*value)
    }
    fn read(input: Input) -> Result<Date, ValueError> {
        read_date(input)
    }
}

/// `1985-03-12`, `1985/3/12`, `1985.3.12`, `1985年3月12日` or `19850312`,
/// between 1900 and 2100.
pub fn read_date(input: Input) -> Result<Date, ValueError> {
    let text = match input {
        Input::Date(date) => return Ok(date),
        Input::Bool(_) => return Err(ValueError::InvalidDate),
        Input::Number(n) if n.fract() != 0.0 => return Err(ValueError::InvalidDate),
        other => input_text(other),
    };
    // An ISO date and time, as some spreadsheets write a date cell.
    let text = text.split(['T', ' ']).next().unwrap_or_default();
    let parts: Vec<&str> = if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        vec![&text[..4], &text[4..6], &text[6..]]
    } else {
        text.split(['-', '/', '.', '年', '月', '日'])
            .filter(|p| !p.is_empty())
            .collect()
    };
    let [year, month, day] = parts[..] else {
        return Err(ValueError::InvalidDate);
    };
    let bad = |_| ValueError::InvalidDate;
    let year: i32 = year.parse().map_err(bad)?;
    let month: u8 = month.parse().map_err(bad)?;
    let day: u8 = day.parse().map_err(bad)?;
    if !(1900..=2100).contains(&year) {
        return Err(ValueError::InvalidDate);
    }
    let month = Month::try_from(month).map_err(|_| ValueError::InvalidDate)?;
    Date::from_calendar_date(year, month, day).map_err(|_| ValueError::InvalidDate)
}

/// A whole number, thousands separators allowed.
pub fn read_integer(input: Input) -> Result<i64, ValueError> {
    match input {
        Input::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Ok(n as i64),
        Input::Text(text) => text
            .trim()
            .replace([',', '，'], "")
            .parse()
            .map_err(|_| ValueError::InvalidNumber),
        _ => Err(ValueError::InvalidNumber),
    }
}

fn read_whole<T: TryFrom<i64>>(input: Input) -> Result<T, ValueError> {
    T::try_from(read_integer(input)?).map_err(|_| ValueError::InvalidNumber)
}

impl KindOf<u8> for of::Months {
    const KIND: Kind = Kind::Months;
    fn shown(value: &u8) -> Shown {
        Shown::Months(*value)
    }
    fn read(input: Input) -> Result<u8, ValueError> {
        read_whole(input)
    }
}

impl KindOf<u32> for of::Yuan {
    const KIND: Kind = Kind::Yuan;
    fn shown(value: &u32) -> Shown {
        Shown::Yuan(*value)
    }
    fn read(input: Input) -> Result<u32, ValueError> {
        read_whole(input)
    }
}

impl KindOf<ResidentId> for of::ResidentId {
    const KIND: Kind = Kind::ResidentId;
    fn shown(value: &ResidentId) -> Shown {
        Shown::Text(value.as_str().to_owned())
    }
    fn read(input: Input) -> Result<ResidentId, ValueError> {
        // Excel keeps 15 significant digits: an 18-digit number typed into
        // a number cell has lost its last ones.
        if matches!(input, Input::Number(n) if n >= 1e15) {
            return Err(ValueError::IdStoredAsNumber);
        }
        Ok(ResidentId::parse(&input_text(input).to_ascii_uppercase())?)
    }
}

impl KindOf<Phone> for of::Phone {
    const KIND: Kind = Kind::Phone;
    fn shown(value: &Phone) -> Shown {
        Shown::Text(value.as_str().to_owned())
    }
    fn read(input: Input) -> Result<Phone, ValueError> {
        Phone::parse(&input_text(input)).map_err(|_| ValueError::InvalidPhone)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::codes::EmploymentStatus;

    #[test]
    fn numbers_read_as_text_as_a_spreadsheet_shows_them() {
        assert_eq!(input_text(Input::Number(13800001111.0)), "13800001111");
        assert_eq!(input_text(Input::Number(2.5)), "2.5");
        assert_eq!(input_text(Input::Number(-0.125)), "-0.125");
        assert_eq!(input_text(Input::Number(1.0000001)), "1");
    }

    #[test]
    fn dates_read_as_people_write_them() {
        for raw in [
            "1985-03-12",
            "1985/3/12",
            "1985.3.12",
            "1985年3月12日",
            "19850312",
        ] {
            assert_eq!(
                read_date(Input::Text(raw)),
                Ok(date!(1985 - 03 - 12)),
                "{raw}"
            );
        }
        assert_eq!(
            read_date(Input::Number(19850312.0)),
            Ok(date!(1985 - 03 - 12))
        );
        assert_eq!(
            read_date(Input::Text("1985-02-30")),
            Err(ValueError::InvalidDate)
        );
        assert_eq!(
            read_date(Input::Text("1850-01-01")),
            Err(ValueError::InvalidDate)
        );
    }

    #[test]
    fn a_choice_reads_by_label_or_code_and_numbers_keep_their_range() {
        type Status = of::Choice;
        assert_eq!(
            <Status as KindOf<EmploymentStatus>>::read(Input::Text("已就业")),
            Ok(EmploymentStatus::Employed)
        );
        assert_eq!(
            <Status as KindOf<EmploymentStatus>>::read(Input::Text("Employed")),
            Ok(EmploymentStatus::Employed)
        );
        assert_eq!(
            <Status as KindOf<EmploymentStatus>>::read(Input::Text("在家")),
            Err(ValueError::InvalidValue)
        );
        assert_eq!(of::Months::read(Input::Text("10")), Ok(10));
        assert_eq!(
            of::Months::read(Input::Text("300")),
            Err(ValueError::InvalidNumber)
        );
        assert_eq!(of::Yuan::read(Input::Text("2,400")), Ok(2400));
        assert_eq!(
            of::Yuan::read(Input::Number(2400.5)),
            Err(ValueError::InvalidNumber)
        );
        assert_eq!(
            of::ResidentId::read(Input::Number(1.1e17)),
            Err(ValueError::IdStoredAsNumber)
        );
        assert_eq!(read_yes_no(Input::Text("否")), Ok(false));
        assert_eq!(
            read_yes_no(Input::Text("也许")),
            Err(ValueError::InvalidYesNo)
        );
    }
}
