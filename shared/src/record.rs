//! 劳动力信息: a person's labour record and the writes that change it.
//!
//! Every field of the record is defined once, in the `labour_fields!` table
//! below: the record's field, its `FieldWrite` variant (what a submission
//! carries) and its `FieldKey` (what the merge and provenance are keyed by).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::codes::{
    Channel, Education, EmploymentStatus, LabourCapacity, Relation, Sex, Training, WorkPlace,
};
use crate::phone::Phone;
use crate::resident_id::ResidentId;

macro_rules! labour_fields {
    ($($field:ident: $ty:ty => $variant:ident;)+) => {
        /// A person's labour record for a round. Every field may be unknown.
        #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        pub struct LabourRecord {
            $(#[serde(default, skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>,)+
        }

        /// One write of one field: the unit a submission carries and the merge joins.
        /// `None` clears the field.
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(tag = "field", content = "value", rename_all = "snake_case")]
        pub enum FieldWrite {
            $($variant(Option<$ty>),)+
        }

        /// The name of a record field.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum FieldKey {
            $($variant,)+
        }

        impl FieldWrite {
            /// Which field this writes.
            pub fn key(&self) -> FieldKey {
                match self { $(FieldWrite::$variant(_) => FieldKey::$variant,)+ }
            }
        }

        impl FieldKey {
            /// Every field, in the order of the record.
            pub const ALL: &'static [FieldKey] = &[$(FieldKey::$variant),+];

            /// The field's name in paths and exports (`employment`, `months_worked`).
            pub fn name(self) -> &'static str {
                match self { $(FieldKey::$variant => stringify!($field),)+ }
            }
        }

        impl LabourRecord {
            /// Applies one write.
            pub fn apply(&mut self, write: &FieldWrite) {
                match write { $(FieldWrite::$variant(v) => self.$field = v.clone(),)+ }
            }

            /// The record's current value of `key`, as a write.
            pub fn get(&self, key: FieldKey) -> FieldWrite {
                match key { $(FieldKey::$variant => FieldWrite::$variant(self.$field.clone()),)+ }
            }

            /// The writes that turn `self` into `other`: one per differing field.
            pub fn diff(&self, other: &LabourRecord) -> Vec<FieldWrite> {
                let mut res = Vec::new();
                $(if self.$field != other.$field {
                    res.push(FieldWrite::$variant(other.$field.clone()));
                })+
                res
            }
        }
    };
}

labour_fields! {
    name: String => Name;
    sex: Sex => Sex;
    birth_date: Date => BirthDate;
    resident_id: ResidentId => ResidentId;
    relation: Relation => Relation;
    education: Education => Education;
    capacity: LabourCapacity => Capacity;
    employment: EmploymentStatus => Employment;
    channel: Channel => Channel;
    work_place: WorkPlace => WorkPlace;
    employer: String => Employer;
    months_worked: u8 => MonthsWorked;
    monthly_income: u32 => MonthlyIncome;
    training: Training => Training;
    certified: bool => Certified;
    willing_to_train: bool => WillingToTrain;
    intended_work: String => IntendedWork;
    intended_place: WorkPlace => IntendedPlace;
    phone: Phone => Phone;
}

impl LabourRecord {
    /// Whether this person counts as labour: able to work (any capacity but
    /// lost or none). Age is checked by validation against the round.
    pub fn has_labour_capacity(&self) -> bool {
        matches!(
            self.capacity,
            Some(LabourCapacity::Skilled | LabourCapacity::Ordinary | LabourCapacity::Weak)
        )
    }

    pub fn is_employed(&self) -> bool {
        self.employment == Some(EmploymentStatus::Employed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_then_apply_reaches_the_target() {
        let before = LabourRecord {
            name: Some("张三".into()),
            employment: Some(EmploymentStatus::Unemployed),
            ..LabourRecord::default()
        };
        let after = LabourRecord {
            employment: Some(EmploymentStatus::Employed),
            channel: Some(Channel::Workshop),
            ..before.clone()
        };
        let writes = before.diff(&after);
        assert_eq!(writes.len(), 2);
        let mut res = before.clone();
        for write in &writes {
            res.apply(write);
        }
        assert_eq!(res, after);
    }

    #[test]
    fn a_write_crosses_the_wire_as_field_and_value() {
        let write = FieldWrite::Employment(Some(EmploymentStatus::Employed));
        let json = serde_json::to_string(&write).unwrap();
        assert_eq!(json, r#"{"field":"employment","value":"employed"}"#);
        assert_eq!(serde_json::from_str::<FieldWrite>(&json).unwrap(), write);
        let cleared = serde_json::to_string(&FieldWrite::Channel(None)).unwrap();
        assert_eq!(cleared, r#"{"field":"channel","value":null}"#);
    }

    #[test]
    fn field_names_match_the_record() {
        assert_eq!(FieldKey::MonthsWorked.name(), "months_worked");
        assert_eq!(FieldKey::ALL.len(), 19);
    }
}
