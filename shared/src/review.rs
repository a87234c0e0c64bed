//! 审核: what supervisors review. What each submission changed and where it
//! stands in review; a ledger's open conflicts laid out side by side; and
//! the resolution that settles one conflict by choosing a side.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use crate::codes::{ClockDoubt, ReviewDecision, SubmissionKind};
use crate::extra::{ExtraKey, ExtraWrite};
use crate::merge::{Conflict, HouseholdLedger, MemberLedger, Provenance};
use crate::place::PersonId;
use crate::record::{FieldKey, FieldWrite, HouseholdKey, Membership};
use crate::wire::{
    ChangeSummary, ConflictMember, ConflictSide, ConflictSides, Edits, HouseholdPlace,
    MemberReport, OpenConflict, ResolveConflict, Review, ReviewState, Submission, SubmissionId,
};

/// What `open_conflicts` adds to each side: when its submission arrived,
/// and its author's display name.
#[derive(Clone, Copy, Debug)]
pub struct SideInfo<'a> {
    pub received: &'a BTreeMap<SubmissionId, OffsetDateTime>,
    pub names: &'a BTreeMap<String, String>,
}

/// Why no resolution can be made of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResolveError {
    /// The field names no member or household field, nor `membership`.
    UnknownField,
    /// The ledger has no open conflict on that field.
    NoSuchConflict,
    /// The chosen submission is not a side of the conflict.
    NotASide,
    /// Keeping a member whose removal is in conflict needs a reason to
    /// rejoin them, which a supervisor gives in a resolution of their own.
    KeepNeedsJoin,
}

/// Counts what a submission changed.
/// How far ahead of its arrival a capture may say it was made before its
/// time is doubted: phones' clocks drift a little.
pub const CLOCK_SLACK: time::Duration = time::Duration::minutes(10);

/// Whether the capture time a submission gives is implausible: after the
/// server received it (beyond `CLOCK_SLACK`), or before its round began in
/// China.
pub fn clock_doubt(sub: &Submission, received_at: OffsetDateTime) -> Option<ClockDoubt> {
    let began = crate::round::start_of_day(sub.round.first_day());
    if sub.captured_at > received_at + CLOCK_SLACK {
        Some(ClockDoubt::Ahead)
    } else if sub.captured_at < began {
        Some(ClockDoubt::BeforeRound)
    } else {
        None
    }
}

pub fn summarize(sub: &Submission) -> ChangeSummary {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let changes = |pick: fn(&Membership) -> bool| {
        count(
            sub.members
                .iter()
                .filter(|m| m.membership.as_ref().is_some_and(pick))
                .count(),
        )
    };
    ChangeSummary {
        members: count(sub.members.len()),
        writes: count(
            sub.members
                .iter()
                .map(|m| m.writes.len() + m.extra.len())
                .sum(),
        ),
        household_writes: count(sub.household_writes.len() + sub.household_extra.len()),
        joined: changes(|m| matches!(m, Membership::Joined(_))),
        left: changes(|m| matches!(m, Membership::Left(_))),
    }
}

/// For each submission that another names in its base, the first of those
/// (by capture time, then id): the one made from a state that included it.
pub fn successors<'a>(
    subs: impl IntoIterator<Item = &'a Submission>,
) -> BTreeMap<SubmissionId, SubmissionId> {
    let mut first: BTreeMap<SubmissionId, (OffsetDateTime, SubmissionId)> = BTreeMap::new();
    for sub in subs {
        for base in &sub.base {
            let candidate = (sub.captured_at, sub.id);
            first
                .entry(*base)
                .and_modify(|earliest| *earliest = (*earliest).min(candidate))
                .or_insert(candidate);
        }
    }
    first.into_iter().map(|(id, (_, by))| (id, by)).collect()
}

/// Where a submission stands, given the decision on it and the first
/// submission made from a state that included it.
pub fn review_state(review: Option<&Review>, successor: Option<SubmissionId>) -> ReviewState {
    let Some(review) = review else {
        return ReviewState::Pending;
    };
    let (by, at) = (review.by.clone(), review.at);
    match (review.decision, successor) {
        (ReviewDecision::Approve, _) => ReviewState::Approved { by, at },
        (ReviewDecision::Return, None) => ReviewState::Returned {
            by,
            at,
            reason: review.reason.clone().unwrap_or_default(),
        },
        (ReviewDecision::Return, Some(correction)) => ReviewState::Corrected {
            by,
            at,
            reason: review.reason.clone().unwrap_or_default(),
            correction,
        },
    }
}

