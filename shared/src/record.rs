//! 劳动力信息: a person's labour record, a household's own record, and the
//! writes that change them.
//!
//! **Every built-in field is declared once**, in the `record_fields!` tables
//! below: its name, its type and kind of value (`kind.rs`), the group of
//! the survey form it sits in, its write variant (what a submission carries)
//! and key (what the merge and provenance are keyed by), its Chinese column
//! header (the export's and the import's, and the form's caption), its
//! English name, and the template's example for the head of a household and
//! a spouse. Everything else about a field is derived from that line or is
//! a rule in `validate.rs`.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::codes::{
    Channel, Education, EmploymentStatus, JoinReason, LabourCapacity, LeaveReason, Relation, Sex,
    Training, WorkPlace,
};
use crate::extra::Extras;
use crate::field_values::Shown;
use crate::kind::{Input, Kind, KindOf, ValueError, of};
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

/// Where the survey form puts a field. A member's groups come in this
/// order: the work first, folded groups after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// 户信息: the household's own fields, at the top of its survey.
    Household,
    /// 就业情况: employment and, for those out of work, their intentions.
    Work,
    /// 培训与技能: capacity, education, training and certificates.
    Skills,
    /// 身份与联系方式: who the person is and how to reach them.
    Identity,
}

macro_rules! record_fields {
    (
        $(#[$rmeta:meta])* $Record:ident, $(#[$wmeta:meta])* $Write:ident, $(#[$kmeta:meta])* $Key:ident;
        $($(#[$fmeta:meta])* $field:ident: $ty:ty as $kind:ident in $group:ident
            => $variant:ident, $zh:literal, $en:literal, [$head:literal, $spouse:literal];)+
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
            /// The fields a county added (`extra.rs`), merged apart from these.
            #[serde(default, skip_serializing_if = "Extras::is_empty")]
            pub extra: Extras,
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

            /// The value this write sets, as people read it.
            pub fn shown(&self) -> Shown {
                match self {
                    $($Write::$variant(v) => v
                        .as_ref()
                        .map_or(Shown::Unset, <of::$kind as KindOf<$ty>>::shown),)+
                }
            }
        }

        impl $Key {
            /// Every field, in the order of the record.
            pub const ALL: &'static [$Key] = &[$($Key::$variant),+];

            /// The field's name in paths and exports (`employment`, `months_worked`).
            pub fn name(self) -> &'static str {
                match self { $($Key::$variant => stringify!($field),)+ }
            }

            /// The field named `name` as in paths and exports.
            pub fn named(name: &str) -> Option<$Key> {
                $Key::ALL.iter().copied().find(|k| k.name() == name)
            }

            /// The field's column header in a cadre's ledger, and its caption.
            pub fn zh(self) -> &'static str {
                match self { $($Key::$variant => $zh,)+ }
            }

            pub fn en(self) -> &'static str {
                match self { $($Key::$variant => $en,)+ }
            }

            pub fn kind(self) -> Kind {
                match self { $($Key::$variant => <of::$kind as KindOf<$ty>>::KIND,)+ }
            }

            pub fn group(self) -> Group {
                match self { $($Key::$variant => Group::$group,)+ }
            }

            /// The template's example for the head of a household and a spouse
            /// (empty where the template leaves the cell empty).
            pub fn examples(self) -> [&'static str; 2] {
                match self { $($Key::$variant => [$head, $spouse],)+ }
            }

            /// The write that sets this field to what a person wrote; nothing
            /// (or blank text) clears it.
            pub fn read(self, input: Option<Input>) -> Result<$Write, ValueError> {
                let input = input.filter(|i| !matches!(i, Input::Text(t) if t.trim().is_empty()));
                Ok(match self {
                    $($Key::$variant => $Write::$variant(
                        input.map(<of::$kind as KindOf<$ty>>::read).transpose()?,
                    ),)+
                })
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

            /// The writes that turn `self` into `other`: one per differing
            /// built-in field (`extra.diff` gives the added ones').
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

    name: String as Text in Identity
        => Name, "姓名", "Name", ["张建军", "李桂英"];
    sex: Sex as Choice in Identity
        => Sex, "性别", "Sex", ["男", "女"];
    #[serde(with = "crate::day::optional")]
    birth_date: Date as Date in Identity
        => BirthDate, "出生日期", "Date of birth", ["1985-03-12", "1987-07-01"];
    resident_id: ResidentId as ResidentId in Identity
        => ResidentId, "公民身份号码", "Resident ID number", ["110105198503120012", "110105198707010026"];
    relation: Relation as Choice in Identity
        => Relation, "与户主关系", "Relation to head", ["户主", "配偶"];
    education: Education as Choice in Skills
        => Education, "文化程度", "Education", ["初中", "初中"];
    capacity: LabourCapacity as Choice in Skills
        => Capacity, "劳动能力", "Labour capacity", ["普通劳动力", "普通劳动力"];
    employment: EmploymentStatus as Choice in Work
        => Employment, "就业状态", "Employment", ["已就业", "未就业"];
    channel: Channel as Choice in Work
        => Channel, "就业渠道", "Channel", ["帮扶车间", ""];
    work_place: WorkPlace as Choice in Work
        => WorkPlace, "务工地点", "Place of work", ["县内", ""];
    employer: String as Text in Work
        => Employer, "务工单位", "Employer", ["社区帮扶车间", ""];
    months_worked: u8 as Months in Work
        => MonthsWorked, "今年务工月数", "Months worked this year", ["10", ""];
    monthly_income: u32 as Yuan in Work
        => MonthlyIncome, "月收入（元）", "Monthly income (yuan)", ["2400", ""];
    training: Training as Choice in Skills
        => Training, "参加培训", "Training received", ["职业技能培训", "未参加培训"];
    certified: bool as YesNo in Skills
        => Certified, "取得技能证书", "Skill certificate", ["是", "否"];
    willing_to_train: bool as YesNo in Work
        => WillingToTrain, "是否愿意参加培训", "Willing to train", ["是", "是"];
    intended_work: String as Text in Work
        => IntendedWork, "就业意向", "Work wanted", ["", "家政服务"];
    intended_place: WorkPlace as Choice in Work
        => IntendedPlace, "意向务工地点", "Place wanted", ["", "县内"];
    phone: Phone as Phone in Identity
        => Phone, "联系电话", "Phone", ["13912345678", ""];
}

record_fields! {
    /// 户信息: what the ledger keeps of the household itself.
    HouseholdRecord,
    /// One write of one household field.
    HouseholdWrite,
    /// The name of a household field.
    HouseholdKey;

    phone: Phone as Phone in Household
        => Phone, "户联系电话", "Household phone", ["13800001111", "13800001111"];
    address: String as Text in Household
        => Address, "住址", "Address", ["示例安置区 1号楼 301室", "示例安置区 1号楼 301室"];
    // 防返贫监测对象: followed for relapse into poverty.
    monitored: bool as YesNo in Household
        => Monitored, "防返贫监测对象", "Monitored against poverty", ["否", "否"];
    // The household's income a year besides its members' wages, which the
    // per-capita net income adds up (`tally::Figures`).
    business_income: u32 as Yuan in Household
        => BusinessIncome, "经营性收入（元/年）", "Business income (yuan a year)", ["", "3000"];
    property_income: u32 as Yuan in Household
        => PropertyIncome, "财产性收入（元/年）", "Property income (yuan a year)", ["", ""];
    transfer_income: u32 as Yuan in Household
        => TransferIncome, "转移性收入（元/年）", "Transfers: pensions, subsidies (yuan a year)", ["2400", "6000"];
}

impl HouseholdRecord {
    /// The household's income a year besides wages: business, property
    /// and transfers.
    pub fn other_income(&self) -> u32 {
        [
            self.business_income,
            self.property_income,
            self.transfer_income,
        ]
        .into_iter()
        .flatten()
        .fold(0, u32::saturating_add)
    }
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
    fn every_field_is_found_by_its_name_and_headers_are_unique() {
        let mut headers: Vec<&str> = Vec::new();
        for &key in FieldKey::ALL {
            assert_eq!(FieldKey::named(key.name()), Some(key));
            headers.push(key.zh());
        }
        for &key in HouseholdKey::ALL {
            assert_eq!(HouseholdKey::named(key.name()), Some(key));
            headers.push(key.zh());
        }
        let n = headers.len();
        headers.sort_unstable();
        headers.dedup();
        assert_eq!(headers.len(), n, "a header names one column");
        assert_eq!(FieldKey::named("no_such_field"), None);
    }

    #[test]
    fn every_example_reads_as_its_field_and_reads_back_the_same() {
        for &key in FieldKey::ALL {
            for example in key.examples() {
                let write = key.read(Some(Input::Text(example))).unwrap();
                assert_eq!(write.key(), key);
                assert_eq!(
                    write.shown() == Shown::Unset,
                    example.is_empty(),
                    "{example}"
                );
            }
        }
        for &key in HouseholdKey::ALL {
            for example in key.examples() {
                assert!(key.read(Some(Input::Text(example))).is_ok(), "{example}");
            }
        }
    }

    #[test]
    fn a_value_that_is_not_of_the_kind_is_refused_with_why() {
        assert_eq!(
            FieldKey::MonthsWorked.read(Some(Input::Text("十"))),
            Err(ValueError::InvalidNumber)
        );
        assert_eq!(
            FieldKey::Phone.read(Some(Input::Text("12345"))),
            Err(ValueError::InvalidPhone)
        );
        assert_eq!(
            FieldKey::Employment.read(Some(Input::Text(" "))),
            Ok(FieldWrite::Employment(None))
        );
        assert_eq!(FieldKey::Certified.kind(), Kind::YesNo);
        assert_eq!(
            FieldKey::Employment.kind(),
            Kind::Choice(<EmploymentStatus as crate::codes::Code>::CHOICES)
        );
    }

    #[test]
    fn field_names_match_the_record() {
        assert_eq!(FieldKey::MonthsWorked.name(), "months_worked");
        assert_eq!(FieldKey::ALL.len(), 19);
    }
}
