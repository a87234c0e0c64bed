//! How fast the merge rule folds submissions into a 4-member household's ledger.
//!
//! `cargo bench -p shared --bench merge`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use shared::codes::{Channel, EmploymentStatus, SubmissionKind, WorkPlace};
use shared::merge::{Accepted, HouseholdLedger, MemberLedger, merge_household};
use shared::place::{HouseholdCode, PersonId};
use shared::record::{FieldWrite, LabourRecord};
use shared::round::Round;
use shared::wire::{MemberReport, Submission, SubmissionId};
use time::Duration;
use time::macros::datetime;
use uuid::Uuid;

fn person(n: usize) -> PersonId {
    PersonId::parse(&format!("H1-{n}")).expect("plain id")
}

fn previous() -> HouseholdLedger {
    let household = HouseholdCode::parse("H1").expect("plain code");
    let round = Round::parse("2026Q3").expect("valid round");
    HouseholdLedger {
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
        ..merge_household(&household, round, None, &[])
    }
}

/// `n` submissions, each writing three fields of every member; every other
/// one knows its predecessor, so there are both superseded writes and conflicts.
fn submissions(n: usize) -> Vec<Accepted> {
    (0..n)
        .map(|idx| Accepted {
            submission: Submission {
                id: SubmissionId(Uuid::from_u128(idx as u128 + 1)),
                kind: SubmissionKind::Survey,
                household_writes: vec![],
                household: HouseholdCode::parse("H1").expect("plain code"),
                round: Round::parse("2026Q4").expect("valid round"),
                captured_at: datetime!(2026-11-23 08:00 UTC) + Duration::minutes(idx as i64),
                base: if idx % 2 == 1 {
                    vec![SubmissionId(Uuid::from_u128(idx as u128))]
                } else {
                    vec![]
                },
                members: (1..=4)
                    .map(|m| MemberReport {
                        person: person(m),
                        membership: None,
                        extra: Vec::new(),
                        writes: vec![
                            FieldWrite::Employment(Some(EmploymentStatus::Employed)),
                            FieldWrite::Channel(Some(
                                [Channel::Workshop, Channel::Local, Channel::Migrant][idx % 3],
                            )),
                            FieldWrite::WorkPlace(Some(WorkPlace::InCounty)),
                        ],
                    })
                    .collect(),
                household_extra: Vec::new(),
            },
            author: format!("surveyor{}", idx % 3),
        })
        .collect()
}

fn bench_merge(c: &mut Criterion) {
    let household = HouseholdCode::parse("H1").expect("plain code");
    let round = Round::parse("2026Q4").expect("valid round");
    let previous = previous();
    let mut group = c.benchmark_group("merge_household");
    for n in [1usize, 4, 16, 64] {
        let subs = submissions(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &subs, |b, subs| {
            b.iter(|| merge_household(&household, round, Some(&previous), black_box(subs)));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_merge);
criterion_main!(benches);