/// Whether a submission can still be returned to its resident work team: it
/// is their survey, and nothing has been made from a state that included it
/// (after that, the phone has moved on and the return would never show).
pub fn is_returnable(sub: &Submission, successor: Option<SubmissionId>) -> bool {
    sub.kind == SubmissionKind::Survey && successor.is_none()
}

/// Every open conflict of `ledger`, in the ledger's order, each side with
/// what `info` knows of it.
pub fn open_conflicts(
    place: &HouseholdPlace,
    ledger: &HouseholdLedger,
    info: SideInfo<'_>,
) -> Vec<OpenConflict> {
    let member = |person: &PersonId| {
        let known = ledger.members.iter().find(|m| &m.person == person);
        Some(ConflictMember {
            person: person.clone(),
            name: known.and_then(|m| m.record.name.clone()),
        })
    };
    ledger
        .conflicts
        .iter()
        .map(|conflict| {
            let (member, field, sides) = match conflict {
                Conflict::Field {
                    person,
                    field,
                    candidates,
                } => (
                    member(person),
                    field.name().to_owned(),
                    ConflictSides::Field {
                        sides: sides_of(candidates, info),
                    },
                ),
                Conflict::Household { field, candidates } => (
                    None,
                    field.name().to_owned(),
                    ConflictSides::Household {
                        sides: sides_of(candidates, info),
                    },
                ),
                Conflict::Extra {
                    person,
                    field,
                    candidates,
                } => (
                    person.as_ref().and_then(member),
                    field.field_name(),
                    ConflictSides::Extra {
                        sides: sides_of(candidates, info),
                    },
                ),
                Conflict::Membership { person, candidates } => (
                    member(person),
                    MEMBERSHIP.to_owned(),
                    ConflictSides::Membership {
                        sides: sides_of(candidates, info),
                    },
                ),
                Conflict::RemovedWhileEdited {
                    person,
                    removal,
                    edits,
                } => {
                    let known = ledger.members.iter().find(|m| &m.person == person);
                    let left = known
                        .and_then(|m| m.left)
                        .map(Membership::Left)
                        .expect("a removed member has left");
                    let edits = edits
                        .iter()
                        .map(|edit| side(writes_of(known, edit), edit, true, info))
                        .collect();
                    (
                        member(person),
                        MEMBERSHIP.to_owned(),
                        ConflictSides::RemovedWhileEdited {
                            removal: side(left, removal, true, info),
                            edits,
                        },
                    )
                }
            };
            OpenConflict {
                household: place.clone(),
                member,
                field,
                sides,
            }
        })
        .collect()
}

fn side<W>(write: W, provenance: &Provenance, stands: bool, info: SideInfo<'_>) -> ConflictSide<W> {
    ConflictSide {
        write,
        author_name: info.names.get(&provenance.author).cloned(),
        received_at: provenance
            .submission
            .and_then(|id| info.received.get(&id).copied()),
        provenance: provenance.clone(),
        stands,
    }
}

/// A conflict's candidates as sides. They come in stamp order, and the
/// last one's value is the one that stands.
fn sides_of<W: Clone + PartialEq>(
    candidates: &[(W, Provenance)],
    info: SideInfo<'_>,
) -> Vec<ConflictSide<W>> {
    let standing = candidates.last().map(|(write, _)| write);
    candidates
        .iter()
        .map(|(write, provenance)| side(write.clone(), provenance, Some(write) == standing, info))
        .collect()
}

/// How conflicts over who belongs to the household are named.
const MEMBERSHIP: &str = "membership";

/// What one submission wrote to a member, from the member's trails.
fn writes_of(member: Option<&MemberLedger>, provenance: &Provenance) -> Edits {
    Edits {
        writes: (member.into_iter().flat_map(|m| &m.trail))
            .filter(|entry| &entry.provenance == provenance)
            .map(|entry| entry.write.clone())
            .collect(),
        extra: (member.into_iter().flat_map(|m| &m.extra_trail))
            .filter(|entry| &entry.provenance == provenance)
            .map(|entry| entry.write.clone())
            .collect(),
    }
}

