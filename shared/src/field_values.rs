//! What a written value reads as, before a language or a spreadsheet cell is
//! chosen: one match over every field, for the export's cells and the
//! app's text alike.

use time::Date;

use crate::codes::Code;
use crate::record::{FieldWrite, HouseholdWrite};

/// One field's value as people read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    /// Never set, or cleared.
    Unset,
    Text(String),
    /// An entry of a closed list, in both languages.
    Label {
        zh: &'static str,
        en: &'static str,
    },
    Date(Date),
    Months(u8),
    Yuan(u32),
    YesNo(bool),
}

impl Shown {
    fn label<C: Code>(value: Option<C>) -> Shown {
        value.map_or(Shown::Unset, |v| Shown::Label {
            zh: v.zh(),
            en: v.en(),
        })
    }

    fn text(value: Option<String>) -> Shown {
        match value {
            Some(text) if !text.is_empty() => Shown::Text(text),
            _ => Shown::Unset,
        }
    }

    fn from<T>(value: Option<T>, shown: impl FnOnce(T) -> Shown) -> Shown {
        value.map_or(Shown::Unset, shown)
    }
}

impl FieldWrite {
    /// The value this write sets, as people read it.
    pub fn shown(&self) -> Shown {
        match self.clone() {
            FieldWrite::Name(v) | FieldWrite::Employer(v) | FieldWrite::IntendedWork(v) => {
                Shown::text(v)
            }
            FieldWrite::Sex(v) => Shown::label(v),
            FieldWrite::BirthDate(v) => Shown::from(v, Shown::Date),
            FieldWrite::ResidentId(v) => Shown::text(v.map(|id| id.as_str().to_owned())),
            FieldWrite::Relation(v) => Shown::label(v),
            FieldWrite::Education(v) => Shown::label(v),
            FieldWrite::Capacity(v) => Shown::label(v),
            FieldWrite::Employment(v) => Shown::label(v),
            FieldWrite::Channel(v) => Shown::label(v),
            FieldWrite::WorkPlace(v) | FieldWrite::IntendedPlace(v) => Shown::label(v),
            FieldWrite::MonthsWorked(v) => Shown::from(v, Shown::Months),
            FieldWrite::MonthlyIncome(v) => Shown::from(v, Shown::Yuan),
            FieldWrite::Training(v) => Shown::label(v),
            FieldWrite::Certified(v) | FieldWrite::WillingToTrain(v) => {
                Shown::from(v, Shown::YesNo)
            }
            FieldWrite::Phone(v) => Shown::text(v.map(|p| p.as_str().to_owned())),
        }
    }
}

impl HouseholdWrite {
    /// The value this write sets, as people read it.
    pub fn shown(&self) -> Shown {
        match self.clone() {
            HouseholdWrite::Phone(v) => Shown::text(v.map(|p| p.as_str().to_owned())),
            HouseholdWrite::Address(v) => Shown::text(v),
            HouseholdWrite::Monitored(v) => Shown::from(v, Shown::YesNo),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::EmploymentStatus;

    #[test]
    fn a_cleared_field_and_an_empty_text_read_as_unset() {
        assert_eq!(FieldWrite::Employment(None).shown(), Shown::Unset);
        assert_eq!(FieldWrite::Name(Some(String::new())).shown(), Shown::Unset);
        assert_eq!(HouseholdWrite::Monitored(None).shown(), Shown::Unset);
    }

    #[test]
    fn closed_lists_read_in_both_languages_and_numbers_keep_their_unit() {
        let employed = FieldWrite::Employment(Some(EmploymentStatus::Employed)).shown();
        assert_eq!(
            employed,
            Shown::Label {
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
