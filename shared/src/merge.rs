//! The merge rule: a household's ledger for a round as a pure function of
//! last round's ledger and the set of this round's accepted submissions.
//!
//! Each field of each member is merged on its own. A write is superseded by
//! a write to the same field from a submission that knew it (named it in its
//! `base`). Of the writes nobody superseded, the latest stamp stands; if they
//! disagree, that is a `FieldConflict` for a supervisor. Because the result
//! is computed from the deduplicated set, arrival order and duplicates cannot
//! change it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::place::{HouseholdCode, PersonId};
use crate::record::{FieldKey, FieldWrite, LabourRecord};
use crate::round::Round;
use crate::wire::{Submission, SubmissionId};

/// A submission the server accepted, with who sent it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    pub submission: Submission,
    pub author: String,
}

/// Where a field's value came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Provenance {
    #[serde(with = "time::serde::rfc3339")]
    pub captured_at: OffsetDateTime,
    /// `None` for values carried in from an import or an earlier round.
    pub submission: Option<SubmissionId>,
    pub author: String,
}

/// One member's merged record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLedger {
    pub person: PersonId,
    pub record: LabourRecord,
    /// Where each known field's value came from.
    pub sources: BTreeMap<FieldKey, Provenance>,
    /// The latest submission this round that reported on this member.
    pub surveyed_by: Option<Provenance>,
}

/// Two or more writes to one field that did not know each other.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldConflict {
    pub person: PersonId,
    pub field: FieldKey,
    /// Each competing value with its provenance, oldest first; the last one
    /// stands provisionally.
    pub candidates: Vec<(FieldWrite, Provenance)>,
}

/// 台账: a household's labour ledger for one round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdLedger {
    pub household: HouseholdCode,
    pub round: Round,
    pub members: Vec<MemberLedger>,
    pub conflicts: Vec<FieldConflict>,
    /// The submissions merged into this ledger, sorted.
    pub submissions: Vec<SubmissionId>,
}

impl HouseholdLedger {
    /// Whether this round's survey of the household has been received.
    pub fn is_surveyed(&self) -> bool {
        !self.submissions.is_empty()
    }
}

struct Candidate<'a> {
    write: &'a FieldWrite,
    provenance: Provenance,
    submission: &'a Submission,
}

