//! The demo's round already under way (`anju serve --demo --demo-underway`):
//! grid 1's member has called on most of its households, the team has
//! surveyed some of them, one survey is back with them, and one visit was
//! sent from far outside the grid. So coverage, gaps, review, the map and its
//! flags have something to show on a fresh demo. Fixed seed, like the rest.
//!
//! The surveys pass the same checks `POST /api/v1/submissions` makes; a
//! household whose unchanged survey would not is left unsurveyed.

use geo::Centroid;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shared::codes::{ReviewDecision, SubmissionKind, VisitOutcome};
use shared::merge::Accepted;
use shared::round::{CHINA, Round};
use shared::validate::{check_against, check_submission};
use shared::wire::{MemberReport, Position, Review, Submission, SubmissionId, Visit};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use uuid::Uuid;

use super::round_start;
use crate::http::digest_of;
use crate::http::review::review_subject;
use crate::store::{HouseholdPlace, Recorded, Seed, Store, StoreError, StoredVisit};

const SEED: u64 = 2027;
/// The grid under way, and who works it.
const GRID: &str = "G1";
const GRID_MEMBER: &str = "grid";
const TEAM: &str = "surveyor";
const SUPERVISOR: &str = "supervisor";
const RETURN_REASON: &str = "户主已外出务工，请核实就业状态";
/// Minutes between one visit and the next.
const PACE_MINUTES: i64 = 4;

/// What the round under way holds, as stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Underway {
    pub visits: usize,
    pub surveys: usize,
    pub returned: usize,
}

/// Stores the round under way for the demo community `seed` in `round`.
pub async fn apply<S: Store>(
    store: &S,
    seed: &Seed,
    round: Round,
    now: OffsetDateTime,
) -> Result<Underway, StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut done = Underway::default();
    let mut at = first_visit(round, now);
    let homes: Vec<_> = seed
        .households
        .iter()
        .filter(|h| h.grid.as_str() == GRID)
        .collect();
    // One visit past the middle of the grid is sent from far away.
    let (far_from, mut far_sent) = (homes.len() / 2, false);
    for (i, home) in homes.iter().enumerate() {
        // About one in five not called on yet: the gaps a supervisor chases.
        if rng.gen_ratio(1, 5) {
            continue;
        }
        let outcome = if rng.gen_ratio(1, 6) {
            VisitOutcome::NotHome
        } else {
            VisitOutcome::Met
        };
        let Some(mut position) = doorstep(seed, &home.building, &mut rng) else {
            continue;
        };
        if i >= far_from && !far_sent {
            // Sent from about 2 km east of the grid: flagged for review.
            if let Position::Fix { longitude, .. } = &mut position {
                *longitude += 0.023;
                far_sent = true;
            }
        }
        let visit = Visit {
            id: Uuid::from_u128(rng.r#gen()),
            household: home.code.clone(),
            outcome,
            visited_at: at,
            position,
        };
        let stored = StoredVisit {
            round,
            author: GRID_MEMBER.into(),
            digest: digest_of(&visit),
            received_at: now,
            visit,
        };
        if let Recorded::New(_) = store.record_visit(&stored).await? {
            done.visits += 1;
        }
        if outcome == VisitOutcome::Met && rng.gen_ratio(1, 2) {
            let captured_at = at + Duration::minutes(2);
            if let Some(id) = survey(store, home, round, captured_at, &mut rng, now).await? {
                done.surveys += 1;
                if done.returned == 0 {
                    give_back(store, home, id, now).await?;
                    done.returned += 1;
                }
            }
        }
        at += Duration::minutes(PACE_MINUTES);
    }
    Ok(done)
}

/// 09:00 China time on the day before `now`, kept within the round.
fn first_visit(round: Round, now: OffsetDateTime) -> OffsetDateTime {
    let today = now.to_offset(CHINA).date();
    let day = today
        .previous_day()
        .unwrap_or(today)
        .clamp(round_start(round), round.last_day());
    PrimitiveDateTime::new(day, Time::from_hms(9, 0, 0).expect("09:00 is a time"))
        .assume_offset(CHINA)
        .to_offset(UtcOffset::UTC)
}

/// A fix at the door of `building`: near its middle, within a few metres.
fn doorstep(seed: &Seed, building: &str, rng: &mut ChaCha8Rng) -> Option<Position> {
    let middle = seed
        .building_boundaries
        .iter()
        .find(|(_, name, _)| name == building)?
        .2
        .to_polygon()?
        .centroid()?;
    Some(Position::Fix {
        latitude: middle.y() + rng.gen_range(-0.00004..0.00004),
        longitude: middle.x() + rng.gen_range(-0.0003..0.0003),
        accuracy_m: f64::from(rng.gen_range(8..30)),
    })
}

/// The team's survey of `home` with every member unchanged, if it passes
/// intake's checks; its id once stored.
async fn survey<S: Store>(
    store: &S,
    home: &HouseholdPlace,
    round: Round,
    captured_at: OffsetDateTime,
    rng: &mut ChaCha8Rng,
    now: OffsetDateTime,
) -> Result<Option<SubmissionId>, StoreError> {
    let Some(state) = store.household_state(&home.code, round).await? else {
        return Ok(None);
    };
    let submission = Submission {
        id: SubmissionId(Uuid::from_u128(rng.r#gen())),
        kind: SubmissionKind::Survey,
        household: home.code.clone(),
        round,
        captured_at,
        base: Vec::new(),
        household_writes: Vec::new(),
        members: state
            .ledger
            .members
            .iter()
            .filter(|m| m.left.is_none())
            .map(|m| MemberReport {
                person: m.person.clone(),
                membership: None,
                writes: Vec::new(),
                extra: Vec::new(),
            })
            .collect(),
        household_extra: Vec::new(),
    };
    if !check_submission(&submission).is_empty()
        || !check_against(&submission, &state.ledger, captured_at.date()).is_empty()
    {
        return Ok(None);
    }
    let accepted = Accepted {
        author: TEAM.into(),
        submission,
    };
    let digest = digest_of(&accepted.submission);
    match store.record(&accepted, &digest, now).await? {
        Recorded::New(receipt) => Ok(Some(receipt.submission)),
        _ => Ok(None),
    }
}

/// The supervisor sends a survey back to the team, with a reason.
async fn give_back<S: Store>(
    store: &S,
    home: &HouseholdPlace,
    submission: SubmissionId,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let review = Review {
        submission,
        decision: ReviewDecision::Return,
        reason: Some(RETURN_REASON.into()),
        by: SUPERVISOR.into(),
        at: now,
    };
    let subject = review_subject(&home.code, submission, ReviewDecision::Return);
    store.review(&review, &subject).await?;
    Ok(())
}
