//! The merge rule: a household's ledger for a round as a pure function of
//! last round's ledger and the set of this round's accepted submissions.
//!
//! Each field (of the household, of each member, and each member's
//! membership) is merged on its own. A write is superseded by a write to the
//! same field from a submission that knew it (named it in its `base`). Of the
//! writes nobody superseded, the latest stamp stands; if they disagree, that
//! is a `Conflict` for a supervisor, whose resolution is a submission that
//! knows them all and so supersedes them. Because the result is computed from
//! the deduplicated set, arrival order and duplicates cannot change it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::codes::{JoinReason, LeaveReason};
use crate::extra::{ExtraKey, ExtraWrite, Extras};
use crate::place::{HouseholdCode, PersonId};
use crate::record::{
    FieldKey, FieldWrite, HouseholdKey, HouseholdRecord, HouseholdWrite, LabourRecord, Membership,
    Record,
};
use crate::resident_id::ResidentId;
use crate::round::Round;
use crate::wire::{Submission, SubmissionId};

/// A submission the server accepted, with who sent it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accepted {
    pub submission: Submission,
    pub author: String,
}

/// Where a value came from. Ordered by capture time, then submission id:
/// the stamp that decides which of two concurrent writes stands.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Provenance {
    #[serde(with = "time::serde::rfc3339")]
    pub captured_at: OffsetDateTime,
    /// `None` for values carried in from an import.
    pub submission: Option<SubmissionId>,
    pub author: String,
}

/// What became of one write in the merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It is the field's value.
    Stands,
    /// A later submission that knew it wrote the field again.
    Superseded,
    /// It disagrees with the standing value and nobody has chosen yet.
    InConflict,
}

/// One write in a field's trail this round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrailEntry<W> {
    pub write: W,
    pub provenance: Provenance,
    pub outcome: Outcome,
}

/// One member's merged record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberLedger {
    pub person: PersonId,
    pub record: LabourRecord,
    /// Where each field's value came from; a field absent here was carried
    /// from the roster import.
    pub sources: BTreeMap<FieldKey, Provenance>,
    /// The latest submission this round that reported on this member.
    pub surveyed_by: Option<Provenance>,
    /// Why the member joined, if they joined in a survey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined: Option<JoinReason>,
    /// Why the member left, if they left this round; they are not carried
    /// into the next round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<LeaveReason>,
    /// Every write to this member this round, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trail: Vec<TrailEntry<FieldWrite>>,
    /// Where each added field's value came from.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_sources: BTreeMap<ExtraKey, Provenance>,
    /// Every write to this member's added fields this round, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_trail: Vec<TrailEntry<ExtraWrite>>,
}

impl MemberLedger {
    /// A member known only by id, before any write.
    pub fn new(person: PersonId) -> MemberLedger {
        MemberLedger {
            person,
            record: LabourRecord::default(),
            sources: BTreeMap::new(),
            surveyed_by: None,
            joined: None,
            left: None,
            trail: Vec::new(),
            extra_sources: BTreeMap::new(),
            extra_trail: Vec::new(),
        }
    }

    /// Whether the member still belongs to the household.
    pub fn is_present(&self) -> bool {
        self.left.is_none()
    }
}

/// Writes that did not know each other and disagree, or a removal that did
/// not know of an edit. Until a supervisor resolves it, the latest stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Conflict {
    /// Two values for one member field; the last candidate stands for now.
    Field {
        person: PersonId,
        field: FieldKey,
        candidates: Vec<(FieldWrite, Provenance)>,
    },
    /// Two values for one household field.
    Household {
        field: HouseholdKey,
        candidates: Vec<(HouseholdWrite, Provenance)>,
    },
    /// Two values for one added field, of a member or (without `person`)
    /// of the household.
    Extra {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        person: Option<PersonId>,
        field: ExtraKey,
        candidates: Vec<(ExtraWrite, Provenance)>,
    },
    /// Two membership changes for one member.
    Membership {
        person: PersonId,
        candidates: Vec<(Membership, Provenance)>,
    },
    /// A member was removed by a submission that did not know of another's
    /// edits to them; the edits are kept in the record.
    RemovedWhileEdited {
        person: PersonId,
        removal: Provenance,
        edits: Vec<Provenance>,
    },
}