/// Merges this round's accepted submissions over `previous` (last round's
/// members, from which the forms were prefilled). Commutative, associative
/// and idempotent over `submissions`.
pub fn merge_household(
    household: &HouseholdCode,
    round: Round,
    previous: &[MemberLedger],
    submissions: &[Accepted],
) -> HouseholdLedger {
    // One per id: a duplicate is the same submission (the server refuses a
    // reused id with another body), so which copy is kept cannot matter.
    let mut unique: BTreeMap<SubmissionId, &Accepted> = BTreeMap::new();
    for accepted in submissions {
        unique.entry(accepted.submission.id).or_insert(accepted);
    }

    let mut members: BTreeMap<PersonId, MemberLedger> = previous
        .iter()
        .map(|m| {
            let member = MemberLedger {
                surveyed_by: None,
                ..m.clone()
            };
            (m.person.clone(), member)
        })
        .collect();

    let mut writes: BTreeMap<(PersonId, FieldKey), Vec<Candidate>> = BTreeMap::new();
    for accepted in unique.values() {
        let sub = &accepted.submission;
        let provenance = Provenance {
            captured_at: sub.captured_at,
            submission: Some(sub.id),
            author: accepted.author.clone(),
        };
        for report in &sub.members {
            let member = members
                .entry(report.person.clone())
                .or_insert_with(|| MemberLedger {
                    person: report.person.clone(),
                    record: LabourRecord::default(),
                    sources: BTreeMap::new(),
                    surveyed_by: None,
                });
            if member.surveyed_by.as_ref() < Some(&provenance) {
                member.surveyed_by = Some(provenance.clone());
            }
            for write in &report.writes {
                writes
                    .entry((report.person.clone(), write.key()))
                    .or_default()
                    .push(Candidate {
                        write,
                        provenance: provenance.clone(),
                        submission: sub,
                    });
            }
        }
    }

    let mut conflicts = Vec::new();
    for ((person, field), candidates) in writes {
        let mut frontier: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| {
                !candidates
                    .iter()
                    .any(|other| other.submission.base.contains(&c.submission.id))
            })
            .collect();
        if frontier.is_empty() {
            // Every write superseded by another: only possible when bases form
            // a cycle, which honest clients cannot make. Weigh them all.
            frontier = candidates.iter().collect();
        }
        frontier.sort_by(|a, b| a.provenance.cmp(&b.provenance));
        let winner = frontier.last().expect("candidates are never empty");
        let member = members.get_mut(&person).expect("inserted above");
        member.record.apply(winner.write);
        member.sources.insert(field, winner.provenance.clone());
        let distinct: BTreeSet<&FieldWrite> = frontier.iter().map(|c| c.write).collect();
        if distinct.len() > 1 {
            conflicts.push(FieldConflict {
                person,
                field,
                candidates: frontier
                    .iter()
                    .map(|c| (c.write.clone(), c.provenance.clone()))
                    .collect(),
            });
        }
    }

    HouseholdLedger {
        household: household.clone(),
        round,
        members: members.into_values().collect(),
        conflicts,
        submissions: unique.keys().copied().collect(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;
    use crate::codes::EmploymentStatus;
    use crate::wire::MemberReport;

    fn household() -> HouseholdCode {
        HouseholdCode::parse("H1").unwrap()
    }

    fn round() -> Round {
        Round::parse("2026Q4").unwrap()
    }

    fn person(n: u8) -> PersonId {
        PersonId::parse(&format!("P{n}")).unwrap()
    }

    fn previous() -> Vec<MemberLedger> {
        (1..=4)
            .map(|n| MemberLedger {
                person: person(n),
                record: LabourRecord {
                    name: Some(format!("成员{n}")),
                    employment: Some(EmploymentStatus::Unemployed),
                    ..LabourRecord::default()
                },
                sources: BTreeMap::new(),
                surveyed_by: None,
            })
            .collect()
    }

    fn accepted(id: u128, minute: i64, base: &[u128], writes: Vec<(u8, FieldWrite)>) -> Accepted {
        let mut members: BTreeMap<PersonId, MemberReport> = BTreeMap::new();
        for (n, write) in writes {
            members
                .entry(person(n))
                .or_insert_with(|| MemberReport {
                    person: person(n),
                    writes: vec![],
                })
                .writes
                .push(write);
        }
        Accepted {
            submission: Submission {
                id: SubmissionId(Uuid::from_u128(id)),
                household: household(),
                round: round(),
                captured_at: datetime!(2026-11-23 08:00 UTC) + Duration::minutes(minute),
                base: base
                    .iter()
                    .map(|b| SubmissionId(Uuid::from_u128(*b)))
                    .collect(),
                members: members.into_values().collect(),
            },
            author: format!("user{}", id % 3),
        }
    }

    fn merge(subs: &[Accepted]) -> HouseholdLedger {
        merge_household(&household(), round(), &previous(), subs)
    }

    fn employed() -> FieldWrite {
        FieldWrite::Employment(Some(EmploymentStatus::Employed))
    }

    fn student() -> FieldWrite {
        FieldWrite::Employment(Some(EmploymentStatus::Student))
    }

    #[test]
    fn a_write_lands_with_its_provenance() {
        let ledger = merge(&[accepted(1, 0, &[], vec![(2, employed())])]);
        let member = &ledger.members[1];
        assert_eq!(member.record.employment, Some(EmploymentStatus::Employed));
        let source = &member.sources[&FieldKey::Employment];
        assert_eq!(source.submission, Some(SubmissionId(Uuid::from_u128(1))));
        assert_eq!(source.author, "user1");
        assert!(ledger.conflicts.is_empty());
        assert!(ledger.is_surveyed());
    }

    #[test]
    fn a_write_that_knew_the_other_supersedes_it_without_conflict() {
        let first = accepted(1, 10, &[], vec![(1, employed())]);
        // Captured earlier by the clock, but made from a form that included `first`.
        let second = accepted(2, 5, &[1], vec![(1, student())]);
        let ledger = merge(&[first, second]);
        assert_eq!(
            ledger.members[0].record.employment,
            Some(EmploymentStatus::Student)
        );
        assert!(ledger.conflicts.is_empty());
    }

    #[test]
    fn concurrent_disagreeing_writes_conflict_and_the_latest_stands() {
        let ledger = merge(&[
            accepted(1, 10, &[], vec![(1, employed())]),
            accepted(2, 5, &[], vec![(1, student())]),
        ]);
        assert_eq!(
            ledger.members[0].record.employment,
            Some(EmploymentStatus::Employed)
        );
        assert_eq!(ledger.conflicts.len(), 1);
        assert_eq!(ledger.conflicts[0].candidates.len(), 2);
    }

    #[test]
    fn concurrent_agreeing_writes_do_not_conflict() {
        let ledger = merge(&[
            accepted(1, 10, &[], vec![(1, employed())]),
            accepted(2, 5, &[], vec![(1, employed())]),
        ]);
        assert!(ledger.conflicts.is_empty());
    }

    #[test]
    fn an_unchanged_report_counts_as_surveyed_without_changing_values() {
        let sub = accepted(1, 0, &[], vec![]);
        let mut sub = sub;
        sub.submission.members = vec![MemberReport {
            person: person(3),
            writes: vec![],
        }];
        let ledger = merge(&[sub]);
        assert!(ledger.is_surveyed());
        assert!(ledger.members[2].surveyed_by.is_some());
        let before: Vec<_> = previous().into_iter().map(|m| m.record).collect();
        let after: Vec<_> = ledger.members.into_iter().map(|m| m.record).collect();
        assert_eq!(before, after);
    }

    fn any_write() -> impl Strategy<Value = FieldWrite> {
        prop_oneof![
            Just(employed()),
            Just(student()),
            Just(FieldWrite::Employment(None)),
            (0u8..=12).prop_map(|m| FieldWrite::MonthsWorked(Some(m))),
            (0u32..5).prop_map(|i| FieldWrite::MonthlyIncome(Some(i * 1000))),
        ]
    }

    fn any_submissions() -> impl Strategy<Value = Vec<Accepted>> {
        prop::collection::vec(
            (
                0i64..4, // Few distinct minutes, so stamps tie often.
                prop::collection::vec(0u128..8, 0..3),
                prop::collection::vec((1u8..=5, any_write()), 0..6),
            ),
            0..8,
        )
        .prop_map(|subs| {
            subs.into_iter()
                .enumerate()
                .map(|(idx, (minute, base, writes))| accepted(idx as u128, minute, &base, writes))
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        #[test]
        fn ledger_ignores_arrival_order_and_duplicates(
            (subs, shuffled) in any_submissions()
                .prop_flat_map(|subs| {
                    let doubled: Vec<Accepted> =
                        subs.iter().chain(subs.iter().take(3)).cloned().collect();
                    (Just(subs), Just(doubled).prop_shuffle())
                })
        ) {
            prop_assert_eq!(merge(&subs), merge(&shuffled));
        }
    }

    proptest! {
        #[test]
        fn merging_in_two_batches_equals_merging_at_once(
            subs in any_submissions(), split in 0usize..8
        ) {
            let split = split.min(subs.len());
            let (left, right) = subs.split_at(split);
            let all: Vec<Accepted> = right.iter().chain(left).cloned().collect();
            prop_assert_eq!(merge(&subs), merge(&all));
        }
    }
}
