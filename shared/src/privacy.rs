//! Personal information (个人信息): resident ID and phone numbers leave the
//! server masked unless the caller's role needs them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::codes::Role;
use crate::merge::{Conflict, HouseholdLedger};
use crate::place::PersonId;
use crate::record::{FieldWrite, HouseholdWrite, LabourRecord};

/// Whether a role sees resident ID and phone numbers in full: those who
/// supervise and export the ledger. Every such read is audited.
pub fn sees_personal_data(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Supervisor)
}

/// The masked forms of a person's numbers, shown where the numbers were
/// taken out (`140925********1234`, `139****5678`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaskedIds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl MaskedIds {
    pub fn is_empty(&self) -> bool {
        self.resident_id.is_none() && self.phone.is_none()
    }
}

/// Takes the numbers out of a record, returning their masked forms.
pub fn mask_record(record: &mut LabourRecord) -> MaskedIds {
    MaskedIds {
        resident_id: record.resident_id.take().map(|id| id.masked()),
        phone: record.phone.take().map(|p| p.masked()),
    }
}

fn is_personal(write: &FieldWrite) -> bool {
    matches!(write, FieldWrite::ResidentId(_) | FieldWrite::Phone(_))
}

/// Takes every number out of a ledger (records, trails and conflicts),
/// returning the masked forms per person and the household's masked phone.
pub fn mask_ledger(
    ledger: &mut HouseholdLedger,
) -> (BTreeMap<PersonId, MaskedIds>, Option<String>) {
    let household_phone = ledger.record.phone.take().map(|p| p.masked());
    ledger
        .trail
        .retain(|t| !matches!(t.write, HouseholdWrite::Phone(_)));
    let mut masked = BTreeMap::new();
    for member in &mut ledger.members {
        let ids = mask_record(&mut member.record);
        member.trail.retain(|t| !is_personal(&t.write));
        if !ids.is_empty() {
            masked.insert(member.person.clone(), ids);
        }
    }
    ledger.conflicts.retain(|conflict| match conflict {
        Conflict::Field { candidates, .. } => !candidates.iter().any(|(w, _)| is_personal(w)),
        Conflict::Household { candidates, .. } => !candidates
            .iter()
            .any(|(w, _)| matches!(w, HouseholdWrite::Phone(_))),
        Conflict::Extra { .. }
        | Conflict::Membership { .. }
        | Conflict::RemovedWhileEdited { .. } => true,
    });
    (masked, household_phone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::{MemberLedger, merge_household};
    use crate::phone::Phone;
    use crate::place::HouseholdCode;
    use crate::resident_id::ResidentId;
    use crate::round::Round;

    #[test]
    fn masking_takes_the_numbers_out_and_keeps_their_masked_forms() {
        let person = PersonId::parse("P1").unwrap();
        let mut ledger = HouseholdLedger {
            members: vec![MemberLedger {
                record: LabourRecord {
                    name: Some("李四".into()),
                    resident_id: Some(ResidentId::parse("142223198503120018").unwrap()),
                    phone: Some(Phone::parse("13912345678").unwrap()),
                    ..LabourRecord::default()
                },
                ..MemberLedger::new(person.clone())
            }],
            ..merge_household(
                &HouseholdCode::parse("H1").unwrap(),
                Round::parse("2026Q4").unwrap(),
                None,
                &[],
            )
        };
        ledger.record.phone = Some(Phone::parse("13800001111").unwrap());

        let (masked, phone) = mask_ledger(&mut ledger);

        assert_eq!(ledger.members[0].record.resident_id, None);
        assert_eq!(ledger.members[0].record.phone, None);
        assert_eq!(ledger.members[0].record.name.as_deref(), Some("李四"));
        assert_eq!(
            masked[&person].resident_id.as_deref(),
            Some("142223********0018")
        );
        assert_eq!(masked[&person].phone.as_deref(), Some("139****5678"));
        assert_eq!(phone.as_deref(), Some("138****1111"));
        let json = serde_json::to_string(&ledger).unwrap();
        assert!(!json.contains("12345678") && !json.contains("19850312"));
    }

    #[test]
    fn only_supervisors_and_admins_see_numbers() {
        assert!(sees_personal_data(Role::Admin));
        assert!(sees_personal_data(Role::Supervisor));
        assert!(!sees_personal_data(Role::Surveyor));
        assert!(!sees_personal_data(Role::GridMember));
    }
}