/// 台账: a household's labour ledger for one round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdLedger {
    pub household: HouseholdCode,
    pub round: Round,
    #[serde(default)]
    pub record: HouseholdRecord,
    #[serde(default)]
    pub sources: BTreeMap<HouseholdKey, Provenance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trail: Vec<TrailEntry<HouseholdWrite>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_sources: BTreeMap<ExtraKey, Provenance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_trail: Vec<TrailEntry<ExtraWrite>>,
    pub members: Vec<MemberLedger>,
    pub conflicts: Vec<Conflict>,
    /// The submissions merged into this ledger, sorted.
    pub submissions: Vec<SubmissionId>,
}

impl HouseholdLedger {
    /// Whether this round's survey of the household has been received.
    pub fn is_surveyed(&self) -> bool {
        !self.submissions.is_empty()
    }

    /// The members who still belong to the household.
    pub fn present_members(&self) -> impl Iterator<Item = &MemberLedger> {
        self.members.iter().filter(|m| m.is_present())
    }

    /// The ID numbers of the members who still belong to the household.
    pub fn present_ids(&self) -> impl Iterator<Item = &ResidentId> {
        self.present_members()
            .filter_map(|m| m.record.resident_id.as_ref())
    }
}

struct Candidate<'a, W> {
    write: &'a W,
    provenance: Provenance,
    submission: &'a Submission,
}

/// The writes to one field, settled: what stands, the trail, and the
/// disagreeing values if they conflict.
struct Settled<W> {
    winner: (W, Provenance),
    trail: Vec<TrailEntry<W>>,
    conflict: Option<Vec<(W, Provenance)>>,
}

fn knows(later: &Submission, earlier: &Submission) -> bool {
    later.base.contains(&earlier.id)
}

fn settle<W: Clone + Ord>(candidates: &[Candidate<W>]) -> Settled<W> {
    let superseded = |c: &Candidate<W>| {
        candidates
            .iter()
            .any(|other| knows(other.submission, c.submission))
    };
    let mut frontier: Vec<&Candidate<W>> = candidates.iter().filter(|c| !superseded(c)).collect();
    if frontier.is_empty() {
        // Every write superseded by another: only possible when bases form
        // a cycle, which honest clients cannot make. Weigh them all.
        frontier = candidates.iter().collect();
    }
    frontier.sort_by(|a, b| a.provenance.cmp(&b.provenance));
    let winner = *frontier.last().expect("candidates are never empty");
    let distinct: BTreeSet<&W> = frontier.iter().map(|c| c.write).collect();
    let conflict = (distinct.len() > 1).then(|| {
        frontier
            .iter()
            .map(|c| (c.write.clone(), c.provenance.clone()))
            .collect()
    });
    let in_frontier = |c: &Candidate<W>| frontier.iter().any(|f| std::ptr::eq(*f, c));
    let mut trail: Vec<TrailEntry<W>> = candidates
        .iter()
        .map(|c| TrailEntry {
            write: c.write.clone(),
            provenance: c.provenance.clone(),
            outcome: if !in_frontier(c) {
                Outcome::Superseded
            } else if c.write == winner.write {
                Outcome::Stands
            } else {
                Outcome::InConflict
            },
        })
        .collect();
    trail.sort_by(|a, b| a.provenance.cmp(&b.provenance));
    Settled {
        winner: (winner.write.clone(), winner.provenance.clone()),
        trail,
        conflict,
    }
}

