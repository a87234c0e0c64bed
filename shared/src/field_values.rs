//! What a written value reads as, before a language or a spreadsheet cell is
//! chosen, for the export's cells and the app's text alike. Each field's
//! kind (`kind.rs`) says how its value reads.

use time::Date;

/// One field's value as people read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    /// Never set, or cleared.
    Unset,
    Text(String),
    /// An entry of a closed list, in both languages.
    Label {
        code: &'static str,
        zh: &'static str,
        en: &'static str,
    },
    /// An entry of an added field's list, in both languages.
    Choice {
        code: String,
        zh: String,
        en: String,
    },
    /// An added field's number, with its unit (which may be empty).
    Number {
        value: i64,
        unit: String,
    },
    Date(Date),
    Months(u8),
    Yuan(u32),
    YesNo(bool),
}

impl Shown {
    /// The value as a form's control holds it: text, a closed list's code,
    /// 是 or 否, a number, a date as `YYYY-MM-DD`; `None` when unset.
    pub fn entered(&self) -> Option<String> {
        Some(match self {
            Shown::Unset => return None,
            Shown::Text(text) => text.clone(),
            Shown::Label { code, .. } => (*code).to_owned(),
            Shown::Choice { code, .. } => code.clone(),
            Shown::Number { value, .. } => value.to_string(),
            Shown::Date(date) => crate::day::format(*date),
            Shown::Months(n) => n.to_string(),
            Shown::Yuan(n) => n.to_string(),
            Shown::YesNo(flag) => if *flag { "是" } else { "否" }.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{Code, EmploymentStatus};
    use crate::record::{FieldWrite, HouseholdWrite};

    #[test]
    fn a_cleared_field_and_an_empty_text_read_as_unset() {
        assert_eq!(FieldWrite::Employment(None).shown(), Shown::Unset);
        assert_eq!(FieldWrite::Name(Some(String::new())).shown(), Shown::Unset);
        assert_eq!(HouseholdWrite::Monitored(None).shown(), Shown::Unset);
    }

    #[test]
    fn what_a_control_holds_reads_back_as_the_same_write() {
        let writes = [
            FieldWrite::Employment(Some(EmploymentStatus::Employed)),
            FieldWrite::MonthsWorked(Some(7)),
            FieldWrite::MonthlyIncome(Some(3200)),
            FieldWrite::Certified(Some(false)),
            FieldWrite::BirthDate(Some(time::macros::date!(1990 - 01 - 31))),
            FieldWrite::Employer(Some("帮扶车间".into())),
        ];
        for write in writes {
            let entered = write.shown().entered();
            let input = entered.as_deref().map(crate::kind::Input::Text);
            assert_eq!(write.key().read(input), Ok(write.clone()));
        }
    }

    #[test]
    fn closed_lists_read_in_both_languages_and_numbers_keep_their_unit() {
        let employed = FieldWrite::Employment(Some(EmploymentStatus::Employed)).shown();
        assert_eq!(
            employed,
            Shown::Label {
                code: "employed",
                zh: EmploymentStatus::Employed.zh(),
                en: EmploymentStatus::Employed.en(),
            }
        );
        assert_eq!(
            FieldWrite::MonthlyIncome(Some(4500)).shown(),
            Shown::Yuan(4500)
        );
        assert_eq!(FieldWrite::MonthsWorked(Some(3)).shown(), Shown::Months(3));
        assert_eq!(
            FieldWrite::WillingToTrain(Some(true)).shown(),
            Shown::YesNo(true)
        );
    }
}