/// The resolution that settles the conflict `request` names in `ledger`
/// with the chosen side: a submission that knows every submission merged
/// so far (so it supersedes every side) and writes the chosen value again.
pub fn resolution(
    ledger: &HouseholdLedger,
    request: &ResolveConflict,
    captured_at: OffsetDateTime,
) -> Result<Submission, ResolveError> {
    let mut res = Submission {
        id: request.id,
        kind: SubmissionKind::Resolution,
        household: ledger.household.clone(),
        round: ledger.round,
        captured_at,
        base: ledger.submissions.clone(),
        household_writes: Vec::new(),
        household_extra: Vec::new(),
        members: Vec::new(),
    };
    if let Some(key) = ExtraKey::from_field_name(&request.field) {
        let write = chosen_write(ledger, request.choose, |c| match c {
            Conflict::Extra {
                person,
                field,
                candidates,
            } if *field == key && person == &request.member => Some(candidates),
            _ => None,
        })?;
        match &request.member {
            None => res.household_extra.push(write),
            Some(person) => res.members.push(MemberReport {
                person: person.clone(),
                membership: None,
                writes: Vec::new(),
                extra: vec![write],
            }),
        }
        return Ok(res);
    }
    let Some(person) = &request.member else {
        let key = HouseholdKey::ALL
            .iter()
            .find(|k| k.name() == request.field)
            .ok_or(ResolveError::UnknownField)?;
        let write = chosen_write(ledger, request.choose, |c| match c {
            Conflict::Household { field, candidates } if field == key => Some(candidates),
            _ => None,
        })?;
        res.household_writes.push(write);
        return Ok(res);
    };
    let mut report = MemberReport {
        person: person.clone(),
        membership: None,
        writes: Vec::new(),
        extra: Vec::new(),
    };
    if request.field == MEMBERSHIP {
        report.membership = Some(membership_chosen(ledger, person, request.choose)?);
    } else {
        let key = FieldKey::ALL
            .iter()
            .find(|k| k.name() == request.field)
            .ok_or(ResolveError::UnknownField)?;
        let write = chosen_write(ledger, request.choose, |c| match c {
            Conflict::Field {
                person: p,
                field,
                candidates,
            } if p == person && field == key => Some(candidates),
            _ => None,
        })?;
        report.writes.push(write);
    }
    res.members.push(report);
    Ok(res)
}