/// Settles every field written in `writes` onto `record`.
fn settle_record<R: Record>(
    record: &mut R,
    sources: &mut BTreeMap<R::Key, Provenance>,
    trail: &mut Vec<TrailEntry<R::Write>>,
    writes: BTreeMap<R::Key, Vec<Candidate<R::Write>>>,
    mut on_conflict: impl FnMut(R::Key, Vec<(R::Write, Provenance)>),
) {
    for (key, candidates) in writes {
        let settled = settle(&candidates);
        record.apply_write(&settled.winner.0);
        sources.insert(key, settled.winner.1);
        trail.extend(settled.trail);
        if let Some(values) = settled.conflict {
            on_conflict(key, values);
        }
    }
    trail.sort_by(|a, b| a.provenance.cmp(&b.provenance));
}

/// All writes of one member this round, by field, plus membership changes.
#[derive(Default)]
struct MemberWrites<'a> {
    fields: BTreeMap<FieldKey, Vec<Candidate<'a, FieldWrite>>>,
    extra: BTreeMap<ExtraKey, Vec<Candidate<'a, ExtraWrite>>>,
    membership: Vec<Candidate<'a, Membership>>,
}

impl MemberWrites<'_> {
    /// Every write's stamp, built-in and added fields alike.
    fn edits(&self) -> impl Iterator<Item = (&Submission, &Provenance)> {
        let fields = self.fields.values().flatten();
        let extra = self.extra.values().flatten();
        fields
            .map(|c| (c.submission, &c.provenance))
            .chain(extra.map(|c| (c.submission, &c.provenance)))
    }
}

/// Files `write` under its key among `writes`, as written by `sub` with `provenance`.
fn candidate<'a, R: Record>(
    writes: &mut BTreeMap<R::Key, Vec<Candidate<'a, R::Write>>>,
    write: &'a R::Write,
    provenance: &Provenance,
    submission: &'a Submission,
) {
    writes.entry(R::key_of(write)).or_default().push(Candidate {
        write,
        provenance: provenance.clone(),
        submission,
    });
}

