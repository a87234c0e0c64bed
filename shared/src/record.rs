//! 劳动力信息: a person's labour record, a household's own record, and the
//! writes that change them.
//!
//! Every field is defined once, in the `record_fields!` tables below: the
//! record's field, its write variant (what a submission carries) and its
//! key (what the merge and provenance are keyed by).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::codes::{
    Channel, Education, EmploymentStatus, JoinReason, LabourCapacity, LeaveReason, Relation, Sex,
    Training, WorkPlace,
};
use crate::phone::Phone;
use crate::resident_id::ResidentId;

/// A record whose fields are merged one by one.
pub trait Record: Clone + Default {
    /// One write of one field.
    type Write: Clone + Ord + std::fmt::Debug;
    /// The name of a field.
    type Key: Copy + Ord + std::fmt::Debug;
    /// Which field `write` writes.
    fn key_of(write: &Self::Write) -> Self::Key;
    /// Applies one write.
    fn apply_write(&mut self, write: &Self::Write);
}

macro_rules! record_fields {
    (
        $(#[$rmeta:meta])* $Record:ident, $(#[$wmeta:meta])* $Write:ident, $(#[$kmeta:meta])* $Key:ident;
        $($(#[$fmeta:meta])* $field:ident: $ty:ty => $variant:ident;)+
    ) => {
        $(#[$rmeta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $Record {
            $(
                #[serde(default, skip_serializing_if = "Option::is_none")]
                $(#[$fmeta])*
                pub $field: Option<$ty>,
            )+
        }

        $(#[$wmeta])*
        /// `None` clears the field.
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(tag = "field", content = "value", rename_all = "snake_case")]
        pub enum $Write {
            $($variant($(#[$fmeta])* Option<$ty>),)+
        }

        $(#[$kmeta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $Key {
            $($variant,)+
        }

        impl $Write {
            /// Which field this writes.
            pub fn key(&self) -> $Key {
                match self { $($Write::$variant(_) => $Key::$variant,)+ }
            }
        }

        impl $Key {
            /// Every field, in the order of the record.
            pub const ALL: &'static [$Key] = &[$($Key::$variant),+];

            /// The field's name in paths and exports (`employment`, `months_worked`).
            pub fn name(self) -> &'static str {
                match self { $($Key::$variant => stringify!($field),)+ }
            }
        }

        impl $Record {
            /// Applies one write.
            pub fn apply(&mut self, write: &$Write) {
                match write { $($Write::$variant(v) => self.$field = v.clone(),)+ }
            }

            /// The record's current value of `key`, as a write.
            pub fn get(&self, key: $Key) -> $Write {
                match key { $($Key::$variant => $Write::$variant(self.$field.clone()),)+ }
            }

            /// The writes that turn `self` into `other`: one per differing field.
            pub fn diff(&self, other: &$Record) -> Vec<$Write> {
                let mut res = Vec::new();
                $(if self.$field != other.$field {
                    res.push($Write::$variant(other.$field.clone()));
                })+
                res
            }
        }

        impl Record for $Record {
            type Write = $Write;
            type Key = $Key;
            fn key_of(write: &$Write) -> $Key {
                write.key()
            }
            fn apply_write(&mut self, write: &$Write) {
                self.apply(write)
            }
        }
    };
}

record_fields! {
    /// A person's labour record for a round. Every field may be unknown.
    LabourRecord,
    /// One write of one member field: the unit a submission carries and the merge joins.
    FieldWrite,
    /// The name of a member field.
    FieldKey;

    name: String => Name;
    sex: Sex => Sex;
    #[serde(with = "crate::day::optional")]
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

record_fields! {
    /// 户信息: what the ledger keeps of the household itself.
    HouseholdRecord,
    /// One write of one household field.
    HouseholdWrite,
    /// The name of a household field.
    HouseholdKey;
    phone: Phone => Phone;
    address: String => Address;
    // 防返贫监测对象: followed for relapse into poverty.
    monitored: bool => Monitored;
}

/// A change in who belongs to the household, with its reason. Merged like
/// a field of the member: the latest unsuperseded one stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "change", content = "reason", rename_all = "snake_case")]
pub enum Membership {
    /// 增员: newborn, married in, moved in.
    Joined(JoinReason),
    /// 减员: moved out, married out, deceased.
    Left(LeaveReason),
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

    /// Age in whole years on `on`, from the birth date or the ID number.
    pub fn age_on(&self, on: Date) -> Option<u32> {
        let birth = self
            .birth_date
            .or_else(|| self.resident_id.as_ref().map(ResidentId::birth_date))?;
        Some(crate::resident_id::age_on(birth, on))
    }

    /// Whether the survey asks this person about training and intentions:
    /// able, of working age on `on` (or of unknown age) and out of work.
    pub fn is_seeking_work(&self, on: Date) -> bool {
        self.has_labour_capacity()
            && self.employment == Some(EmploymentStatus::Unemployed)
            && self
                .age_on(on)
                .is_none_or(|a| a >= crate::validate::WORKING_AGE)
    }

    /// Sets the birth date and sex that the ID number encodes; called when
    /// an ID is entered, so they need not be typed.
    pub fn fill_from_resident_id(&mut self) {
        if let Some(id) = &self.resident_id {
            self.birth_date = Some(id.birth_date());
            self.sex = Some(id.sex());
        }
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
