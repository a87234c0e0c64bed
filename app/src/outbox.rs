//! Captures waiting for the server. Each is on the phone's disk before the
//! user is told it is saved, and leaves only when the server has it or the
//! user, told exactly what will be lost, throws it away.

use serde::{Deserialize, Serialize};
use shared::follow_up::FollowUpAction;
use shared::place::{HouseholdCode, PersonId};
use shared::record::LabourRecord;
use shared::wire::{RosterHousehold, RosterMember, Submission, SubmissionId, Visit};
use uuid::Uuid;

use crate::device::{self, StorageError, Store};

/// What kind of capture an entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Survey,
    Visit,
    /// A follow-up action (`shared::follow_up::FollowUpAction`).
    Action,
}

/// One waiting capture. The request body is kept as the exact text first
/// sent, so every retry is byte for byte the same and the phone never
/// needs to read a submission back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: Uuid,
    pub kind: Kind,
    pub household: HouseholdCode,
    /// The JSON of the `Submission`, `Visit` or `FollowUpAction`.
    pub body: String,
    /// A survey's members as entered, all who remain in the household,
    /// shown until the server has them.
    #[serde(default)]
    pub records: Vec<(PersonId, LabourRecord)>,
    /// Who captured it: only their session may send it.
    pub owner: String,
    /// What it is, for people: building, room, head of household.
    pub label: String,
    /// Milliseconds since the epoch, by the phone's clock.
    pub saved_at: f64,
    /// Why the server refused it; the user must act before it is sent again.
    #[serde(default)]
    pub problem: Option<String>,
}

impl Entry {
    /// A survey, with the records it leaves its members with.
    pub fn survey(
        submission: &Submission,
        records: Vec<(PersonId, LabourRecord)>,
    ) -> Option<Entry> {
        let household = submission.household.clone();
        Entry::new(
            submission.id.0,
            Kind::Survey,
            household,
            submission,
            records,
        )
    }

    pub fn visit(visit: &Visit) -> Option<Entry> {
        Entry::new(
            visit.id,
            Kind::Visit,
            visit.household.clone(),
            visit,
            Vec::new(),
        )
    }

    pub fn action(action: &FollowUpAction) -> Option<Entry> {
        Entry::new(
            action.id,
            Kind::Action,
            action.household.clone(),
            action,
            Vec::new(),
        )
    }

    /// Owner and label are the outbox's to set, when it takes the entry.
    fn new(
        id: Uuid,
        kind: Kind,
        household: HouseholdCode,
        body: &impl Serialize,
        records: Vec<(PersonId, LabourRecord)>,
    ) -> Option<Entry> {
        Some(Entry {
            id,
            kind,
            household,
            body: serde_json::to_string(body).ok()?,
            records,
            owner: String::new(),
            label: String::new(),
            saved_at: js_sys::Date::now(),
            problem: None,
        })
    }

    fn key(&self) -> String {
        self.id.to_string()
    }
}

/// Writes `entry` to disk; the caller shows it saved only after this.
pub async fn save(entry: &Entry) -> Result<(), StorageError> {
    device::put(Store::Outbox, &entry.key(), entry).await
}

pub async fn remove(id: Uuid) -> Result<(), StorageError> {
    device::delete(Store::Outbox, &id.to_string()).await
}

/// Every waiting capture, oldest first: the order they must be sent in.
pub async fn load() -> Vec<Entry> {
    let mut entries: Vec<Entry> = device::all(Store::Outbox).await;
    entries.sort_by(|a, b| a.saved_at.total_cmp(&b.saved_at));
    entries
}

/// The file a user can keep as a last resort, and import back.
#[derive(Serialize, Deserialize)]
pub struct Export {
    pub app: String,
    pub entries: Vec<Entry>,
}

pub const EXPORT_APP: &str = "anju-outbox";

/// Shows a household as it will be once its waiting captures arrive, so
/// the list and a reopened form agree with what the user entered. A visit
/// stays shown once sent, until the next roster says the same.
pub fn overlay(household: &mut RosterHousehold, entries: &[Entry]) {
    for entry in entries {
        if entry.household != household.code {
            continue;
        }
        match entry.kind {
            Kind::Survey => {}
            Kind::Visit => {
                household.visited = true;
                continue;
            }
            Kind::Action => continue,
        }
        if household.base.iter().any(|b| b.0 == entry.id) {
            continue;
        }
        // The survey names every member the household keeps: those who
        // left drop out, those who joined come in.
        let before = std::mem::take(&mut household.members);
        household.members = entry
            .records
            .iter()
            .map(|(person, record)| RosterMember {
                person: person.clone(),
                record: record.clone(),
                masked: before
                    .iter()
                    .find(|m| &m.person == person)
                    .map(|m| m.masked.clone())
                    .unwrap_or_default(),
            })
            .collect();
        household.surveyed = true;
        household.base.push(SubmissionId(entry.id));
    }
}

/// A household's state this round, as the list shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// A capture of it was refused: the user must look.
    NeedsAction,
    /// Surveyed on this phone, not yet at the server.
    Waiting,
    Surveyed,
    /// A supervisor sent its survey back with a reason; the team corrects it.
    Returned,
    /// Its ledger holds values that disagree, for a supervisor to settle.
    Conflict,
    /// Visited this round, not yet surveyed.
    Visited,
    NotYet,
}

/// The state of `household` given the phone's outbox and what was sent.
pub fn state_of(household: &RosterHousehold, outbox: &[Entry]) -> State {
    let mine: Vec<&Entry> = outbox
        .iter()
        .filter(|e| e.household == household.code)
        .collect();
    if mine.iter().any(|e| e.problem.is_some()) {
        State::NeedsAction
    } else if mine.iter().any(|e| e.kind == Kind::Survey) {
        State::Waiting
    } else if household.returned.is_some() {
        State::Returned
    } else if household.conflicted {
        State::Conflict
    } else if household.surveyed {
        State::Surveyed
    } else if household.visited || mine.iter().any(|e| e.kind == Kind::Visit) {
        State::Visited
    } else {
        State::NotYet
    }
}