/// Merges this round's accepted submissions over `previous` (last round's
/// ledger, from which the forms were prefilled; members who left then are
/// not carried). Commutative, associative and idempotent over `submissions`.
pub fn merge_household(
    household: &HouseholdCode,
    round: Round,
    previous: Option<&HouseholdLedger>,
    submissions: &[Accepted],
) -> HouseholdLedger {
    // One per id: a duplicate is the same submission (the server refuses a
    // reused id with another body), so which copy is kept cannot matter.
    let mut unique: BTreeMap<SubmissionId, &Accepted> = BTreeMap::new();
    for accepted in submissions {
        unique.entry(accepted.submission.id).or_insert(accepted);
    }

    let mut res = HouseholdLedger {
        household: household.clone(),
        round,
        record: previous.map(|p| p.record.clone()).unwrap_or_default(),
        sources: previous.map(|p| p.sources.clone()).unwrap_or_default(),
        trail: Vec::new(),
        extra_sources: (previous.map(|p| p.extra_sources.clone())).unwrap_or_default(),
        extra_trail: Vec::new(),
        members: Vec::new(),
        conflicts: Vec::new(),
        submissions: unique.keys().copied().collect(),
    };
    let mut members: BTreeMap<PersonId, MemberLedger> = previous
        .into_iter()
        .flat_map(HouseholdLedger::present_members)
        .map(|m| {
            let carried = MemberLedger {
                surveyed_by: None,
                trail: Vec::new(),
                extra_trail: Vec::new(),
                ..m.clone()
            };
            (m.person.clone(), carried)
        })
        .collect();

    let mut household_writes: BTreeMap<HouseholdKey, Vec<Candidate<HouseholdWrite>>> =
        BTreeMap::new();
    let mut household_extra: BTreeMap<ExtraKey, Vec<Candidate<ExtraWrite>>> = BTreeMap::new();
    let mut member_writes: BTreeMap<PersonId, MemberWrites> = BTreeMap::new();
    for accepted in unique.values() {
        let sub = &accepted.submission;
        let provenance = Provenance {
            captured_at: sub.captured_at,
            submission: Some(sub.id),
            author: accepted.author.clone(),
        };
        for write in &sub.household_writes {
            candidate::<HouseholdRecord>(&mut household_writes, write, &provenance, sub);
        }
        for write in &sub.household_extra {
            candidate::<Extras>(&mut household_extra, write, &provenance, sub);
        }
        for report in &sub.members {
            let member = members
                .entry(report.person.clone())
                .or_insert_with(|| MemberLedger::new(report.person.clone()));
            if member.surveyed_by.as_ref() < Some(&provenance) {
                member.surveyed_by = Some(provenance.clone());
            }
            let writes = member_writes.entry(report.person.clone()).or_default();
            if let Some(change) = &report.membership {
                writes.membership.push(Candidate {
                    write: change,
                    provenance: provenance.clone(),
                    submission: sub,
                });
            }
            for write in &report.writes {
                candidate::<LabourRecord>(&mut writes.fields, write, &provenance, sub);
            }
            for write in &report.extra {
                candidate::<Extras>(&mut writes.extra, write, &provenance, sub);
            }
        }
    }

    let mut conflicts = Vec::new();
    settle_record(
        &mut res.record,
        &mut res.sources,
        &mut res.trail,
        household_writes,
        |field, candidates| conflicts.push(Conflict::Household { field, candidates }),
    );
    settle_record(
        &mut res.record.extra,
        &mut res.extra_sources,
        &mut res.extra_trail,
        household_extra,
        |field, candidates| {
            conflicts.push(Conflict::Extra {
                person: None,
                field,
                candidates,
            })
        },
    );
    for (person, writes) in member_writes {
        let member = members.get_mut(&person).expect("inserted above");
        if !writes.membership.is_empty() {
            let settled = settle(&writes.membership);
            match settled.winner.0 {
                Membership::Joined(reason) => {
                    member.joined = Some(reason);
                    member.left = None;
                }
                Membership::Left(reason) => {
                    member.left = Some(reason);
                    let removal = writes
                        .membership
                        .iter()
                        .find(|c| c.provenance == settled.winner.1)
                        .expect("the winner is a candidate");
                    let edits: BTreeSet<Provenance> = writes
                        .edits()
                        .filter(|(sub, _)| {
                            !knows(removal.submission, sub)
                                && !knows(sub, removal.submission)
                                && sub.id != removal.submission.id
                        })
                        .map(|(_, provenance)| provenance.clone())
                        .collect();
                    if !edits.is_empty() {
                        conflicts.push(Conflict::RemovedWhileEdited {
                            person: person.clone(),
                            removal: settled.winner.1.clone(),
                            edits: edits.into_iter().collect(),
                        });
                    }
                }
            }
            if let Some(candidates) = settled.conflict {
                conflicts.push(Conflict::Membership {
                    person: person.clone(),
                    candidates,
                });
            }
        }
        settle_record(
            &mut member.record,
            &mut member.sources,
            &mut member.trail,
            writes.fields,
            |field, candidates| {
                conflicts.push(Conflict::Field {
                    person: person.clone(),
                    field,
                    candidates,
                })
            },
        );
        settle_record(
            &mut member.record.extra,
            &mut member.extra_sources,
            &mut member.extra_trail,
            writes.extra,
            |field, candidates| {
                conflicts.push(Conflict::Extra {
                    person: Some(person.clone()),
                    field,
                    candidates,
                })
            },
        );
    }

    res.members = members.into_values().collect();
    res.conflicts = conflicts;
    res
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;
    use crate::codes::{EmploymentStatus, SubmissionKind};
    use crate::extra::ExtraValue;
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

    fn previous() -> HouseholdLedger {
        HouseholdLedger {
            household: household(),
            round: round().previous(),
            record: HouseholdRecord::default(),
            sources: BTreeMap::new(),
            trail: Vec::new(),
            extra_sources: BTreeMap::new(),
            extra_trail: Vec::new(),
            members: (1..=4)
                .map(|n| MemberLedger {
                    record: LabourRecord {
                        name: Some(format!("成员{n}")),
                        employment: Some(EmploymentStatus::Unemployed),
                        ..LabourRecord::default()
                    },
                    ..MemberLedger::new(person(n))
                })
                .collect(),
            conflicts: Vec::new(),
            submissions: Vec::new(),
        }
    }

    /// What one generated submission says of one member.
    #[derive(Clone, Debug)]
    enum Said {
        Write(FieldWrite),
        Extra(ExtraWrite),
        /// A write to the household's added field.
        HouseholdExtra(ExtraWrite),
        Change(Membership),
    }

    fn accepted(id: u128, minute: i64, base: &[u128], said: Vec<(u8, Said)>) -> Accepted {
        let mut members: BTreeMap<PersonId, MemberReport> = BTreeMap::new();
        let mut household_extra = Vec::new();
        for (n, said) in said {
            if let Said::HouseholdExtra(write) = said {
                household_extra.push(write);
                continue;
            }
            let report = members.entry(person(n)).or_insert_with(|| MemberReport {
                person: person(n),
                membership: None,
                writes: vec![],
                extra: Vec::new(),
            });
            match said {
                Said::Write(write) => report.writes.push(write),
                Said::Extra(write) => report.extra.push(write),
                Said::Change(change) => report.membership = Some(change),
                Said::HouseholdExtra(_) => {}
            }
        }
        Accepted {
            submission: Submission {
                id: SubmissionId(Uuid::from_u128(id)),
                kind: SubmissionKind::Survey,
                household: household(),
                round: round(),
                captured_at: datetime!(2026-11-23 08:00 UTC) + Duration::minutes(minute),
                base: base
                    .iter()
                    .map(|b| SubmissionId(Uuid::from_u128(*b)))
                    .collect(),
                household_writes: vec![],
                members: members.into_values().collect(),
                household_extra,
            },
            author: format!("user{}", id % 3),
        }
    }

    fn writes(list: Vec<(u8, FieldWrite)>) -> Vec<(u8, Said)> {
        list.into_iter().map(|(n, w)| (n, Said::Write(w))).collect()
    }

    fn merge(subs: &[Accepted]) -> HouseholdLedger {
        merge_household(&household(), round(), Some(&previous()), subs)
    }

    fn employed() -> FieldWrite {
        FieldWrite::Employment(Some(EmploymentStatus::Employed))
    }

    fn student() -> FieldWrite {
        FieldWrite::Employment(Some(EmploymentStatus::Student))
    }

    #[test]
    fn a_write_lands_with_its_provenance() {
        let ledger = merge(&[accepted(1, 0, &[], writes(vec![(2, employed())]))]);
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
        let first = accepted(1, 10, &[], writes(vec![(1, employed())]));
        // Captured earlier by the clock, but made from a form that included `first`.
        let second = accepted(2, 5, &[1], writes(vec![(1, student())]));
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
            accepted(1, 10, &[], writes(vec![(1, employed())])),
            accepted(2, 5, &[], writes(vec![(1, student())])),
        ]);
        assert_eq!(
            ledger.members[0].record.employment,
            Some(EmploymentStatus::Employed)
        );
        assert_eq!(ledger.conflicts.len(), 1);
        assert!(matches!(
            &ledger.conflicts[..],
            [Conflict::Field { candidates, .. }] if candidates.len() == 2
        ));
    }

    #[test]
    fn concurrent_agreeing_writes_do_not_conflict() {
        let ledger = merge(&[
            accepted(1, 10, &[], writes(vec![(1, employed())])),
            accepted(2, 5, &[], writes(vec![(1, employed())])),
        ]);
        assert!(ledger.conflicts.is_empty());
    }

    #[test]
    fn an_unchanged_report_counts_as_surveyed_without_changing_values() {
        let sub = accepted(1, 0, &[], vec![]);
        let mut sub = sub;
        sub.submission.members = vec![MemberReport {
            person: person(3),
            membership: None,
            writes: vec![],
            extra: Vec::new(),
        }];
        let ledger = merge(&[sub]);
        assert!(ledger.is_surveyed());
        assert!(ledger.members[2].surveyed_by.is_some());
        let before: Vec<_> = previous().members.into_iter().map(|m| m.record).collect();
        let after: Vec<_> = ledger.members.into_iter().map(|m| m.record).collect();
        assert_eq!(before, after);
    }

    #[test]
    fn a_resolution_that_knows_both_sides_ends_the_conflict() {
        let a = accepted(1, 10, &[], writes(vec![(1, employed())]));
        let b = accepted(2, 5, &[], writes(vec![(1, student())]));
        let mut resolution = accepted(3, 20, &[1, 2], writes(vec![(1, student())]));
        resolution.submission.kind = SubmissionKind::Resolution;

        let ledger = merge(&[a, b, resolution]);

        assert!(ledger.conflicts.is_empty());
        assert_eq!(
            ledger.members[0].record.employment,
            Some(EmploymentStatus::Student)
        );
        let outcomes: Vec<Outcome> = ledger.members[0].trail.iter().map(|t| t.outcome).collect();
        assert_eq!(
            outcomes,
            [Outcome::Superseded, Outcome::Superseded, Outcome::Stands]
        );
    }

    #[test]
    fn the_trail_keeps_every_value_and_what_became_of_it() {
        let ledger = merge(&[
            accepted(1, 10, &[], writes(vec![(1, employed())])),
            accepted(2, 5, &[], writes(vec![(1, student())])),
        ]);
        let trail = &ledger.members[0].trail;
        assert_eq!(trail.len(), 2);
        assert_eq!(trail[0].write, student());
        assert_eq!(trail[0].outcome, Outcome::InConflict);
        assert_eq!(trail[1].outcome, Outcome::Stands);
    }

    #[test]
    fn a_member_joins_with_a_reason_and_fields() {
        let ledger = merge(&[accepted(
            1,
            0,
            &[],
            vec![
                (9, Said::Change(Membership::Joined(JoinReason::Newborn))),
                (9, Said::Write(FieldWrite::Name(Some("新生".into())))),
            ],
        )]);
        let newborn = ledger
            .members
            .iter()
            .find(|m| m.person == person(9))
            .unwrap();
        assert_eq!(newborn.joined, Some(JoinReason::Newborn));
        assert_eq!(newborn.record.name.as_deref(), Some("新生"));
        assert!(newborn.is_present());
    }

    #[test]
    fn a_member_who_left_is_not_carried_into_the_next_round() {
        let ledger = merge(&[accepted(
            1,
            0,
            &[],
            vec![(2, Said::Change(Membership::Left(LeaveReason::Deceased)))],
        )]);
        assert_eq!(ledger.members[1].left, Some(LeaveReason::Deceased));
        assert!(ledger.conflicts.is_empty());

        let next = merge_household(&household(), round(), Some(&ledger), &[]);
        assert_eq!(next.members.len(), 3);
        assert!(next.members.iter().all(|m| m.person != person(2)));
    }

    #[test]
    fn a_removal_concurrent_with_an_edit_is_a_conflict_and_keeps_the_edit() {
        let removal = accepted(
            1,
            10,
            &[],
            vec![(2, Said::Change(Membership::Left(LeaveReason::MovedOut)))],
        );
        let edit = accepted(2, 5, &[], writes(vec![(2, employed())]));

        let ledger = merge(&[removal, edit]);

        assert!(matches!(
            &ledger.conflicts[..],
            [Conflict::RemovedWhileEdited { person: p, edits, .. }] if *p == person(2) && edits.len() == 1
        ));
        assert_eq!(
            ledger.members[1].record.employment,
            Some(EmploymentStatus::Employed)
        );
    }

    #[test]
    fn a_removal_that_knew_the_edit_is_no_conflict() {
        let edit = accepted(1, 5, &[], writes(vec![(2, employed())]));
        let removal = accepted(
            2,
            10,
            &[1],
            vec![(2, Said::Change(Membership::Left(LeaveReason::MovedOut)))],
        );
        let ledger = merge(&[removal, edit]);
        assert!(ledger.conflicts.is_empty());
        assert_eq!(ledger.members[1].left, Some(LeaveReason::MovedOut));
    }

    #[test]
    fn added_fields_merge_like_built_in_ones_with_trails_and_conflicts() {
        let pension = crate::extra::ExtraKey::parse("pension").unwrap();
        let write = |b| {
            Said::Extra(ExtraWrite {
                key: pension,
                value: Some(ExtraValue::Bool(b)),
            })
        };
        let first = accepted(1, 5, &[], vec![(2, write(false))]);
        let knew_it = accepted(2, 6, &[1], vec![(2, write(true))]);
        let ledger = merge(&[knew_it.clone(), first.clone()]);
        let member = &ledger.members[1];
        assert_eq!(
            member.record.extra.get(pension),
            Some(&ExtraValue::Bool(true))
        );
        assert_eq!(
            member.extra_sources[&pension].submission,
            Some(SubmissionId(Uuid::from_u128(2)))
        );
        assert_eq!(member.extra_trail.len(), 2);
        assert_eq!(member.extra_trail[0].outcome, Outcome::Superseded);
        assert!(ledger.conflicts.is_empty());

        let concurrent = accepted(3, 7, &[], vec![(2, write(false))]);
        let ledger = merge(&[first, knew_it, concurrent]);
        assert!(matches!(
            &ledger.conflicts[..],
            [Conflict::Extra { person: Some(p), field, candidates }]
                if *p == person(2) && *field == pension && candidates.len() == 2
        ));
        let next = merge_household(&household(), round(), Some(&ledger), &[]);
        assert_eq!(
            next.members[1].record.extra.get(pension),
            Some(&ExtraValue::Bool(false)),
            "carried into the next round"
        );
    }

    #[test]
    fn household_fields_merge_like_member_fields() {
        let mut a = accepted(1, 10, &[], vec![]);
        a.submission.household_writes = vec![HouseholdWrite::Monitored(Some(true))];
        let mut b = accepted(2, 5, &[], vec![]);
        b.submission.household_writes = vec![HouseholdWrite::Monitored(Some(false))];

        let ledger = merge(&[a, b]);

        assert_eq!(ledger.record.monitored, Some(true));
        assert!(matches!(
            &ledger.conflicts[..],
            [Conflict::Household {
                field: HouseholdKey::Monitored,
                ..
            }]
        ));
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

    fn any_extra() -> impl Strategy<Value = ExtraWrite> {
        let key = prop_oneof![Just("pension"), Just("returned_home")]
            .prop_map(|k| crate::extra::ExtraKey::parse(k).unwrap());
        let value = prop_oneof![
            Just(None),
            any::<bool>().prop_map(|b| Some(ExtraValue::Bool(b))),
            (0i64..3).prop_map(|n| Some(ExtraValue::Int(n * 500))),
        ];
        (key, value).prop_map(|(key, value)| ExtraWrite { key, value })
    }

    fn any_said() -> impl Strategy<Value = Said> {
        prop_oneof![
            4 => any_write().prop_map(Said::Write),
            2 => any_extra().prop_map(Said::Extra),
            1 => any_extra().prop_map(Said::HouseholdExtra),
            1 => Just(Said::Change(Membership::Left(LeaveReason::MovedOut))),
            1 => Just(Said::Change(Membership::Joined(JoinReason::Newborn))),
        ]
    }

    fn any_submissions() -> impl Strategy<Value = Vec<Accepted>> {
        prop::collection::vec(
            (
                0i64..4, // Few distinct minutes, so stamps tie often.
                prop::collection::vec(0u128..8, 0..3),
                // Person 5 is not in last round's ledger: a join.
                prop::collection::vec((1u8..=5, any_said()), 0..6),
            ),
            0..8,
        )
        .prop_map(|subs| {
            subs.into_iter()
                .enumerate()
                .map(|(idx, (minute, base, said))| accepted(idx as u128, minute, &base, said))
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