/// The write of the side `choose` of the conflict `pick` finds.
fn chosen_write<'a, W: Clone + 'a>(
    ledger: &'a HouseholdLedger,
    choose: SubmissionId,
    pick: impl Fn(&'a Conflict) -> Option<&'a Vec<(W, Provenance)>>,
) -> Result<W, ResolveError> {
    let candidates = (ledger.conflicts.iter())
        .find_map(pick)
        .ok_or(ResolveError::NoSuchConflict)?;
    candidates
        .iter()
        .find(|(_, p)| p.submission == Some(choose))
        .map(|(write, _)| write.clone())
        .ok_or(ResolveError::NotASide)
}

/// Whether `sub` is the resolution `request` asks for, so that a retry of
/// a request already taken in can be answered with its receipt.
pub fn resolves(sub: &Submission, request: &ResolveConflict) -> bool {
    let writes_field =
        |writes: &[FieldWrite]| matches!(writes, [write] if write.key().name() == request.field);
    let writes_extra = |writes: &[ExtraWrite]| matches!(writes, [write] if write.key.field_name() == request.field);
    let same_change = match &request.member {
        None => {
            sub.members.is_empty()
                && match (&sub.household_writes[..], &sub.household_extra[..]) {
                    ([write], []) => write.key().name() == request.field,
                    ([], extra) => writes_extra(extra),
                    _ => false,
                }
        }
        Some(person) => {
            sub.household_writes.is_empty()
                && sub.household_extra.is_empty()
                && matches!(&sub.members[..], [report] if &report.person == person
                && if request.field == MEMBERSHIP {
                    report.membership.is_some() && report.writes.is_empty() && report.extra.is_empty()
                } else {
                    report.membership.is_none()
                        && ((writes_field(&report.writes) && report.extra.is_empty())
                            || (report.writes.is_empty() && writes_extra(&report.extra)))
                })
        }
    };
    sub.kind == SubmissionKind::Resolution
        && sub.id == request.id
        && sub.household == request.household
        && request.round.is_none_or(|round| round == sub.round)
        && sub.base.contains(&request.choose)
        && same_change
}

/// The membership the chosen side stands for: a side of a membership
/// conflict, or the removal of a member removed while edited.
fn membership_chosen(
    ledger: &HouseholdLedger,
    person: &PersonId,
    choose: SubmissionId,
) -> Result<Membership, ResolveError> {
    let chosen = |provenance: &Provenance| provenance.submission == Some(choose);
    let mut found = false;
    for conflict in &ledger.conflicts {
        if let Conflict::Membership {
            person: p,
            candidates,
        } = conflict
            && p == person
        {
            found = true;
            if let Some((change, _)) = candidates.iter().find(|(_, prov)| chosen(prov)) {
                return Ok(*change);
            }
        }
    }
    for conflict in &ledger.conflicts {
        if let Conflict::RemovedWhileEdited {
            person: p,
            removal,
            edits,
        } = conflict
            && p == person
        {
            found = true;
            if chosen(removal) {
                let left = ledger
                    .members
                    .iter()
                    .find(|m| &m.person == person)
                    .and_then(|m| m.left)
                    .expect("a removed member has left");
                return Ok(Membership::Left(left));
            }
            if edits.iter().any(chosen) {
                return Err(ResolveError::KeepNeedsJoin);
            }
        }
    }
    Err(if found {
        ResolveError::NotASide
    } else {
        ResolveError::NoSuchConflict
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;
    use crate::codes::{EmploymentStatus, LeaveReason};
    use crate::merge::{Accepted, merge_household};
    use crate::place::{GridCode, HouseholdCode};
    use crate::record::{HouseholdWrite, LabourRecord};
    use crate::round::Round;

    fn person(n: u8) -> PersonId {
        PersonId::parse(&format!("P{n}")).unwrap()
    }

    fn id(n: u128) -> SubmissionId {
        SubmissionId(Uuid::from_u128(n))
    }

    fn household() -> HouseholdCode {
        HouseholdCode::parse("H1").unwrap()
    }

    fn round() -> Round {
        Round::parse("2026Q4").unwrap()
    }

    fn place() -> HouseholdPlace {
        HouseholdPlace {
            code: household(),
            grid: GridCode::parse("G1").unwrap(),
            building: "1号楼".into(),
            floor: 3,
            room: "302".into(),
        }
    }

    fn previous() -> HouseholdLedger {
        let mut ledger = merge_household(&household(), round().previous(), None, &[]);
        ledger.members = (1..=3)
            .map(|n| MemberLedger {
                record: LabourRecord {
                    name: Some(format!("成员{n}")),
                    ..LabourRecord::default()
                },
                ..MemberLedger::new(person(n))
            })
            .collect();
        ledger
    }

    /// What one generated submission says of one member, or of the household.
    #[derive(Clone, Debug)]
    enum Said {
        Write(u8, FieldWrite),
        Change(u8, Membership),
        Household(HouseholdWrite),
        /// To a member's added field, or (without one) the household's.
        Extra(Option<u8>, ExtraWrite),
    }

    fn accepted(n: u128, minute: i64, base: &[u128], said: &[Said]) -> Accepted {
        let mut members: BTreeMap<PersonId, MemberReport> = BTreeMap::new();
        let mut household_writes = Vec::new();
        let mut household_extra: Vec<ExtraWrite> = Vec::new();
        let report = |members: &mut BTreeMap<PersonId, MemberReport>, p: u8| {
            members.entry(person(p)).or_insert_with(|| MemberReport {
                person: person(p),
                membership: None,
                writes: vec![],
                extra: Vec::new(),
            });
        };
        for said in said {
            match said {
                Said::Write(p, write) => {
                    report(&mut members, *p);
                    let report = members.get_mut(&person(*p)).unwrap();
                    report.writes.retain(|w| w.key() != write.key());
                    report.writes.push(write.clone());
                }
                Said::Change(p, change) => {
                    report(&mut members, *p);
                    members.get_mut(&person(*p)).unwrap().membership = Some(*change);
                }
                Said::Household(write) => {
                    household_writes.retain(|w: &HouseholdWrite| w.key() != write.key());
                    household_writes.push(write.clone());
                }
                Said::Extra(None, write) => {
                    household_extra.retain(|w| w.key != write.key);
                    household_extra.push(write.clone());
                }
                Said::Extra(Some(p), write) => {
                    report(&mut members, *p);
                    let report = members.get_mut(&person(*p)).unwrap();
                    report.extra.retain(|w| w.key != write.key);
                    report.extra.push(write.clone());
                }
            }
        }
        Accepted {
            submission: Submission {
                id: id(n),
                kind: SubmissionKind::Survey,
                household: household(),
                round: round(),
                captured_at: datetime!(2026-11-23 08:00 UTC) + Duration::minutes(minute),
                base: base.iter().map(|b| id(*b)).collect(),
                household_writes,
                members: members.into_values().collect(),
                household_extra,
            },
            author: format!("user{}", n % 2),
        }
    }

    #[test]
    fn a_capture_after_its_arrival_or_before_its_round_is_doubted() {
        let captured = |at: OffsetDateTime| Submission {
            id: id(1),
            kind: SubmissionKind::Survey,
            household: household(),
            round: round(),
            captured_at: at,
            base: Vec::new(),
            household_writes: Vec::new(),
            members: Vec::new(),
            household_extra: Vec::new(),
        };
        let arrived = datetime!(2026-11-23 08:00 UTC);

        // A phone's clock a few minutes off is no cause for doubt.
        assert_eq!(
            clock_doubt(&captured(arrived + Duration::minutes(9)), arrived),
            None
        );
        assert_eq!(
            clock_doubt(&captured(arrived - Duration::days(20)), arrived),
            None
        );
        assert_eq!(
            clock_doubt(&captured(arrived + Duration::hours(5)), arrived),
            Some(ClockDoubt::Ahead)
        );
        // 2026Q4 began at midnight on 1 October in China, 16:00 UTC the day before.
        assert_eq!(
            clock_doubt(&captured(datetime!(2026-09-30 16:00 UTC)), arrived),
            None
        );
        assert_eq!(
            clock_doubt(&captured(datetime!(2026-09-30 15:59 UTC)), arrived),
            Some(ClockDoubt::BeforeRound)
        );
    }

    fn merge(subs: &[Accepted]) -> HouseholdLedger {
        merge_household(&household(), round(), Some(&previous()), subs)
    }

    fn employment(status: EmploymentStatus) -> FieldWrite {
        FieldWrite::Employment(Some(status))
    }

    fn request(member: Option<u8>, field: &str, choose: u128) -> ResolveConflict {
        ResolveConflict {
            id: id(99),
            household: household(),
            round: None,
            member: member.map(person),
            field: field.into(),
            choose: id(choose),
        }
    }

    fn info_none() -> (
        BTreeMap<SubmissionId, OffsetDateTime>,
        BTreeMap<String, String>,
    ) {
        (BTreeMap::new(), BTreeMap::new())
    }

    #[test]
    fn a_summary_counts_writes_joins_and_leaves() {
        let sub = accepted(
            1,
            0,
            &[],
            &[
                Said::Write(1, employment(EmploymentStatus::Employed)),
                Said::Write(1, FieldWrite::MonthsWorked(Some(3))),
                Said::Change(2, Membership::Left(LeaveReason::MovedOut)),
                Said::Household(HouseholdWrite::Monitored(Some(true))),
            ],
        );
        assert_eq!(
            summarize(&sub.submission),
            ChangeSummary {
                members: 2,
                writes: 2,
                household_writes: 1,
                joined: 0,
                left: 1,
            }
        );
    }

    #[test]
    fn a_return_is_corrected_by_the_first_submission_that_knew_it() {
        let returned = accepted(1, 0, &[], &[]);
        let later = accepted(3, 20, &[1], &[]);
        let first = accepted(2, 10, &[1], &[]);
        let next = successors([&returned, &later, &first].map(|a| &a.submission));
        let review = Review {
            submission: id(1),
            decision: ReviewDecision::Return,
            reason: Some("收入有误".into()),
            by: "supervisor".into(),
            at: datetime!(2026-11-24 08:00 UTC),
        };

        assert_eq!(next.get(&id(1)), Some(&id(2)));
        assert_eq!(next.get(&id(2)), None);
        assert!(matches!(
            review_state(Some(&review), next.get(&id(1)).copied()),
            ReviewState::Corrected { correction, .. } if correction == id(2)
        ));
        assert_eq!(review_state(Some(&review), None).name(), "returned");
        assert_eq!(review_state(None, Some(id(2))), ReviewState::Pending);
        assert!(!is_returnable(&returned.submission, Some(id(2))));
        assert!(is_returnable(&first.submission, None));
    }

    #[test]
    fn a_field_conflict_lists_both_sides_with_the_standing_one_marked() {
        let a = accepted(
            1,
            10,
            &[],
            &[Said::Write(1, employment(EmploymentStatus::Employed))],
        );
        let b = accepted(
            2,
            5,
            &[],
            &[Said::Write(1, employment(EmploymentStatus::Student))],
        );
        let ledger = merge(&[a, b]);
        let received = BTreeMap::from([(id(1), datetime!(2026-11-23 09:00 UTC))]);
        let names = BTreeMap::from([("user1".to_owned(), "李文华".to_owned())]);

        let conflicts = open_conflicts(
            &place(),
            &ledger,
            SideInfo {
                received: &received,
                names: &names,
            },
        );

        let [conflict] = &conflicts[..] else {
            panic!("one conflict: {conflicts:?}")
        };
        assert_eq!(conflict.field, "employment");
        assert_eq!(
            conflict.member.as_ref().unwrap().name.as_deref(),
            Some("成员1")
        );
        let ConflictSides::Field { sides } = &conflict.sides else {
            panic!("a field conflict")
        };
        let summary: Vec<_> = sides
            .iter()
            .map(|s| {
                (
                    s.provenance.submission,
                    s.author_name.as_deref(),
                    s.received_at.is_some(),
                    s.stands,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (Some(id(2)), None, false, false),
                (Some(id(1)), Some("李文华"), true, true)
            ]
        );
    }

    #[test]
    fn keeping_a_member_removed_while_edited_needs_a_join_reason() {
        let removal = accepted(
            1,
            10,
            &[],
            &[Said::Change(2, Membership::Left(LeaveReason::MovedOut))],
        );
        let edit = accepted(
            2,
            5,
            &[],
            &[Said::Write(2, employment(EmploymentStatus::Employed))],
        );
        let ledger = merge(&[removal, edit]);
        let (received, names) = info_none();
        let conflicts = open_conflicts(
            &place(),
            &ledger,
            SideInfo {
                received: &received,
                names: &names,
            },
        );
        assert!(matches!(
            &conflicts[0].sides,
            ConflictSides::RemovedWhileEdited { edits, .. } if edits[0].write.writes.len() == 1
        ));

        let at = datetime!(2026-11-25 08:00 UTC);
        assert_eq!(
            resolution(&ledger, &request(Some(2), "membership", 2), at),
            Err(ResolveError::KeepNeedsJoin)
        );
        assert_eq!(
            resolution(&ledger, &request(Some(2), "membership", 7), at),
            Err(ResolveError::NotASide)
        );
        assert_eq!(
            resolution(&ledger, &request(Some(1), "membership", 1), at),
            Err(ResolveError::NoSuchConflict)
        );
        assert_eq!(
            resolution(&ledger, &request(Some(2), "mood", 1), at),
            Err(ResolveError::UnknownField)
        );
        assert!(resolution(&ledger, &request(Some(2), "membership", 1), at).is_ok());
    }

    #[test]
    fn a_resolution_is_recognised_by_what_it_was_asked_for() {
        let a = accepted(
            1,
            10,
            &[],
            &[Said::Write(1, employment(EmploymentStatus::Employed))],
        );
        let b = accepted(
            2,
            5,
            &[],
            &[Said::Write(1, employment(EmploymentStatus::Student))],
        );
        let ledger = merge(&[a, b]);
        let asked = ResolveConflict {
            id: id(99),
            ..request(Some(1), "employment", 2)
        };
        let at = datetime!(2026-11-25 08:00 UTC);

        let sub = resolution(&ledger, &asked, at).unwrap();

        assert!(resolves(&sub, &asked));
        assert!(!resolves(&sub, &request(Some(1), "months_worked", 2)));
        assert!(!resolves(&sub, &request(Some(2), "employment", 2)));
        assert!(!resolves(&sub, &request(None, "employment", 2)));
        assert!(!resolves(
            &sub,
            &ResolveConflict {
                id: id(98),
                ..asked.clone()
            }
        ));
    }

    fn pension(enrolled: bool) -> ExtraWrite {
        ExtraWrite {
            key: ExtraKey::parse("pension").unwrap(),
            value: Some(crate::extra::ExtraValue::Bool(enrolled)),
        }
    }

    #[test]
    fn a_removal_concurrent_with_an_added_field_shows_that_edit() {
        let removal = accepted(
            1,
            10,
            &[],
            &[Said::Change(2, Membership::Left(LeaveReason::MovedOut))],
        );
        let edit = accepted(2, 5, &[], &[Said::Extra(Some(2), pension(true))]);
        let ledger = merge(&[removal, edit]);
        let (received, names) = info_none();
        let info = SideInfo {
            received: &received,
            names: &names,
        };
        let conflicts = open_conflicts(&place(), &ledger, info);
        assert!(matches!(
            &conflicts[0].sides,
            ConflictSides::RemovedWhileEdited { edits, .. }
                if edits[0].write.writes.is_empty() && edits[0].write.extra == [pension(true)]
        ));
    }

    #[test]
    fn a_conflict_over_an_added_field_is_resolved_like_any_other() {
        let a = accepted(1, 10, &[], &[Said::Extra(Some(1), pension(true))]);
        let b = accepted(2, 5, &[], &[Said::Extra(Some(1), pension(false))]);
        let c = accepted(3, 10, &[], &[Said::Extra(None, pension(true))]);
        let d = accepted(4, 5, &[], &[Said::Extra(None, pension(false))]);
        let ledger = merge(&[a, b, c, d]);
        assert_eq!(ledger.conflicts.len(), 2);
        let at = datetime!(2026-11-25 08:00 UTC);
        for (member, choose) in [(Some(1), 2), (None, 4)] {
            let asked = request(member, "extra.pension", choose);
            let sub = resolution(&ledger, &asked, at).unwrap();
            assert!(resolves(&sub, &asked));
            assert!(!resolves(&sub, &request(member, "employment", choose)));
            let merged = merge(&[
                accepted(1, 10, &[], &[Said::Extra(Some(1), pension(true))]),
                accepted(2, 5, &[], &[Said::Extra(Some(1), pension(false))]),
                accepted(3, 10, &[], &[Said::Extra(None, pension(true))]),
                accepted(4, 5, &[], &[Said::Extra(None, pension(false))]),
                Accepted {
                    submission: sub,
                    author: "supervisor".into(),
                },
            ]);
            assert_eq!(
                merged.conflicts.len(),
                1,
                "that conflict, and only it, is settled"
            );
        }
        assert_eq!(
            resolution(&ledger, &request(Some(2), "extra.pension", 2), at),
            Err(ResolveError::NoSuchConflict)
        );
    }

    fn any_said() -> impl Strategy<Value = Said> {
        let status = prop::sample::select(vec![
            EmploymentStatus::Employed,
            EmploymentStatus::Unemployed,
            EmploymentStatus::Student,
        ]);
        prop_oneof![
            4 => (1u8..=3, status).prop_map(|(p, s)| Said::Write(p, employment(s))),
            2 => (1u8..=3, 0u8..3).prop_map(|(p, m)| Said::Write(p, FieldWrite::MonthsWorked(Some(m)))),
            1 => (1u8..=3).prop_map(|p| Said::Change(p, Membership::Left(LeaveReason::MovedOut))),
            1 => (1u8..=3).prop_map(|p| Said::Change(p, Membership::Left(LeaveReason::Deceased))),
            1 => any::<bool>().prop_map(|b| Said::Household(HouseholdWrite::Monitored(Some(b)))),
            2 => (proptest::option::of(1u8..=3), any::<bool>()).prop_map(|(p, b)| Said::Extra(p, pension(b))),
        ]
    }

    fn any_submissions() -> impl Strategy<Value = Vec<Accepted>> {
        prop::collection::vec(
            (
                0i64..3,
                prop::collection::vec(0u128..6, 0..2),
                prop::collection::vec(any_said(), 0..4),
            ),
            1..6,
        )
        .prop_map(|subs| {
            subs.into_iter()
                .enumerate()
                .map(|(n, (minute, base, said))| accepted(n as u128, minute, &base, &said))
                .collect()
        })
    }

    /// The (member, field) each open conflict can be resolved by, with the
    /// submissions that may be chosen and the value each stands for.
    fn choices(ledger: &HouseholdLedger) -> Vec<(Option<u8>, String, SubmissionId)> {
        let (received, names) = info_none();
        let info = SideInfo {
            received: &received,
            names: &names,
        };
        let number = |m: &Option<ConflictMember>| {
            m.as_ref()
                .map(|m| m.person.as_str()[1..].parse::<u8>().unwrap())
        };
        let mut res = Vec::new();
        for conflict in open_conflicts(&place(), ledger, info) {
            let ids: Vec<Option<SubmissionId>> = match &conflict.sides {
                ConflictSides::Field { sides } => {
                    sides.iter().map(|s| s.provenance.submission).collect()
                }
                ConflictSides::Household { sides } => {
                    sides.iter().map(|s| s.provenance.submission).collect()
                }
                ConflictSides::Extra { sides } => {
                    sides.iter().map(|s| s.provenance.submission).collect()
                }
                ConflictSides::Membership { sides } => {
                    sides.iter().map(|s| s.provenance.submission).collect()
                }
                ConflictSides::RemovedWhileEdited { removal, .. } => {
                    vec![removal.provenance.submission]
                }
            };
            for id in ids.into_iter().flatten() {
                res.push((number(&conflict.member), conflict.field.clone(), id));
            }
        }
        res
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn choosing_a_side_ends_that_conflict_and_its_value_stands(subs in any_submissions()) {
            let ledger = merge(&subs);
            for (member, field, choose) in choices(&ledger) {
                let req = ResolveConflict { id: id(100), ..request(member, &field, 0) };
                let req = ResolveConflict { choose, ..req };
                let at = datetime!(2026-11-23 07:00 UTC);
                let sub = resolution(&ledger, &req, at).expect("a side can be chosen");
                let mut all = subs.clone();
                all.push(Accepted { submission: sub.clone(), author: "supervisor".into() });

                let after = merge(&all);

                let still: Vec<_> = choices(&after)
                    .into_iter()
                    .filter(|(m, f, _)| *m == member && *f == field)
                    .collect();
                prop_assert!(still.is_empty(), "{member:?} {field} still open: {still:?}");
                let source = |p: &Provenance| p.submission == Some(sub.id);
                match (member, &sub.household_writes[..], &sub.members[..]) {
                    (None, [write], []) => {
                        prop_assert!(source(&after.sources[&write.key()]));
                        prop_assert_eq!(after.record.get(write.key()), write.clone());
                    }
                    (None, [], []) => {
                        let [write] = &sub.household_extra[..] else {
                            return Err(TestCaseError::fail("one write"));
                        };
                        prop_assert!(source(&after.extra_sources[&write.key]));
                        prop_assert_eq!(after.record.extra.get(write.key), write.value.as_ref());
                    }
                    (Some(_), [], [report]) => {
                        let m = after.members.iter().find(|m| m.person == report.person).unwrap();
                        if let Some(Membership::Left(reason)) = report.membership {
                            prop_assert_eq!(m.left, Some(reason));
                        }
                        for write in &report.writes {
                            prop_assert!(source(&m.sources[&write.key()]));
                            prop_assert_eq!(m.record.get(write.key()), write.clone());
                        }
                        for write in &report.extra {
                            prop_assert!(source(&m.extra_sources[&write.key]));
                            prop_assert_eq!(m.record.extra.get(write.key), write.value.as_ref());
                        }
                    }
                    other => prop_assert!(false, "unexpected resolution {other:?}"),
                }
            }
        }
    }
}
