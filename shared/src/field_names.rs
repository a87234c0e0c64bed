//! What people call each field: the Chinese column headers of the ledgers
//! cadres keep (the export and the roster import use them as they are),
//! and English names for the app's English interface.

use crate::record::{FieldKey, HouseholdKey};

impl FieldKey {
    /// The field's column header in a cadre's ledger.
    pub fn zh(self) -> &'static str {
        match self {
            FieldKey::Name => "姓名",
            FieldKey::Sex => "性别",
            FieldKey::BirthDate => "出生日期",
            FieldKey::ResidentId => "公民身份号码",
            FieldKey::Relation => "与户主关系",
            FieldKey::Education => "文化程度",
            FieldKey::Capacity => "劳动能力",
            FieldKey::Employment => "就业状态",
            FieldKey::Channel => "就业渠道",
            FieldKey::WorkPlace => "务工地点",
            FieldKey::Employer => "务工单位",
            FieldKey::MonthsWorked => "今年务工月数",
            FieldKey::MonthlyIncome => "月收入（元）",
            FieldKey::Training => "参加培训",
            FieldKey::Certified => "取得技能证书",
            FieldKey::WillingToTrain => "是否愿意参加培训",
            FieldKey::IntendedWork => "就业意向",
            FieldKey::IntendedPlace => "意向务工地点",
            FieldKey::Phone => "联系电话",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            FieldKey::Name => "Name",
            FieldKey::Sex => "Sex",
            FieldKey::BirthDate => "Date of birth",
            FieldKey::ResidentId => "Resident ID",
            FieldKey::Relation => "Relation to head",
            FieldKey::Education => "Education",
            FieldKey::Capacity => "Labour capacity",
            FieldKey::Employment => "Employment",
            FieldKey::Channel => "Channel",
            FieldKey::WorkPlace => "Place of work",
            FieldKey::Employer => "Employer",
            FieldKey::MonthsWorked => "Months worked this year",
            FieldKey::MonthlyIncome => "Monthly income (yuan)",
            FieldKey::Training => "Training",
            FieldKey::Certified => "Skill certificate",
            FieldKey::WillingToTrain => "Willing to train",
            FieldKey::IntendedWork => "Work wanted",
            FieldKey::IntendedPlace => "Place wanted",
            FieldKey::Phone => "Phone",
        }
    }

    /// The field named `name` as in paths and exports (`employment`).
    pub fn named(name: &str) -> Option<FieldKey> {
        FieldKey::ALL.iter().copied().find(|k| k.name() == name)
    }
}

impl HouseholdKey {
    /// The field's column header in a cadre's ledger.
    pub fn zh(self) -> &'static str {
        match self {
            HouseholdKey::Phone => "户联系电话",
            HouseholdKey::Address => "住址",
            HouseholdKey::Monitored => "防返贫监测对象",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            HouseholdKey::Phone => "Household phone",
            HouseholdKey::Address => "Address",
            HouseholdKey::Monitored => "Monitored against poverty",
        }
    }

    /// The field named `name` as in paths and exports (`address`).
    pub fn named(name: &str) -> Option<HouseholdKey> {
        HouseholdKey::ALL.iter().copied().find(|k| k.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
